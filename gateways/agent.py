"""The gateway agent daemon: signed push API, serialised applies, heartbeat to the console."""

import argparse
import io
import ipaddress
import json
import logging
import queue
import selectors
import signal
import socket
import ssl
import sys
import threading
import time
from collections import deque
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx

from gateways.agentconfig import (
    AgentConfig,
    AgentConfigError,
    console_tls_context,
    load_agent_config,
    server_tls_context,
)
from gateways.apply import RunningState, StaleRevision, apply_intent, load_running_state
from gateways.node_secrets import SecretsUnavailable, install_secrets
from gateways.intent import IntentError, content_hash, validate_intent
from gateways.neighbours import read_neighbours
from gateways.probes import learned_mtu, path_mtu, run_probes
from gateways.stats import gather, run_bounded
from gateways.signing import (
    SignatureError,
    SignedRequest,
    Unauthenticated,
    WrongNode,
    bearer_header,
    verify_request,
)

MAX_BODY_BYTES = 4 * 1024 * 1024
RECENT_REFUSALS = 20
# Connections open at once. One that has sent nothing yet waits without a thread, and the oldest such one is
# dropped to admit a newcomer, so idle sockets cannot lock the console out.
MAX_CONNECTIONS = 512
# Requests read and answered at once; a push holds one while it waits for the apply lock.
REQUEST_WORKERS = 16
# The one answer to any request whose signature did not verify: it must not tell a caller without the secret
# which node this is or what was wrong with the guess (the log has the detail).
UNAUTHENTICATED = "signature does not match"
log = logging.getLogger("gateways.agent")


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class GatewayAgent:
    """The node's running state, the apply lock and the counters the console sees."""

    def __init__(self, config: AgentConfig, console_tls: ssl.SSLContext | bool = True) -> None:
        self.config = config
        self.console_tls = console_tls  # verifies the console when fetching secrets
        self.running: RunningState = load_running_state(config.state_dir)
        self.apply_lock = threading.Lock()
        self.counters_lock = threading.Lock()
        self.counters = {"applied": 0, "unchanged": 0, "failed": 0, "refused": 0, "unauthenticated": 0}
        # Only refusals of signed requests: the node page lists them, and junk must not push them out.
        self.refusals: deque[str] = deque(maxlen=RECENT_REFUSALS)

    def count(self, counter: str, refusal: str = "") -> None:
        with self.counters_lock:
            self.counters[counter] += 1
            if refusal:
                self.refusals.append(refusal)

    def refuse(self, status: int, reason: str, peer: str) -> Refused:
        """Refuse a request signed with this node's secret."""
        self.count("refused", reason)
        log.warning("refused request from %s: %s", peer, reason)
        return Refused(status, reason)

    def reject(self, status: int, reason: str, peer: str, detail: str = "") -> Refused:
        """Refuse a request whose signature has not verified: only counted, and answered without the detail."""
        self.count("unauthenticated")
        log.warning("refused request from %s: %s", peer, detail or reason)
        return Refused(status, reason)

    def authenticate(self, method: str, path: str, headers: dict[str, str], body: bytes, peer: str) -> SignedRequest:
        """The signed fields of a request, or Refused."""
        config = self.config
        try:
            return verify_request(
                config.secret, config.node, method, path, headers, body, int(time.time()), config.clock_skew
            )
        except Unauthenticated as error:
            raise self.reject(401, UNAUTHENTICATED, peer, str(error)) from None
        except WrongNode as error:
            raise self.refuse(403, str(error), peer) from None
        except SignatureError as error:
            raise self.refuse(401, str(error), peer) from None

    def push(self, signed: SignedRequest, body: bytes, peer: str) -> dict[str, Any]:
        signed_hash = signed.content_hash
        try:
            document = json.loads(body)
            revision, intent = document["revision"], document["intent"]
        except (ValueError, KeyError, TypeError):
            raise self.refuse(400, 'body is not JSON of the form {"revision": N, "intent": {...}}', peer) from None
        if not isinstance(revision, int) or isinstance(revision, bool) or not isinstance(intent, dict):
            raise self.refuse(400, "revision must be a whole number and intent an object", peer)
        # The hash of the intent as sent is the one the console compares with this node's running hash.
        intent_hash = content_hash(intent)
        if intent_hash != signed_hash:
            raise self.refuse(400, f"body hashes to {intent_hash}, signed content hash is {signed_hash}", peer)
        try:
            validate_intent(intent)  # refuse early with a 422; apply_intent renders from the intent as sent
        except IntentError as error:
            raise self.refuse(422, f"invalid intent: {error}", peer) from None
        if intent["node"] != self.config.node:
            raise self.refuse(422, f"intent describes node {intent['node']}, this is node {self.config.node}", peer)
        with self.apply_lock:
            try:
                if intent_hash != self.running.content_hash:
                    install_secrets(self.config, intent, self.console_tls)
            except SecretsUnavailable as error:
                raise self.refuse(502, str(error), peer) from None
            try:
                outcome, self.running = apply_intent(self.config, self.running, revision, intent, intent_hash)
            except StaleRevision as error:
                raise self.refuse(409, str(error), peer) from None
        self.count(outcome.status)
        log.info("revision %d (%s): %s", revision, intent_hash, outcome.status)
        for service, result in outcome.services.items():
            if not result["ok"]:
                log.warning("revision %d: %s failed at %s: %s", revision, service, result["stage"], result["message"])
        return asdict(outcome)

    def probe_pmtu(self, body: bytes, peer: str) -> dict[str, Any]:
        """One path-MTU probe on demand: {"destination": IP, "high": largest size to try (default 1500)}; the reply
        also says what path MTU the kernel learned from ICMP errors, if any."""
        try:
            request = json.loads(body)
            destination = str(ipaddress.ip_address(request["destination"]))
            high = request.get("high", 1500)
        except (ValueError, KeyError, TypeError):
            raise self.refuse(400, 'body is not JSON of the form {"destination": "IP address"}', peer) from None
        if isinstance(high, bool) or not isinstance(high, int) or not 1280 <= high <= 9000:
            raise self.refuse(400, "high must be a whole number from 1280 to 9000", peer)
        largest = path_mtu(self.config.stats, destination, high)
        return {"status": "ok", "destination": destination, "largest": largest,
                "learned_mtu": learned_mtu(self.config.stats, destination)}

    def observations(self) -> dict[str, Any]:
        """The daemons' statistics and the probes' results for a heartbeat, bounded in time together."""
        intent = self.running.intent
        if not intent:
            return {}
        roles = validate_intent(intent)["roles"]
        settings = self.config.stats
        results, errors = run_bounded({"stats": lambda: gather(settings, roles),
                                       "probes": lambda: run_probes(settings, roles)}, settings.deadline + 1)
        for name, error in errors.items():
            log.warning("%s not gathered: %s", name, error)
        return results

    def status(self) -> dict[str, Any]:
        running = self.running
        with self.counters_lock:
            counters, refused = dict(self.counters), list(self.refusals)
        return {
            "node": self.config.node,
            "mode": self.config.mode,
            "revision": running.revision,
            "hash": running.content_hash,
            "services": running.services,
            "counters": counters,
            "refused": refused,
        }


class DeadlineReader(io.RawIOBase):
    """A connection's bytes until a deadline: a client that trickles its request cannot hold a worker for longer."""

    def __init__(self, connection: socket.socket, deadline: float) -> None:
        super().__init__()
        self.connection, self.deadline = connection, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request did not arrive in time")
        self.connection.settimeout(remaining)
        return self.connection.recv_into(buffer)


class AgentRequestHandler(BaseHTTPRequestHandler):
    server: "AgentServer"  # type: ignore[assignment]

    def setup(self) -> None:
        self.connection = self.request
        deadline = time.monotonic() + self.server.read_timeout
        self.rfile = io.BufferedReader(DeadlineReader(self.connection, deadline))
        self.wfile = self.connection.makefile("wb")

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _reply(self, status: int, document: dict[str, Any]) -> None:
        payload = json.dumps(document).encode()
        self.connection.settimeout(self.server.read_timeout)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _body(self, agent: GatewayAgent, peer: str) -> bytes:
        """The request body, read only once its declared length is known to be sane."""
        declared = self.headers.get("Content-Length", "0")
        if not declared.isascii() or not declared.isdigit():
            raise agent.reject(400, f"Content-Length is not a whole number: {declared[:40]!r}", peer)
        length = int(declared)
        if length > MAX_BODY_BYTES:
            raise agent.reject(413, f"body is larger than {MAX_BODY_BYTES} bytes", peer)
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            raise agent.reject(408, f"body did not arrive within {self.server.read_timeout:g} s", peer) from None
        if len(body) < length:
            raise agent.reject(400, f"body ended after {len(body)} of {length} bytes", peer)
        return body

    def do_POST(self) -> None:
        agent, peer = self.server.agent, self.client_address[0]
        try:
            body = self._body(agent, peer)
            signed = agent.authenticate("POST", self.path, dict(self.headers.items()), body, peer)
            if self.path == "/v1/intent":
                self._reply(200, agent.push(signed, body, peer))
            elif self.path == "/v1/ping":
                self._reply(200, {"status": "ok", "hash": agent.running.content_hash})
            elif self.path == "/v1/status":
                self._reply(200, agent.status())
            elif self.path == "/v1/probe/pmtu":
                self._reply(200, agent.probe_pmtu(body, peer))
            else:
                self._reply(404, {"status": "refused", "reason": f"no such endpoint {self.path}"})
        except Refused as refusal:
            self._reply(refusal.status, {"status": "refused", "reason": refusal.reason})
        except Exception as error:  # a missing program, a failing command, a full disk: the console shows it
            log.exception("%s from %s failed", self.path, peer)
            self._reply(500, {"status": "error", "reason": f"{error.__class__.__name__}: {error}"})


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on `host` (an IPv6 or IPv4 address or a name) and `port`; `::` takes IPv4 as well."""
    family, kind, protocol, _, address = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    listener = socket.socket(family, kind, protocol)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        listener.bind(address)
        listener.listen(128)
    except BaseException:
        listener.close()
        raise
    return listener


class AgentServer:
    """Accepts connections and hands each to a worker once it has sent something.

    Until then a connection costs a file descriptor, not a thread, and waits at most read_timeout; the workers
    read each request against the same timeout, so neither idle nor trickling clients can starve a push or a ping.
    """

    def __init__(self, agent: GatewayAgent, tls: ssl.SSLContext | None = None) -> None:
        config = agent.config
        self.agent, self.tls, self.read_timeout = agent, tls, config.read_timeout
        self.socket = listening_socket(config.listen_host, config.listen_port)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.socket, selectors.EVENT_READ)
        self.idle: dict[socket.socket, tuple[Any, float]] = {}  # oldest first: connection -> (peer, deadline)
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.ready: queue.Queue[tuple[socket.socket, Any] | None] = queue.Queue()
        self.stopping, self.stopped = threading.Event(), threading.Event()
        self.workers = [
            threading.Thread(target=self._work, name=f"request-{number}", daemon=True)
            for number in range(REQUEST_WORKERS)
        ]
        for worker in self.workers:
            worker.start()

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"{'https' if self.tls else 'http'}://{f'[{host}]' if ':' in host else host}:{port}"

    def serve_forever(self) -> None:
        try:
            while not self.stopping.is_set():
                for key, _ in self.selector.select(timeout=0.2):
                    if key.fileobj is self.socket:
                        self._accept()
                    elif key.fileobj in self.idle:  # not dropped for a newcomer in this same round
                        connection = key.fileobj
                        self.selector.unregister(connection)
                        peer, _ = self.idle.pop(connection)
                        self.ready.put((connection, peer))
                now = time.monotonic()
                for connection, (_, deadline) in list(self.idle.items()):
                    if deadline > now:
                        break
                    self._drop_idle(connection)
        finally:
            self.stopped.set()

    def _accept(self) -> None:
        try:
            connection, peer = self.socket.accept()
        except OSError:  # the peer gave up already, or no descriptors are left until a connection closes
            return
        if not self.slots.acquire(blocking=False):
            if not self.idle:
                self._close(connection, slot=False)
                return
            self._drop_idle(next(iter(self.idle)))
            self.slots.acquire()
        connection.setblocking(False)
        self.idle[connection] = (peer, time.monotonic() + self.read_timeout)
        self.selector.register(connection, selectors.EVENT_READ)

    def _drop_idle(self, connection: socket.socket) -> None:
        self.selector.unregister(connection)
        del self.idle[connection]
        self._close(connection)

    def _close(self, connection: socket.socket, slot: bool = True) -> None:
        try:
            connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        connection.close()
        if slot:
            self.slots.release()

    def _work(self) -> None:
        while (item := self.ready.get()) is not None:
            connection, peer = item
            try:
                connection.settimeout(self.read_timeout)
                if self.tls:
                    connection = self.tls.wrap_socket(connection, server_side=True)
                AgentRequestHandler(connection, peer, self)
            except OSError as error:  # ssl.SSLError included: a failed handshake or a client gone mid-request
                log.warning("connection from %s failed: %s", peer[0], error)
            except Exception:
                log.exception("connection from %s failed", peer[0])
            finally:
                self._close(connection)

    def shutdown(self) -> None:
        """Stop serve_forever (running in another thread) and the workers once they finish their request."""
        self.stopping.set()
        self.stopped.wait()
        for _ in self.workers:
            self.ready.put(None)

    def server_close(self) -> None:
        self.selector.close()
        self.socket.close()
        for connection in list(self.idle):
            connection.close()


def send_heartbeats(agent: GatewayAgent, stop: threading.Event, verify: ssl.SSLContext) -> None:
    """Beat every interval until stopped; an outage is logged when it starts and when it ends."""
    config = agent.config
    url = f"{config.console_url}/api/nodes/{config.node}/heartbeat/"
    reachable = True
    with httpx.Client(timeout=5, headers=bearer_header(config.console_token), verify=verify) as client:
        while not stop.wait(config.heartbeat_interval):
            beat = agent.status()
            if beat.pop("mode") == "production":
                beat["neighbours"] = read_neighbours()
                beat.update(agent.observations())
            try:
                client.post(url, json=beat).raise_for_status()
            except httpx.HTTPError as error:
                if reachable:
                    log.warning("heartbeat to %s failed: %s", url, error)
                reachable = False
                continue
            if not reachable:
                log.info("heartbeat to %s works again", url)
            reachable = True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateways.agent", description=__doc__)
    parser.add_argument("--config", type=Path, required=True, help="path of agent.toml")
    arguments = parser.parse_args(argv)
    try:
        config = load_agent_config(arguments.config)
        tls, console_tls = server_tls_context(config), console_tls_context(config)
    except AgentConfigError as error:
        print(f"agent: bad configuration: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config.state_dir.mkdir(parents=True, exist_ok=True)
    agent = GatewayAgent(config, console_tls)
    try:
        server = AgentServer(agent, tls)
    except OSError as error:
        print(f"agent: cannot listen on {config.listen_host} port {config.listen_port}: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, name="api", daemon=True).start()
    if config.console_url and config.console_token:
        threading.Thread(
            target=send_heartbeats, args=(agent, stop, console_tls), name="heartbeat", daemon=True
        ).start()
    log.info(
        "node %s (%s mode) listening on %s, running revision %d", config.node, config.mode, server.url,
        agent.running.revision,
    )  # fmt: skip
    stop.wait()
    log.info("stopping")
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
