"""RFC 5176 Disconnect-Request packets and their answers, as bytes: no Django, no I/O.

Why not radclient: it takes the shared secret on its command line or from a file, and its answer is text to parse;
a Disconnect-Request is five attributes, signed as RFC 5176 section 3.3 and RFC 3579 section 3.2 say.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import struct
from dataclasses import dataclass

DISCONNECT_REQUEST, DISCONNECT_ACK, DISCONNECT_NAK = 40, 41, 42
USER_NAME, NAS_IP_ADDRESS, CALLING_STATION_ID, ACCT_SESSION_ID = 1, 4, 31, 44
MESSAGE_AUTHENTICATOR, NAS_IPV6_ADDRESS, ERROR_CAUSE = 80, 95, 101
_ZERO = bytes(16)


def _attribute(kind: int, value: bytes) -> bytes:
    if len(value) > 253:
        raise ValueError(f"RADIUS attribute {kind} is longer than 253 octets")
    return bytes([kind, len(value) + 2]) + value


def disconnect_request(identifier: int, secret: bytes, nas_address: str, acct_session_id: str, user_name: str,
                       calling_station_id: str) -> bytes:
    """A signed Disconnect-Request for one session: the Message-Authenticator is the HMAC-MD5 over the packet with a
    zero authenticator, then the Request Authenticator is MD5 over the packet (with it) and the secret."""
    address = ipaddress.ip_address(nas_address)
    attributes = b"".join([
        _attribute(NAS_IPV6_ADDRESS if address.version == 6 else NAS_IP_ADDRESS, address.packed),
        _attribute(ACCT_SESSION_ID, acct_session_id.encode()),
        _attribute(USER_NAME, user_name.encode()) if user_name else b"",
        _attribute(CALLING_STATION_ID, calling_station_id.encode()) if calling_station_id else b"",
    ])
    length = 20 + len(attributes) + 18
    header = struct.pack("!BBH", DISCONNECT_REQUEST, identifier, length)
    unsigned = header + _ZERO + attributes + _attribute(MESSAGE_AUTHENTICATOR, _ZERO)
    signature = hmac.new(secret, unsigned, hashlib.md5).digest()
    body = attributes + _attribute(MESSAGE_AUTHENTICATOR, signature)
    return header + hashlib.md5(header + _ZERO + body + secret).digest() + body


@dataclass(frozen=True)
class Answer:
    code: int
    error_cause: int | None  # RFC 5176 section 3.5, in a NAK


def read_answer(packet: bytes, request: bytes, secret: bytes) -> Answer | None:
    """The NAS's answer to REQUEST, or None if it is not one: wrong identifier, code or Response Authenticator."""
    if len(packet) < 20:
        return None
    code, identifier, length = struct.unpack("!BBH", packet[:4])
    if identifier != request[1] or code not in (DISCONNECT_ACK, DISCONNECT_NAK) or not 20 <= length <= len(packet):
        return None
    packet = packet[:length]
    expected = hashlib.md5(packet[:4] + request[4:20] + packet[20:] + secret).digest()
    if not hmac.compare_digest(expected, packet[4:20]):
        return None
    error_cause, offset = None, 20
    while offset + 2 <= length:
        kind, size = packet[offset], packet[offset + 1]
        if size < 2:
            return None
        if kind == ERROR_CAUSE and size == 6:
            error_cause = struct.unpack("!I", packet[offset + 2:offset + 6])[0]
        offset += size
    return Answer(code, error_cause)
