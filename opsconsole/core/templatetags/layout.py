"""The layout's fixed parts (the static files' links, the top bar), rendered once per role and language in a process.

The top bar (links, language switch, who is signed in, sign-out) and the static links depend on little else, yet their
URL reversals, translations, role name, language list and static lookups were 0.95 ms of the helpdesk desk page's
1.37 ms of rendering.
A process renders each part once per (role, language, script prefix) with a marker standing in for each value of the
request (the CSRF token, the page's path, the username), and on every page writes the marked text with those values,
escaped, in the markers' places.
"""
import re
import secrets

from django import template
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

REQUEST_VALUES = ("csrf_token", "path", "username")
# Letters and digits only, so escaping leaves the markers as they are; random, so no page's own text holds one.
_MARKER_PREFIX = f"requestvalue{secrets.token_hex(8)}"
_MARKERS = {name: f"{_MARKER_PREFIX}{name}" for name in REQUEST_VALUES}
_MARKER = re.compile(f"({'|'.join(_MARKERS.values())})")
_rendered: dict[tuple[str, str, str, str], list[str]] = {}


@register.simple_tag(takes_context=True)
def layout_part(context, template_name: str) -> SafeString:
    user, request = context.get("user"), context.get("request")
    role = user.role if user is not None and user.is_authenticated else ""
    key = (template_name, role, get_language(), get_script_prefix())
    pieces = _rendered.get(key)
    if pieces is None:
        pieces = _rendered[key] = marked_pieces(template_name, user)
    values = {"csrf_token": str(context.get("csrf_token", "")),
              "path": request.get_full_path() if request is not None else "",
              "username": user.get_username() if role else ""}
    # The pieces alternate: fixed text, the name of a request value, fixed text, and so on.
    return mark_safe("".join(piece if index % 2 == 0 else escape(values[piece]) for index, piece in enumerate(pieces)))


def marked_pieces(template_name: str, user) -> list[str]:
    """TEMPLATE_NAME rendered for USER's role with a marker for each request value, split at the markers."""
    pieces = _MARKER.split(render_to_string(template_name, {"user": user, **_MARKERS}))
    names = {marker: name for name, marker in _MARKERS.items()}
    pieces[1::2] = [names[marker] for marker in pieces[1::2]]
    if any(_MARKER_PREFIX in piece.lower() for piece in pieces[0::2]):  # a filter such as |upper changed a marker
        raise ImproperlyConfigured(f"{template_name} changed the marker of a request value while rendering it")
    return pieces
