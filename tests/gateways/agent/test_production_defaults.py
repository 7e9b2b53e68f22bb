"""Every rendered service has production defaults: a Jool push reaches Jool's own reload (not "agent.toml has no
settings for service jool"). The router and TAYGA defaults run for real in tests/e2e/test_agent_debian_layout.py."""

from pathlib import Path
from typing import Any

from gateways.agentconfig import DEBIAN_SERVICES
from gateways.render import render_intent
from tests.gateways.agent.conftest import NODE

JOOL_SIIT = {"schema": 1, "node": NODE, "description": "", "roles": {"nat64": {
    "implementation": "jool", "mode": "siit", "pool6": "2001:db8:64::/96",
    "mappings": [{"ipv4": "192.0.2.0/28", "ipv6": "2001:db8:1::/124"}]}}}  # fmt: skip


def test_every_rendered_service_has_debian_defaults() -> None:
    assert {"jool", "router-ios", "router-linux", "iproute2", "nftables", "tayga"} <= set(DEBIAN_SERVICES)
    assert DEBIAN_SERVICES["jool"].directory == Path("/etc/jool")


def test_a_jool_push_runs_jools_reload(agent_factory: Any, tmp_path: Path) -> None:
    agent = agent_factory(mode="production", services={"jool": {"directory": str(tmp_path / "jool")}})
    [siit] = render_intent(JOOL_SIIT)
    reply = agent.push(1, JOOL_SIIT)
    assert reply.status_code == 200, reply.text
    jool = reply.json()["services"]["jool"]
    installed = tmp_path / "jool" / "jool_siit.json"
    if reply.json()["status"] == "applied":  # a node with the Jool module
        assert jool["stage"] == "health" and installed.read_text() == siit.content
    else:  # here: no kernel module (or no modprobe); the shell or Jool says so, and the file is rolled back
        assert jool["stage"] == "reload" and jool["message"].startswith("exit "), jool
        assert not installed.exists()
