"""A node without a daemon's checker: a sandbox agent installs the files and says they are not checked, a
production agent refuses them; both answer in JSON."""

import os
from pathlib import Path
from typing import Any

from gateways.render import render_intent
from tests.gateways.agent.conftest import dns64_intent

NOT_CHECKED = "not checked: named-checkconf is not installed (Debian package bind9-utils)"
BIND_INTENT = dns64_intent(implementation="bind")


def without_checkers(tmp_path: Path) -> dict[str, str]:
    """The environment of an agent on a machine where no daemon's checker is installed."""
    (tmp_path / "bin").mkdir()
    return dict(os.environ, PATH=str(tmp_path / "bin"))


def test_sandbox_installs_unchecked_files_and_says_so(agent_factory: Any, tmp_path: Path) -> None:
    agent = agent_factory(environment=without_checkers(tmp_path))
    reply = agent.push(1, BIND_INTENT)
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "applied"
    assert reply.json()["services"]["bind"] == {
        "ok": True, "stage": "check", "message": f"bind/named.conf: {NOT_CHECKED}", "checked": False}
    [named_conf] = render_intent(BIND_INTENT)
    assert (agent.sandbox / named_conf.path).read_text() == named_conf.content
    assert agent.status()["services"]["bind"]["message"].endswith(NOT_CHECKED)


def test_production_refuses_unchecked_files(agent_factory: Any, tmp_path: Path) -> None:
    directory = tmp_path / "etc-bind"
    agent = agent_factory(environment=without_checkers(tmp_path), mode="production",
                          services={"bind": {"directory": str(directory), "reload": "false", "health": "false"}})
    reply = agent.push(1, BIND_INTENT)
    assert reply.status_code == 200, reply.text
    assert reply.json() | {"content_hash": ""} == {
        "status": "failed", "revision": 0, "content_hash": "",
        "services": {"bind": {"ok": False, "stage": "check", "message": f"bind/named.conf: {NOT_CHECKED}",
                              "checked": False}},
    }  # fmt: skip
    assert not directory.exists()
    assert "bind failed at check: bind/named.conf: " + NOT_CHECKED in agent.log()
