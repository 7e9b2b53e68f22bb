"""The console's side of the push protocol: a signed POST of one revision to a node's agent."""
import json
import ssl
import time
from dataclasses import dataclass, field

import httpx
from cryptography.fernet import InvalidToken

from gateways.signing import sign_request

from .models import ConfigRevision, GatewayNode, Push

# A dead or black-holed agent costs a worker the connect timeout only; an agent that accepted the push gets
# long enough for its checkers and reloads, then the push is "no answer" and retried.
CONNECT_SECONDS = 3
ANSWER_SECONDS = 30


class AgentUnreachable(Exception):
    """The agent could not be reached at all; the push is worth retrying."""


class AgentNoAnswer(Exception):
    """The agent took the push but did not answer in time; it may have applied it, so a retry is harmless."""


@dataclass(frozen=True)
class AgentReply:
    status: str
    services: dict = field(default_factory=dict)
    error: str = ""


def send_revision(node: GatewayNode, revision: ConfigRevision) -> AgentReply:
    try:
        secret = node.push_secret
    except InvalidToken:
        return AgentReply(Push.Status.FAILED, error=(
            "the console cannot decrypt this node's push secret (SECRET_KEY or FIELD_ENCRYPTION_KEY changed); "
            f"issue new credentials with: manage.py rotate_node_credentials {node.name} DIRECTORY"))
    body = json.dumps({"revision": revision.number, "intent": revision.intent}).encode()
    headers = sign_request(
        secret, "POST", "/v1/intent", node.name, revision.number, revision.content_hash, int(time.time()), body,
    )
    headers["Content-Type"] = "application/json"
    try:
        verify = agent_tls(node)
    except OSError as exc:  # ssl.SSLError included
        return AgentReply(Push.Status.FAILED, error=f"agent CA file {node.agent_ca_file}: {exc.strerror or exc}")
    try:
        response = httpx.post(f"{node.agent_url.rstrip('/')}/v1/intent", content=body, headers=headers,
                              timeout=httpx.Timeout(ANSWER_SECONDS, connect=CONNECT_SECONDS), verify=verify)
    except (httpx.ReadTimeout, httpx.WriteTimeout) as exc:
        raise AgentNoAnswer(f"{node.agent_url}: no answer within {ANSWER_SECONDS} s ({exc.__class__.__name__})") from None
    except httpx.HTTPError as exc:
        if untrusted := certificate_error(exc):  # a configuration fault: retrying would only repeat it
            return AgentReply(Push.Status.FAILED, error=f"{node.agent_url}: the agent's certificate is not trusted "
                                                        f"({untrusted.verify_message}); check the node's agent CA file")
        raise AgentUnreachable(f"{node.agent_url}: {exc.__class__.__name__}: {exc}") from None
    return reply_from(response)


def reply_from(response: httpx.Response) -> AgentReply:
    """The push's outcome from the agent's answer, whatever shape that answer has."""
    try:
        reply = response.json()
    except ValueError:
        reply = None
    if not isinstance(reply, dict):
        return AgentReply(Push.Status.FAILED,
                          error=f"agent answered HTTP {response.status_code} with something that is not a JSON object")
    if reply.get("status") in ("refused", "error"):  # an agent failing while applying says why: retrying won't help
        status = Push.Status.REFUSED if reply["status"] == "refused" else Push.Status.FAILED
        return AgentReply(status, error=f"HTTP {response.status_code}: {reply.get('reason', '')}")
    services = reply.get("services", {})
    if not isinstance(services, dict) or not all(isinstance(result, dict) for result in services.values()):
        return AgentReply(Push.Status.FAILED, error=f"agent answered HTTP {response.status_code} with per-service "
                                                    "results that are not objects")
    errors = [f"{name} ({result.get('stage')}): {result.get('message')}"
              for name, result in services.items() if not result.get("ok")]
    status = {"applied": Push.Status.APPLIED, "unchanged": Push.Status.UNCHANGED}.get(reply.get("status"))
    if status is None:
        errors = errors or [f"agent answered HTTP {response.status_code}, status {str(reply.get('status'))[:80]!r}"]
        status = Push.Status.FAILED
    return AgentReply(status, services, "\n".join(errors))


def agent_tls(node: GatewayNode) -> ssl.SSLContext | bool:
    """How an https:// agent's certificate is checked: against the node's CA file, else the system's CAs."""
    return ssl.create_default_context(cafile=node.agent_ca_file) if node.agent_ca_file else True


def certificate_error(exc: BaseException | None) -> ssl.SSLCertVerificationError | None:
    while exc is not None and not isinstance(exc, ssl.SSLCertVerificationError):
        exc = exc.__cause__ or exc.__context__
    return exc


class ProbeFailed(Exception):
    """The agent did not run the probe; the message says why."""


PROBE_SECONDS = 60  # a binary search of a dozen pings, each waiting up to its timeout


def probe_pmtu(node: GatewayNode, destination: str, high: int = 1500) -> dict:
    """Ask the node's agent for the largest packet to DESTINATION that passes with DF set, signed like a push:
    {"status": "ok", "destination": ..., "largest": bytes or None, "learned_mtu": bytes or None}."""
    path = "/v1/probe/pmtu"
    body = json.dumps({"destination": destination, "high": high}).encode()
    try:
        headers = sign_request(node.push_secret, "POST", path, node.name, 0, "", int(time.time()), body)
        response = httpx.post(f"{node.agent_url.rstrip('/')}{path}", content=body, verify=agent_tls(node),
                              headers={**headers, "Content-Type": "application/json"},
                              timeout=httpx.Timeout(PROBE_SECONDS, connect=CONNECT_SECONDS))
        reply = response.json()
    except (InvalidToken, OSError, httpx.HTTPError, ValueError) as exc:
        raise ProbeFailed(f"{node.agent_url}: {exc.__class__.__name__}: {exc}") from None
    if response.status_code != 200 or not isinstance(reply, dict) or reply.get("status") != "ok":
        reason = reply.get("reason", "") if isinstance(reply, dict) else ""
        raise ProbeFailed(f"agent answered HTTP {response.status_code}: {reason}")
    return reply
