"""Request signatures and bearer tokens: what verifies, and why anything else is refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateways.signing import (
    SignatureError,
    Unauthenticated,
    WrongNode,
    bearer_header,
    bearer_token,
    sign_request,
    verify_request,
)

SECRET = b"node-secret"
NOW = 1_700_000_000
PUSH = {"method": "POST", "path": "/v1/intent", "node": "gw1", "revision": 7, "content_hash": "sha256:" + "ab" * 32,
        "timestamp": NOW}
BODY = b'{"revision": 7, "intent": {}}'


def test_a_signed_push_verifies() -> None:
    headers = sign_request(SECRET, body=BODY, **PUSH)
    signed = verify_request(SECRET, "gw1", "POST", "/v1/intent", headers, BODY, now=NOW + 5)
    assert (signed.node, signed.revision, signed.content_hash, signed.timestamp) == (
        "gw1", 7, PUSH["content_hash"], NOW)


def test_header_names_are_case_insensitive() -> None:
    headers = {name.lower(): value for name, value in sign_request(SECRET, body=BODY, **PUSH).items()}
    assert verify_request(SECRET, "gw1", "POST", "/v1/intent", headers, BODY, now=NOW).revision == 7


@pytest.mark.parametrize(
    ("secret", "node", "now", "error", "reason"),
    [
        (b"other", "gw1", NOW, Unauthenticated, "signature does not match"),
        # Signed for another node with a secret this node does not have: nothing about the node is revealed.
        (b"other", "gw2", NOW, Unauthenticated, "signature does not match"),
        (SECRET, "gw2", NOW, WrongNode, "push for node gw1 reached node gw2"),
        (b"other", "gw1", NOW + 3600, Unauthenticated, "signature does not match"),
        (SECRET, "gw1", NOW + 93, SignatureError, "push is 93 s old, window is 30 s"),
        (SECRET, "gw1", NOW - 31, SignatureError, "push is 31 s in the future, window is 30 s"),
    ],
)
def test_refusal_reasons(secret: bytes, node: str, now: int, error: type, reason: str) -> None:
    headers = sign_request(SECRET, body=BODY, **PUSH)
    with pytest.raises(error, match=f"^{reason}$"):
        verify_request(secret, node, "POST", "/v1/intent", headers, BODY, now=now)


def test_the_signature_covers_method_and_path() -> None:
    headers = sign_request(SECRET, body=b"", **PUSH | {"path": "/v1/ping"})
    verify_request(SECRET, "gw1", "POST", "/v1/ping", headers, b"", now=NOW)
    for method, path in (("POST", "/v1/status"), ("GET", "/v1/ping"), ("POST", "/v1/ping?x")):
        with pytest.raises(Unauthenticated, match="^signature does not match$"):
            verify_request(SECRET, "gw1", method, path, headers, b"", now=NOW)


def test_missing_and_malformed_headers() -> None:
    headers = sign_request(SECRET, body=BODY, **PUSH)
    unsigned = {k: v for k, v in headers.items() if "Signature" not in k}
    with pytest.raises(Unauthenticated, match="header X-Opsconsole-Signature is missing"):
        verify_request(SECRET, "gw1", "POST", "/v1/intent", unsigned, BODY, now=NOW)
    with pytest.raises(Unauthenticated, match="X-Opsconsole-Revision is not a whole number"):
        verify_request(SECRET, "gw1", "POST", "/v1/intent", headers | {"X-Opsconsole-Revision": "-1"}, BODY, now=NOW)


fields = st.fixed_dictionaries({
    "method": st.sampled_from(["POST", "GET", "PUT"]),
    "path": st.text(min_size=1, max_size=30),
    "node": st.text(min_size=1, max_size=20),
    "revision": st.integers(0, 2**40),
    "content_hash": st.text(max_size=80),
    "timestamp": st.integers(NOW - 30, NOW + 30),
    "body": st.binary(max_size=200),
})  # fmt: skip


SIGNED = ["method", "path", "node", "revision", "content_hash", "timestamp", "body"]


@given(original=fields, changed=fields, which=st.sampled_from(SIGNED))
def test_any_change_to_a_signed_field_or_the_body_breaks_the_signature(
    original: dict, changed: dict, which: str
) -> None:
    signature = sign_request(SECRET, **original)["X-Opsconsole-Signature"]
    tampered = original | {which: changed[which]}
    if tampered[which] == original[which]:
        return
    headers = sign_request(SECRET, **tampered) | {"X-Opsconsole-Signature": signature}
    with pytest.raises(Unauthenticated, match="signature does not match"):
        verify_request(SECRET, tampered["node"], tampered["method"], tampered["path"], headers, tampered["body"],
                       now=NOW)


def test_bearer_token_round_trips_and_a_missing_one_is_refused() -> None:
    assert bearer_token(bearer_header("tok-123")["Authorization"]) == "tok-123"
    for header in (None, "", "Basic tok-123", "Bearer ", "Bearer"):
        with pytest.raises(SignatureError, match="bearer token is missing"):
            bearer_token(header)
