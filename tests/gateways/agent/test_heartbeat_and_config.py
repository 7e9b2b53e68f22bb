"""The agent's heartbeat reaches the console with its bearer token; a bad agent.toml stops it with exit 2."""

import contextlib
import json
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from gateways.intent import content_hash
from tests.certificates import loopback_certificate
from tests.gateways.agent.conftest import NODE, REPOSITORY, dns64_intent


class ConsoleStandIn(BaseHTTPRequestHandler):
    beats: list[tuple[str, str, dict[str, Any]]]
    # Keep-alive, as the real console's server: closing a TLS connection after every beat raced the agent's next one.
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.beats.append((self.path, self.headers["Authorization"], json.loads(body)))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class TlsConsole(ThreadingHTTPServer):
    """HTTPS with each handshake in its connection's own thread: a handshake in the accept loop, failing for one
    agent, reset the connection another agent was opening."""

    def finish_request(self, request, client_address) -> None:
        try:
            request = self.tls.wrap_socket(request, server_side=True)  # type: ignore[attr-defined]
        except (ssl.SSLError, OSError):
            return  # the agent refused our certificate: what the distrusting agent must do
        super().finish_request(request, client_address)


@contextlib.contextmanager
def console_stand_in(tls: ssl.SSLContext | None = None) -> Iterator[ThreadingHTTPServer]:
    console = (TlsConsole if tls else ThreadingHTTPServer)(("127.0.0.1", 0), ConsoleStandIn)
    console.tls = tls  # type: ignore[attr-defined]
    console.beats = []  # type: ignore[attr-defined]
    threading.Thread(target=console.serve_forever, daemon=True).start()
    try:
        yield console
    finally:
        console.shutdown()
        console.server_close()


def wait_for_beats(console: ThreadingHTTPServer, seconds: float = 5) -> list[tuple[str, str, dict[str, Any]]]:
    """The heartbeats that carry a running hash, once there is one (or none after `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not any(b[2]["hash"] for b in console.beats):  # type: ignore[attr-defined]
        time.sleep(0.05)
    return [b for b in console.beats if b[2]["hash"]]  # type: ignore[attr-defined]


def test_heartbeat_carries_token_and_running_hash(agent_factory: Any) -> None:
    with console_stand_in() as console:
        agent = agent_factory(
            console_url=f"http://127.0.0.1:{console.server_address[1]}/", console_token="tok-gw-test",
            heartbeat_interval=0.2,
        )  # fmt: skip
        intent = dns64_intent()
        agent.push(1, intent)
        path, authorization, beat = wait_for_beats(console)[0]
        assert (path, authorization) == (f"/api/nodes/{NODE}/heartbeat/", "Bearer tok-gw-test")
        assert (beat["node"], beat["revision"], beat["hash"]) == (NODE, 1, content_hash(intent))
        assert beat["services"]["unbound"]["ok"] and beat["counters"]["applied"] == 1


def test_heartbeat_to_an_https_console_checks_it_against_console_ca_file(agent_factory: Any, tmp_path: Path) -> None:
    files = loopback_certificate(tmp_path / "console")
    other = loopback_certificate(tmp_path / "other", ca_name="another CA")
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(files.certificate_file, files.key_file)
    with console_stand_in(tls) as console:
        url = f"https://localhost:{console.server_address[1]}"
        trusting = agent_factory(console_url=url, console_token="trusts", heartbeat_interval=0.2,
                                 console_ca_file=str(files.ca_file))  # fmt: skip
        distrusting = agent_factory(console_url=url, console_token="distrusts", heartbeat_interval=0.2,
                                    console_ca_file=str(other.ca_file))  # fmt: skip
        trusting.push(1, dns64_intent())
        distrusting.push(1, dns64_intent())
        assert wait_for_beats(console)
        time.sleep(0.5)
        assert {beat[1] for beat in console.beats} == {"Bearer trusts"}  # type: ignore[attr-defined]
    assert "CERTIFICATE_VERIFY_FAILED" in distrusting.log()
    assert "heartbeat to" not in trusting.log()


def test_unreachable_console_is_logged_once(agent_factory: Any) -> None:
    probe = ThreadingHTTPServer(("127.0.0.1", 0), ConsoleStandIn)
    port = probe.server_address[1]
    probe.server_close()
    agent = agent_factory(console_url=f"http://127.0.0.1:{port}", console_token="tok", heartbeat_interval=0.1)
    time.sleep(1)
    assert agent.log().count("heartbeat to") == 1
    assert agent.push(1, dns64_intent()).json()["status"] == "applied"


def test_bad_config_exits_2_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "agent.toml"
    config.write_text('node = "gw1"\nmode = "staging"\nsecret = "s"\nstate_dir = "state"\n')
    done = subprocess.run(
        [sys.executable, "-m", "gateways.agent", "--config", str(config)], cwd=REPOSITORY, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr == f"agent: bad configuration: {config}: mode must be sandbox or production, not 'staging'\n"
