"""Signed pushes to a sandbox agent: applied, unchanged, refused, rejected by the checker, remembered across restarts."""

import time
from typing import Any

import pytest

from gateways.intent import content_hash
from gateways.render import render_intent
from tests.gateways.agent.conftest import NODE, RunningAgent, dns64_intent


def rendered_files(agent: RunningAgent) -> dict[str, str]:
    return {str(path.relative_to(agent.sandbox)): path.read_text() for path in agent.sandbox.rglob("*") if path.is_file()}


def test_good_push_applies_and_the_same_push_is_unchanged(agent: RunningAgent) -> None:
    intent = dns64_intent()
    reply = agent.push(1, intent)
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "applied"
    assert reply.json()["services"]["unbound"] | {"message": ""} == {"ok": True, "stage": "check", "message": ""}
    assert rendered_files(agent) == {file.path: file.content for file in render_intent(intent)}
    status = agent.status()
    assert (status["revision"], status["hash"]) == (1, content_hash(intent))
    assert status["counters"]["applied"] == 1

    again = agent.push(1, intent)
    assert again.json() | {"services": None} == {
        "status": "unchanged", "revision": 1, "content_hash": content_hash(intent), "services": None,
    }  # fmt: skip


def test_ping_returns_the_running_hash(agent: RunningAgent) -> None:
    agent.push(1, dns64_intent())
    assert agent.post("/v1/ping", b"").json() == {"status": "ok", "hash": content_hash(dns64_intent())}


SECRET_TEXT = "agent-test-secret"
REFUSALS: dict[str, tuple[dict[str, Any], int, str]] = {
    "bad signature": ({"secret": b"not-the-node-secret"}, 401, "signature does not match"),
    "another node": ({"node": "gw-other"}, 403, f"push for node gw-other reached node {NODE}"),
    "stale": ({"clock_offset": -93}, 401, "s old, window is 30 s"),
    "future": ({"clock_offset": 300}, 401, "s in the future, window is 30 s"),
    "hash mismatch": ({"content_hash": "sha256:" + "0" * 64}, 400, "signed content hash is sha256:000"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refused_push_leaves_the_node_alone(agent: RunningAgent, case: str) -> None:
    running = dns64_intent()
    assert agent.push(1, running).json()["status"] == "applied"
    before = rendered_files(agent)
    signing, code, reason = REFUSALS[case]
    reply = agent.push(2, dns64_intent("2001:db8:65::/96"), **signing)
    assert reply.status_code == code
    assert reply.json()["status"] == "refused"
    assert reason in reply.json()["reason"]
    assert rendered_files(agent) == before
    assert (agent.status()["revision"], agent.status()["hash"]) == (1, content_hash(running))
    assert f"refused request from 127.0.0.1: {reply.json()['reason']}" in agent.log()
    assert SECRET_TEXT not in agent.log() and reply.request.headers["X-Opsconsole-Signature"] not in agent.log()


def test_older_revision_is_refused(agent: RunningAgent) -> None:
    agent.push(5, dns64_intent())
    reply = agent.push(4, dns64_intent("2001:db8:65::/96"))
    assert (reply.status_code, reply.json()["reason"]) == (409, "revision 4 is older than running revision 5")
    assert agent.status()["revision"] == 5
    assert "revision 4 is older than running revision 5" in agent.log()


def test_invalid_intent_is_refused_with_the_field(agent: RunningAgent) -> None:
    agent.push(1, dns64_intent())
    before = rendered_files(agent)
    reply = agent.push(2, dns64_intent("2001:db8:64::/100"))
    assert reply.status_code == 422
    assert reply.json()["reason"].startswith("invalid intent: roles.dns64.prefix:")
    assert "2001:db8:64::/100" in reply.json()["reason"]
    assert rendered_files(agent) == before
    assert agent.status()["revision"] == 1
    assert reply.json()["reason"] in agent.log()


def test_config_the_checker_rejects_fails_and_keeps_the_running_files(agent: RunningAgent) -> None:
    agent.push(1, dns64_intent())
    before = rendered_files(agent)
    # Validation lets a repeated listen address through; unbound-checkconf refuses to bind it twice.
    reply = agent.push(2, dns64_intent(listen=["2001:db8:53::1", "2001:db8:53::1"]))
    assert reply.status_code == 200
    result = reply.json()
    assert (result["status"], result["revision"]) == ("failed", 1)
    assert result["services"]["unbound"]["stage"] == "check"
    assert not result["services"]["unbound"]["ok"]
    assert "present twice, cannot bind same ports twice" in result["services"]["unbound"]["message"]
    assert rendered_files(agent) == before
    assert agent.status()["counters"]["failed"] == 1
    assert "unbound failed at check" in agent.log()


def test_restarted_agent_keeps_its_revision_and_refuses_older(agent: RunningAgent) -> None:
    intent = dns64_intent()
    agent.push(3, intent)
    assert agent.stop() == 0
    agent.start()
    status = agent.status()
    assert (status["revision"], status["hash"]) == (3, content_hash(intent))
    assert agent.push(2, dns64_intent("2001:db8:65::/96")).status_code == 409
    assert agent.push(3, intent).json()["status"] == "unchanged"
