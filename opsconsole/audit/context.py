"""Who is acting right now: bound per request by the middleware, read by the audit trail."""
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from opsconsole.core.client_address import client_address


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    remote_addr: str | None
    via: str  # "page", "api", "admin" or "system"


SYSTEM = Actor(user_id=None, label="system", remote_addr=None, via="system")
# Holds an Actor, or the current request: its user is read at the moment of the change, so a sign-in
# that happens inside the view is attributed to the person who just signed in.
_current: ContextVar[object] = ContextVar("audit_actor", default=SYSTEM)


def channel_of(path: str) -> str:
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "page"


def actor_for_request(request) -> Actor:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        user_id, label = user.pk, user.get_username()
    elif participant := _code_signed_in_participant(request):
        user_id, label = participant.user_id, f"{participant.name} (sign-in code)"
    else:
        user_id, label = None, "anonymous"
    return Actor(user_id=user_id, label=label, remote_addr=client_address(request) or None,
                 via=channel_of(request.path))


def _code_signed_in_participant(request):
    """The participant a portal session belongs to when nobody signed in with an account (a one-time code)."""
    if not hasattr(request, "session") or not hasattr(request, "user"):
        return None
    # Imported here: registration's models are audited, so importing it at the top would be circular. The portal
    # alone knows how a code sign-in is kept in the session.
    from opsconsole.registration.portal import portal_participant

    return portal_participant(request)


def current_actor() -> Actor:
    bound = _current.get()
    return bound if isinstance(bound, Actor) else actor_for_request(bound)


@contextmanager
def acting_as(actor_or_request):
    token = _current.set(actor_or_request)
    try:
        yield
    finally:
        _current.reset(token)
