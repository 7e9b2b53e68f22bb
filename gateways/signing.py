"""Signs console-to-agent requests with a per-node HMAC secret and checks agent-to-console bearer tokens."""

import hashlib
import hmac
import json
from dataclasses import dataclass

HEADER_NODE = "X-Opsconsole-Node"
HEADER_REVISION = "X-Opsconsole-Revision"
HEADER_CONTENT_HASH = "X-Opsconsole-Content-Hash"
HEADER_TIMESTAMP = "X-Opsconsole-Timestamp"
HEADER_SIGNATURE = "X-Opsconsole-Signature"
SIGNED_HEADERS = (HEADER_NODE, HEADER_REVISION, HEADER_CONTENT_HASH, HEADER_TIMESTAMP, HEADER_SIGNATURE)
DEFAULT_WINDOW_SECONDS = 30


class SignatureError(ValueError):
    """A request or a token that must be refused; the message says why in plain words."""


class Unauthenticated(SignatureError):
    """A request not signed with this node's secret: nothing it says (node, revision, time) can be trusted."""


class WrongNode(SignatureError):
    """A request signed with this node's secret but addressed to another node (the agent answers 403)."""


@dataclass(frozen=True)
class SignedRequest:
    node: str
    revision: int
    content_hash: str
    timestamp: int


def _signature(
    secret: bytes, method: str, path: str, node: str, revision: int, content_hash: str, timestamp: int, body: bytes
) -> str:
    # A JSON list keeps field boundaries unambiguous whatever characters a node name or a path holds.
    message = json.dumps([
        "opsconsole-push-v2", method, path, node, revision, content_hash, timestamp, hashlib.sha256(body).hexdigest()
    ]).encode()  # fmt: skip
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def sign_request(
    secret: bytes, method: str, path: str, node: str, revision: int, content_hash: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """Headers that authenticate one `method` request of `body` to `path` (e.g. POST /v1/intent) on `node`."""
    return {
        HEADER_NODE: node,
        HEADER_REVISION: str(revision),
        HEADER_CONTENT_HASH: content_hash,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: _signature(secret, method, path, node, revision, content_hash, timestamp, body),
    }


def _header(headers: dict[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    raise Unauthenticated(f"header {name} is missing")


def _whole_number(headers: dict[str, str], name: str) -> int:
    text = _header(headers, name)
    if not text.isascii() or not text.isdigit():
        raise Unauthenticated(f"header {name} is not a whole number: {text[:40]!r}")
    return int(text)


def verify_request(
    secret: bytes,
    this_node: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    now: int,
    window: int = DEFAULT_WINDOW_SECONDS,
) -> SignedRequest:
    """The signed fields of a request, or SignatureError saying why it must be refused.

    The signature is checked before any signed field is compared with this node's, so whoever lacks the secret
    learns nothing from the refusal (Unauthenticated) about the node or its clock."""
    node = _header(headers, HEADER_NODE)
    revision = _whole_number(headers, HEADER_REVISION)
    content_hash = _header(headers, HEADER_CONTENT_HASH)
    timestamp = _whole_number(headers, HEADER_TIMESTAMP)
    signature = _header(headers, HEADER_SIGNATURE)
    expected = _signature(secret, method, path, node, revision, content_hash, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise Unauthenticated("signature does not match")
    if node != this_node:
        raise WrongNode(f"push for node {node[:64]} reached node {this_node}")
    age = now - timestamp
    if age > window:
        raise SignatureError(f"push is {age} s old, window is {window} s")
    if -age > window:
        raise SignatureError(f"push is {-age} s in the future, window is {window} s")
    return SignedRequest(node=node, revision=revision, content_hash=content_hash, timestamp=timestamp)


def bearer_header(token: str) -> dict[str, str]:
    """The header an agent sends to the console."""
    return {"Authorization": f"Bearer {token}"}


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer TOKEN` header, or SignatureError; the console compares its hash."""
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise SignatureError("bearer token is missing")
    return presented.strip()
