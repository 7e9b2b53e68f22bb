"""The agent serves HTTPS with the certificate and key agent.toml names; clients check it against their CA."""

import socket
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.certificates import loopback_certificate
from tests.gateways.agent.conftest import REPOSITORY, RunningAgent, dns64_intent


def tls_agent(agent_factory: Any, tmp_path: Path, **overrides: Any) -> RunningAgent:
    files = loopback_certificate(tmp_path / "pki")
    agent = agent_factory(tls_certificate=str(files.certificate_file), tls_key=str(files.key_file), **overrides)
    agent.client = httpx.Client(timeout=30, verify=ssl.create_default_context(cafile=files.ca_file))
    return agent


def test_a_push_over_https_with_the_right_ca_applies(agent_factory: Any, tmp_path: Path) -> None:
    agent = tls_agent(agent_factory, tmp_path)
    assert agent.url.startswith("https://127.0.0.1:")
    reply = agent.push(1, dns64_intent())
    assert (reply.status_code, reply.json()["status"]) == (200, "applied")


def test_an_agent_on_ipv6_serves_https_too(agent_factory: Any, tmp_path: Path) -> None:
    agent = tls_agent(agent_factory, tmp_path, listen_host="::1")
    assert agent.url.startswith("https://[::1]:")
    assert agent.post("/v1/ping", b"").json()["status"] == "ok"


def test_a_client_trusting_another_ca_refuses_the_agent(agent_factory: Any, tmp_path: Path) -> None:
    agent = tls_agent(agent_factory, tmp_path)
    other = loopback_certificate(tmp_path / "other", ca_name="another CA")
    agent.client = httpx.Client(timeout=30, verify=ssl.create_default_context(cafile=other.ca_file))
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        agent.push(1, dns64_intent())
    assert not (agent.sandbox / "unbound").exists()


def test_plain_http_to_an_https_agent_gets_nothing_and_blocks_nobody(agent_factory: Any, tmp_path: Path) -> None:
    agent = tls_agent(agent_factory, tmp_path)
    url = httpx.URL(agent.url)
    with socket.create_connection((url.host, url.port), timeout=10) as plain:
        plain.sendall(b"POST /v1/ping HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        try:
            answer = plain.recv(65536)
        except ConnectionResetError:
            answer = b""
        assert not answer.startswith(b"HTTP/")
        with socket.create_connection((url.host, url.port), timeout=10):  # a handshake that never starts
            assert agent.post("/v1/ping", b"").json()["status"] == "ok"
    assert "connection from 127.0.0.1 failed:" in agent.log()


def test_an_unreadable_certificate_stops_the_agent_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "agent.toml"
    config.write_text('node = "gw1"\nsecret = "s"\nstate_dir = "state"\n'
                      'tls_certificate = "missing.pem"\ntls_key = "missing.key"\n')  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "gateways.agent", "--config", str(config)], cwd=REPOSITORY, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr == (f"agent: bad configuration: tls_certificate {tmp_path}/missing.pem with tls_key "
                           f"{tmp_path}/missing.key: No such file or directory\n")
