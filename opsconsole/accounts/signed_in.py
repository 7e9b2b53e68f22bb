"""Who is signed in, without reading the user's row from the database on every request.

Under daphne each request runs in a thread of its own, so the row cost a fresh database connection object as well as
the query: half the work of a signed-in page beyond a bare one (the helpdesk search, the desk's busiest page). A
process now keeps the row it read for FRESH_SECONDS, keyed by the session's user, backend and password hash, and
forgets it the moment this process saves or deletes that user. A change made by another process (a second web
process) takes effect there within FRESH_SECONDS. A password change still ends the person's other sessions: at once
in this process, within FRESH_SECONDS in another, since the key holds the password hash.
"""
import copy
import time

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.db import transaction
from django.utils.functional import SimpleLazyObject

FRESH_SECONDS = 2.0
KEPT_USERS = 10_000  # past this many the table starts again: an event has a few thousand people
_recent: dict[tuple[str, str, str], tuple[float, object]] = {}


def signed_in_user(request):
    session = request.session
    key = (session.get(auth.SESSION_KEY), session.get(auth.BACKEND_SESSION_KEY), session.get(auth.HASH_SESSION_KEY))
    if None in key:
        return auth.get_user(request)
    seen = _recent.get(key)
    if seen is not None and time.monotonic() - seen[0] < FRESH_SECONDS:
        return copy.copy(seen[1])  # a request may change its user object; the kept one stays as read
    user = auth.get_user(request)
    if user.is_authenticated:
        if len(_recent) >= KEPT_USERS:
            _recent.clear()
        _recent[key] = (time.monotonic(), copy.copy(user))
    return user


def forget_user(sender, instance, using: str = "default", **kwargs) -> None:
    """post_save and post_delete of the user model: the next request reads the row again, and once more after the
    commit, in case a request of this process read the old row in between."""
    user_id = str(instance.pk)
    forget(user_id)
    transaction.on_commit(lambda: forget(user_id), using=using)


def forget(user_id: str) -> None:
    for key in list(_recent):  # a copy taken in one step: other requests' threads add keys meanwhile
        if key[0] == user_id:
            _recent.pop(key, None)


class SignedInUserMiddleware(AuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: signed_in_user(request))
