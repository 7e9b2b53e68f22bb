"""The agent's HTTP front door under misuse: bad lengths, idle and trickling clients, IPv6 and dual stack."""

import contextlib
import select
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gateways.agent import MAX_BODY_BYTES, MAX_CONNECTIONS
from gateways.intent import content_hash
from tests.gateways.agent.conftest import RunningAgent, dns64_intent


def address(agent: RunningAgent) -> tuple[str, int]:
    url = httpx.URL(agent.url)
    return url.host, url.port


@contextlib.contextmanager
def open_sockets(agent: RunningAgent, count: int) -> Iterator[list[socket.socket]]:
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sockets.append(socket.create_connection(address(agent), timeout=10))
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def raw_request(agent: RunningAgent, request: bytes) -> tuple[int, str]:
    """Send bytes as they are and return the status code and body of the answer."""
    with socket.create_connection(address(agent), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode()


def closed_by_agent(sock: socket.socket) -> bool:
    """True once the agent has closed the connection; False if it is still open after the socket's timeout."""
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", " "])
def test_a_content_length_that_is_not_a_whole_number_gets_400(agent: RunningAgent, length: str) -> None:
    status, body = raw_request(agent, f"POST /v1/intent HTTP/1.1\r\nContent-Length: {length}\r\n\r\n".encode())
    assert status == 400
    assert "Content-Length is not a whole number" in body
    assert agent.status()["counters"]["unauthenticated"] == 1


def test_a_body_over_the_limit_gets_413_without_being_sent(agent: RunningAgent) -> None:
    # Only the headers are sent: the answer must come before the agent waits for the body.
    started = time.monotonic()
    status, body = raw_request(
        agent, f"POST /v1/intent HTTP/1.1\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode()
    )  # fmt: skip
    assert (status, time.monotonic() - started < 5) == (413, True)
    assert f"body is larger than {MAX_BODY_BYTES} bytes" in body


def test_a_body_shorter_than_announced_gets_400(agent: RunningAgent) -> None:
    with socket.create_connection(address(agent), timeout=10) as sock:
        sock.sendall(b"POST /v1/intent HTTP/1.1\r\nContent-Length: 100\r\n\r\n{}")
        sock.shutdown(socket.SHUT_WR)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.0 400 ") and b"body ended after 2 of 100 bytes" in answer


def test_idle_and_trickling_connections_are_closed_after_the_read_timeout(agent_factory: Any) -> None:
    agent = agent_factory(read_timeout=1)
    with open_sockets(agent, 2) as (idle, trickling):
        started = time.monotonic()
        trickling.sendall(b"POST /v1/ping HTTP/1.1\r\n")
        trickling.settimeout(0.2)
        while not closed_by_agent(trickling):
            assert time.monotonic() - started < 4, "a client sending a header one byte at a time kept its connection"
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                trickling.sendall(b"X")
        assert closed_by_agent(idle)
        assert time.monotonic() - started < 4


@pytest.mark.parametrize("idle", [200, MAX_CONNECTIONS + 100])
def test_idle_connections_cannot_starve_a_ping_or_a_push(agent: RunningAgent, idle: int) -> None:
    with open_sockets(agent, idle) as sockets:
        time.sleep(0.5)  # let the agent accept them all
        started = time.monotonic()
        ping = agent.post("/v1/ping", b"")
        pushed = agent.push(1, dns64_intent())
        elapsed = time.monotonic() - started
        readable, _, _ = select.select(sockets, [], [], 0.5)
        dropped = [sock for sock in readable if closed_by_agent(sock)]
    assert (ping.status_code, pushed.json()["status"]) == (200, "applied")
    assert elapsed < 3, f"ping and push behind {idle} idle connections took {elapsed:.1f} s"
    # Over the cap, the agent drops the oldest idle connections to admit new ones (the ping's and the push's
    # too, unless the ping's slot is free again when the push connects); under it, none.
    over = max(0, idle - MAX_CONNECTIONS)
    assert over <= len(dropped) <= (over + 2 if over else 0)
    assert set(dropped) == set(sockets[: len(dropped)])


def test_an_agent_on_ipv6_loopback_takes_a_signed_push(agent_factory: Any) -> None:
    agent = agent_factory(listen_host="::1")
    assert agent.url.startswith("http://[::1]:")
    intent = dns64_intent()
    reply = agent.push(1, intent)
    assert (reply.status_code, reply.json()["status"]) == (200, "applied")
    assert agent.status()["hash"] == content_hash(intent)
    assert "refused request from ::1" not in agent.log()


def test_an_agent_on_the_ipv6_wildcard_answers_on_ipv4_too(agent_factory: Any) -> None:
    agent = agent_factory(listen_host="::")
    port = address(agent)[1]
    for url in (f"http://[::1]:{port}", f"http://127.0.0.1:{port}"):
        agent.url = url
        assert agent.post("/v1/ping", b"").json()["status"] == "ok", url
