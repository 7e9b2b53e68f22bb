"""The gateway agent daemon: signed push API, serialised applies, heartbeat to the console."""

import argparse
import json
import logging
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from gateways.agentconfig import AgentConfig, AgentConfigError, load_agent_config
from gateways.apply import RunningState, StaleRevision, apply_intent, load_running_state
from gateways.intent import IntentError, content_hash, validate_intent
from gateways.neighbours import read_neighbours
from gateways.signing import SignatureError, SignedPush, WrongNode, bearer_header, verify_request

MAX_BODY_BYTES = 4 * 1024 * 1024
RECENT_REFUSALS = 20
log = logging.getLogger("gateways.agent")


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class GatewayAgent:
    """The node's running state, the apply lock and the counters the console sees."""

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.running: RunningState = load_running_state(config.state_dir)
        self.apply_lock = threading.Lock()
        self.counters = {"applied": 0, "unchanged": 0, "failed": 0, "refused": 0}
        self.refusals: deque[str] = deque(maxlen=RECENT_REFUSALS)

    def refuse(self, status: int, reason: str, peer: str) -> Refused:
        self.counters["refused"] += 1
        self.refusals.append(reason)
        log.warning("refused request from %s: %s", peer, reason)
        return Refused(status, reason)

    def authenticate(self, headers: dict[str, str], body: bytes, peer: str) -> SignedPush:
        """The signed fields of a request, or Refused."""
        try:
            return verify_request(
                self.config.secret, self.config.node, headers, body, int(time.time()), self.config.clock_skew
            )
        except WrongNode as error:
            raise self.refuse(403, str(error), peer) from None
        except SignatureError as error:
            raise self.refuse(401, str(error), peer) from None

    def push(self, headers: dict[str, str], body: bytes, peer: str) -> dict[str, Any]:
        signed_hash = self.authenticate(headers, body, peer).content_hash
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
                outcome, self.running = apply_intent(self.config, self.running, revision, intent, intent_hash)
            except StaleRevision as error:
                raise self.refuse(409, str(error), peer) from None
        self.counters[outcome.status] += 1
        log.info("revision %d (%s): %s", revision, intent_hash, outcome.status)
        for service, result in outcome.services.items():
            if not result["ok"]:
                log.warning("revision %d: %s failed at %s: %s", revision, service, result["stage"], result["message"])
        return asdict(outcome)

    def status(self) -> dict[str, Any]:
        running = self.running
        return {
            "node": self.config.node,
            "mode": self.config.mode,
            "revision": running.revision,
            "hash": running.content_hash,
            "services": running.services,
            "counters": dict(self.counters),
            "refused": list(self.refusals),
        }


class AgentRequestHandler(BaseHTTPRequestHandler):
    server: "AgentServer"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _reply(self, status: int, document: dict[str, Any]) -> None:
        payload = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        agent, peer = self.server.agent, self.client_address[0]
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._reply(413, {"status": "refused", "reason": f"body is larger than {MAX_BODY_BYTES} bytes"})
            return
        body = self.rfile.read(length)
        headers = dict(self.headers.items())
        try:
            if self.path == "/v1/intent":
                self._reply(200, agent.push(headers, body, peer))
            elif self.path == "/v1/ping":
                agent.authenticate(headers, body, peer)
                self._reply(200, {"status": "ok", "hash": agent.running.content_hash})
            elif self.path == "/v1/status":
                agent.authenticate(headers, body, peer)
                self._reply(200, agent.status())
            else:
                self._reply(404, {"status": "refused", "reason": f"no such endpoint {self.path}"})
        except Refused as refusal:
            self._reply(refusal.status, {"status": "refused", "reason": refusal.reason})


class AgentServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, agent: GatewayAgent) -> None:
        super().__init__((agent.config.listen_host, agent.config.listen_port), AgentRequestHandler)
        self.agent = agent


def send_heartbeats(agent: GatewayAgent, stop: threading.Event) -> None:
    """Beat every interval until stopped; an outage is logged when it starts and when it ends."""
    config = agent.config
    url = f"{config.console_url}/api/nodes/{config.node}/heartbeat/"
    reachable = True
    with httpx.Client(timeout=5, headers=bearer_header(config.console_token)) as client:
        while not stop.wait(config.heartbeat_interval):
            beat = agent.status()
            if beat.pop("mode") == "production":
                beat["neighbours"] = read_neighbours()
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
    except AgentConfigError as error:
        print(f"agent: bad configuration: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config.state_dir.mkdir(parents=True, exist_ok=True)
    agent = GatewayAgent(config)
    server = AgentServer(agent)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, name="api", daemon=True).start()
    if config.console_url and config.console_token:
        threading.Thread(target=send_heartbeats, args=(agent, stop), name="heartbeat", daemon=True).start()
    host, port = server.server_address[:2]
    log.info(
        "node %s (%s mode) listening on %s:%d, running revision %d", config.node, config.mode, host, port,
        agent.running.revision,
    )  # fmt: skip
    stop.wait()
    log.info("stopping")
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
