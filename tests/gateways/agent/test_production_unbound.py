"""Production mode against a real Unbound in a throwaway network namespace: reload, live config, rollback."""

import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.gateways.agent.conftest import RunningAgent, dns64_intent

RESOLVER = "2001:db8:53::1"


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def agent_unbound(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Unbound in its own namespace, started with a hand-written file in the directory the agent manages."""
    netns = "agt-" + secrets.token_hex(5)
    managed = tmp_path / "unbound.conf.d"
    managed.mkdir()
    (managed / "unbound.conf").write_text(
        f'server:\n    interface: "{RESOLVER}@53"\n    access-control: "::/0" allow\n    module-config: "iterator"\n'
    )
    main = tmp_path / "unbound-main.conf"
    main.write_text(
        f'server:\n    directory: "{tmp_path}"\n    chroot: ""\n    username: ""\n    pidfile: "{tmp_path}/unbound.pid"\n'
        f'    use-syslog: no\n    logfile: "{tmp_path}/unbound.log"\ninclude: "{managed}/*.conf"\n'
        f'remote-control:\n    control-enable: yes\n    control-interface: "{tmp_path}/control.sock"\n'
        "    control-use-cert: no\n"
    )
    run("ip", "netns", "add", netns)
    try:
        run("ip", "-n", netns, "link", "set", "lo", "up")
        run("ip", "-n", netns, "addr", "add", f"{RESOLVER}/128", "dev", "lo", "nodad")
        run("ip", "netns", "exec", netns, "unbound", "-c", str(main))
        yield netns, main
    finally:
        pid = tmp_path / "unbound.pid"
        if pid.exists():
            subprocess.run(["kill", pid.read_text().strip()], capture_output=True)
        subprocess.run(["ip", "netns", "delete", netns], capture_output=True)


def control(main: Path, *command: str) -> str:
    return run("unbound-control", "-c", str(main), *command)


def test_push_reloads_unbound_and_a_failed_health_check_rolls_back(agent_factory: Any, agent_unbound: tuple) -> None:
    netns, main = agent_unbound
    answers_localhost = f"ip netns exec {netns} dig @{RESOLVER} +time=1 +tries=1 +short localhost A | grep -qx 127.0.0.1"
    agent: RunningAgent = agent_factory(mode="production", services={"unbound": {
        "directory": str(main.parent / "unbound.conf.d"),
        "reload": f"unbound-control -c {main} reload",
        "health": answers_localhost,
    }})  # fmt: skip
    assert control(main, "get_option", "module-config").strip() == "iterator"

    def lab_zone(address: str, **dns64: Any) -> dict[str, Any]:
        zone = {"name": "lab.test", "addresses": [address], "insecure": True}
        return dns64_intent(listen=[RESOLVER], stub_zones=[zone], **dns64)

    first = agent.push(1, lab_zone("2001:db8:53::2")).json()
    assert first["status"] == "applied", first
    assert first["services"]["unbound"] == {"ok": True, "stage": "health", "message": "ok"}
    assert control(main, "get_option", "module-config").strip() == "dns64 iterator"
    assert "lab.test. IN stub noprime 2001:db8:53::2" in control(main, "list_stubs")

    assert agent.push(2, lab_zone("2001:db8:53::3")).json()["status"] == "applied"
    assert "lab.test. IN stub noprime 2001:db8:53::3" in control(main, "list_stubs")
    good_file = (main.parent / "unbound.conf.d" / "unbound.conf").read_text()

    # Clients outside the health checker's address: Unbound reloads, then refuses the check's query.
    locked_out = agent.push(3, lab_zone("2001:db8:53::4", clients=["2001:db8:ffff::/48"])).json()
    assert (locked_out["status"], locked_out["revision"]) == ("failed", 2)
    unbound = locked_out["services"]["unbound"]
    assert (unbound["ok"], unbound["stage"]) == (False, "health")
    assert unbound["message"].endswith("(rolled back to revision 2)")
    assert (main.parent / "unbound.conf.d" / "unbound.conf").read_text() == good_file
    assert "lab.test. IN stub noprime 2001:db8:53::3" in control(main, "list_stubs")
    assert subprocess.run(["sh", "-c", answers_localhost]).returncode == 0
    assert agent.status()["revision"] == 2
