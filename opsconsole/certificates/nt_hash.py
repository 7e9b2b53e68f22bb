"""The NT hash (MD4 of the UTF-16LE password) that PEAP-MSCHAPv2 verifies against; MD4 in pure Python because
OpenSSL 3 moved it to the legacy provider and hashlib no longer offers it."""
import struct

_MASK = 0xFFFFFFFF
# RFC 1320: per round, its function, constant, message word order and rotations.
_ROUNDS = (
    (lambda x, y, z: (x & y) | (~x & z), 0, range(16), (3, 7, 11, 19)),
    (lambda x, y, z: (x & y) | (x & z) | (y & z), 0x5A827999,
     (0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15), (3, 5, 9, 13)),
    (lambda x, y, z: x ^ y ^ z, 0x6ED9EBA1, (0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15), (3, 9, 11, 15)),
)


def _rotate_left(value: int, bits: int) -> int:
    return ((value << bits) | (value >> (32 - bits))) & _MASK


def md4(data: bytes) -> bytes:
    padded = data + b"\x80" + b"\x00" * ((55 - len(data)) % 64) + struct.pack("<Q", (len(data) * 8) & (2**64 - 1))
    state = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476]
    for offset in range(0, len(padded), 64):
        words = struct.unpack("<16I", padded[offset:offset + 64])
        a, b, c, d = state
        for function, constant, order, rotations in _ROUNDS:
            for step, index in enumerate(order):
                # The registers rotate one place per step, so the one being updated is always `a`.
                a, b, c, d = d, _rotate_left((a + function(b, c, d) + words[index] + constant) & _MASK, rotations[step % 4]), b, c
        state = [(old + new) & _MASK for old, new in zip(state, (a, b, c, d))]
    return struct.pack("<4I", *state)


def nt_hash(password: str) -> str:
    """Hex, as FreeRADIUS's NT-Password attribute takes it."""
    return md4(password.encode("utf-16-le")).hex()
