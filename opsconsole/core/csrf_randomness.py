"""The random characters of CSRF tokens, drawn from one read of the OS's random source instead of one per character.

Django masks the CSRF token afresh on every page that shows it (against BREACH), drawing each of the mask's 32
characters with secrets.choice: 32 getrandom calls, and CPython lets go of the GIL around each. Under daphne, with
other requests' threads waiting for the GIL, every one of those hands it over and then waits to get it back. In
process, with 8 requests at once, a bare view that only asked for the token cost 0.6 ms more CPU than the bare view
(0.17 ms one request at a time). The same characters, just as uniform, come from one read with rejection sampling.
"""
import secrets
import string

ALPHABET = string.ascii_letters + string.digits  # Django's CSRF_ALLOWED_CHARS
LENGTH = 32  # Django's CSRF_SECRET_LENGTH
# The largest multiple of the alphabet's size that fits in a byte: bytes from it up are dropped, so that every
# character is equally likely.
_ACCEPTED_BELOW = 256 - 256 % len(ALPHABET)
_SPARE_BYTES = 8  # about 3% of bytes are dropped: with 8 spare, a second read is rarely needed


def random_csrf_string() -> str:
    characters: list[str] = []
    while len(characters) < LENGTH:
        characters += [ALPHABET[byte % len(ALPHABET)] for byte in secrets.token_bytes(LENGTH + _SPARE_BYTES)
                       if byte < _ACCEPTED_BELOW]
    return "".join(characters[:LENGTH])
