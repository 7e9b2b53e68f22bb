"""The on-demand path-MTU probe: signed like a push, refused otherwise, and answered with the real measurement."""

import json

import httpx

from tests.gateways.agent.conftest import RunningAgent

REFUSAL = {"status": "refused", "reason": "signature does not match"}


def test_a_signed_request_gets_the_largest_packet_that_passes(agent: RunningAgent) -> None:
    reply = agent.post("/v1/probe/pmtu", json.dumps({"destination": "127.0.0.1", "high": 1500}).encode())
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"status": "ok", "destination": "127.0.0.1", "largest": 1500,
                            "learned_mtu": None}  # loopback's MTU is 65536


def test_unsigned_and_forged_requests_are_refused_alike(agent: RunningAgent) -> None:
    body = json.dumps({"destination": "127.0.0.1"}).encode()
    unsigned = httpx.post(f"{agent.url}/v1/probe/pmtu", content=body)
    forged = agent.post("/v1/probe/pmtu", body, secret=b"a guess")
    replayed = agent.post("/v1/probe/pmtu", json.dumps({"destination": "192.0.2.1"}).encode(), path="/v1/status")
    for reply in (unsigned, forged, replayed):
        assert (reply.status_code, reply.json()) == (401, REFUSAL)
    assert agent.status()["counters"]["unauthenticated"] == 3


def test_a_signed_request_with_a_bad_body_is_refused_saying_why(agent: RunningAgent) -> None:
    for body, reason in (({"destination": "not-an-address"}, "body is not JSON"), ({}, "body is not JSON"),
                         ({"destination": "127.0.0.1", "high": 100000}, "high must be a whole number")):
        reply = agent.post("/v1/probe/pmtu", json.dumps(body).encode())
        assert reply.status_code == 400 and reply.json()["reason"].startswith(reason)
