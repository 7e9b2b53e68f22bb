"""The signature comes first: without it nothing about the node is revealed, and junk is counted apart."""

import json

import httpx

from gateways.intent import content_hash
from tests.gateways.agent.conftest import NODE, RunningAgent, dns64_intent

REFUSAL = {"status": "refused", "reason": "signature does not match"}


def test_a_signed_ping_replayed_on_status_is_refused(agent: RunningAgent) -> None:
    agent.push(1, dns64_intent())
    replayed = agent.post("/v1/status", b"", path="/v1/ping")
    assert (replayed.status_code, replayed.json()) == (401, REFUSAL)
    assert agent.post("/v1/ping", b"", method="GET").status_code == 401
    assert agent.post("/v1/ping", b"").json() == {"status": "ok", "hash": content_hash(dns64_intent())}


def test_a_push_for_another_node_without_its_secret_learns_nothing(agent: RunningAgent) -> None:
    intent = dns64_intent() | {"node": "gw-other"}
    bad_signature = agent.push(1, dns64_intent(), secret=b"guess")
    other_node = agent.push(1, intent, node="gw-other", secret=b"guess")
    unsigned = httpx.post(f"{agent.url}/v1/intent", content=json.dumps({"revision": 1, "intent": intent}).encode(),
                          headers={"X-Opsconsole-Node": "gw-other"})  # fmt: skip
    for reply in (bad_signature, other_node, unsigned):
        assert (reply.status_code, reply.content) == (401, bad_signature.content)
        assert NODE not in reply.text
    assert bad_signature.json() == REFUSAL
    assert agent.status()["revision"] == 0


def test_junk_is_counted_apart_and_cannot_push_refusals_out_of_the_list(agent: RunningAgent) -> None:
    agent.push(5, dns64_intent())
    for number in range(50):
        agent.push(6 + number, dns64_intent(), secret=f"junk {number}".encode())
    stale = agent.push(4, dns64_intent("2001:db8:65::/96"))

    status = agent.status()
    assert status["refused"] == [stale.json()["reason"]] == ["revision 4 is older than running revision 5"]
    assert (status["counters"]["unauthenticated"], status["counters"]["refused"]) == (50, 1)
    assert agent.log().count("refused request from 127.0.0.1: signature does not match") == 50


def test_an_unknown_endpoint_is_named_only_to_a_signed_caller(agent: RunningAgent) -> None:
    signed = agent.post("/v1/nope", b"")
    unsigned = agent.post("/v1/nope", b"", secret=b"guess")
    assert (signed.status_code, signed.json()["reason"]) == (404, "no such endpoint /v1/nope")
    assert (unsigned.status_code, unsigned.json()) == (401, REFUSAL)
