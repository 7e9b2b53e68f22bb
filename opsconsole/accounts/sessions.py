"""Sessions: Django's cached_db, with each session this process has read kept in its memory for FRESH_SECONDS.

Every signed-in page read its session from Redis: a round trip in the thread serving the request, and under daphne,
with other requests' threads running, each of its socket calls handed the GIL over and waited to get it back. In
process, with 8 requests at once, a view that only read its session cost 0.34 ms more CPU than a bare one (0.11 ms
one request at a time), and a desk typing a search reads the same session several times a second. A process now keeps
what it read for FRESH_SECONDS, as it keeps the signed-in user (signed_in.py), and forgets it the moment this process
saves or deletes that session (sign-in, sign-out, a new key). A session ended through another web process stays
usable in this one for at most FRESH_SECONDS.
"""
import pickle
import threading
import time

from django.contrib.sessions.backends import cached_db

from .signed_in import FRESH_SECONDS

KEPT_SESSIONS = 10_000  # past this many the table starts again: an event has a few thousand people
_kept: dict[str, tuple[float, bytes]] = {}
_changes = 0  # sessions this process has saved or deleted: a read begun before a change is not kept
_lock = threading.Lock()


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict:
        kept = _kept.get(self.session_key) if self.session_key else None
        if kept is not None and time.monotonic() - kept[0] < FRESH_SECONDS:
            return pickle.loads(kept[1])  # a copy of its own for each request, which may change it
        changes_before = _changes
        data = super().load()
        if self.session_key is not None:  # None: no such session, or it has expired
            keep(self.session_key, data, changes_before)
        return data

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)
        forget(self.session_key)

    def delete(self, session_key: str | None = None) -> None:
        forgotten = session_key or self.session_key
        super().delete(session_key)
        forget(forgotten)

    async def asave(self, must_create: bool = False) -> None:
        await super().asave(must_create)
        forget(self.session_key)

    async def adelete(self, session_key: str | None = None) -> None:
        forgotten = session_key or self.session_key
        await super().adelete(session_key)
        forget(forgotten)


def keep(session_key: str, data: dict, changes_before: int) -> None:
    with _lock:
        if _changes != changes_before:  # read while a session changed: perhaps the old data of that very session
            return
        if len(_kept) >= KEPT_SESSIONS:
            _kept.clear()
        _kept[session_key] = (time.monotonic(), pickle.dumps(data, pickle.HIGHEST_PROTOCOL))


def forget(session_key: str | None) -> None:
    global _changes
    with _lock:
        _changes += 1
        _kept.pop(session_key, None)
