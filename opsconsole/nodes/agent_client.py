"""The console's side of the push protocol: a signed POST of one revision to a node's agent."""
import json
import ssl
import time
from dataclasses import dataclass, field

import httpx

from gateways.signing import sign_request

from .models import ConfigRevision, GatewayNode, Push

PUSH_TIMEOUT_SECONDS = 60


class AgentUnreachable(Exception):
    """The agent could not be reached at all; the push is worth retrying."""


@dataclass(frozen=True)
class AgentReply:
    status: str
    services: dict = field(default_factory=dict)
    error: str = ""


def send_revision(node: GatewayNode, revision: ConfigRevision) -> AgentReply:
    body = json.dumps({"revision": revision.number, "intent": revision.intent}).encode()
    headers = sign_request(
        node.push_secret, "POST", "/v1/intent", node.name, revision.number, revision.content_hash, int(time.time()),
        body,
    )
    headers["Content-Type"] = "application/json"
    try:
        verify = agent_tls(node)
    except OSError as exc:  # ssl.SSLError included
        return AgentReply(Push.Status.FAILED, error=f"agent CA file {node.agent_ca_file}: {exc.strerror or exc}")
    try:
        response = httpx.post(f"{node.agent_url.rstrip('/')}/v1/intent", content=body, headers=headers,
                              timeout=PUSH_TIMEOUT_SECONDS, verify=verify)
    except httpx.HTTPError as exc:
        if untrusted := certificate_error(exc):  # a configuration fault: retrying would only repeat it
            return AgentReply(Push.Status.FAILED, error=f"{node.agent_url}: the agent's certificate is not trusted "
                                                        f"({untrusted.verify_message}); check the node's agent CA file")
        raise AgentUnreachable(f"{node.agent_url}: {exc.__class__.__name__}: {exc}") from None
    try:
        reply = response.json()
    except ValueError:
        return AgentReply(Push.Status.FAILED, error=f"agent answered HTTP {response.status_code} without JSON")
    if reply.get("status") == "refused":
        return AgentReply(Push.Status.REFUSED, error=f"HTTP {response.status_code}: {reply.get('reason', '')}")
    if reply.get("status") == "error":  # the agent failed while applying and says why; retrying blindly won't help
        return AgentReply(Push.Status.FAILED, error=f"HTTP {response.status_code}: {reply.get('reason', '')}")
    services = reply.get("services") or {}
    errors = [f"{name} ({result.get('stage')}): {result.get('message')}"
              for name, result in services.items() if not result.get("ok")]
    status = {"applied": Push.Status.APPLIED, "unchanged": Push.Status.UNCHANGED}.get(reply.get("status"),
                                                                                       Push.Status.FAILED)
    return AgentReply(status, services, "\n".join(errors))


def agent_tls(node: GatewayNode) -> ssl.SSLContext | bool:
    """How an https:// agent's certificate is checked: against the node's CA file, else the system's CAs."""
    return ssl.create_default_context(cafile=node.agent_ca_file) if node.agent_ca_file else True


def certificate_error(exc: BaseException | None) -> ssl.SSLCertVerificationError | None:
    while exc is not None and not isinstance(exc, ssl.SSLCertVerificationError):
        exc = exc.__cause__ or exc.__context__
    return exc
