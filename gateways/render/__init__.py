"""Render a node's intent into the daemon files it installs: the same bytes for the console's preview and the node."""

from __future__ import annotations

from typing import Callable

from gateways.intent import IntentError, validate_intent
from gateways.render.bind import render_bind
from gateways.render.common import RenderedFile
from gateways.render.freeradius import render_freeradius
from gateways.render.jool import render_jool
from gateways.render.kea import render_kea
from gateways.render.radvd import render_radvd
from gateways.render.reverse import render_reverse_dns
from gateways.render.router import render_router
from gateways.render.tayga import render_tayga
from gateways.render.tunnels import render_dslite, render_map, render_sa46t
from gateways.render.unbound import render_unbound
from gateways.render.xlat464 import render_xlat464

__all__ = ["RenderedFile", "render_intent"]

Renderer = Callable[[dict], list[RenderedFile]]


def _by_implementation(role: str, renderers: dict[str, Renderer]) -> Renderer:
    def render(intent: dict) -> list[RenderedFile]:
        return renderers[intent["roles"][role]["implementation"]](intent)

    return render


_RENDERERS: dict[str, Renderer] = {
    "nat64": _by_implementation("nat64", {"tayga": render_tayga, "jool": render_jool}),
    "dns64": _by_implementation("dns64", {"unbound": render_unbound, "bind": render_bind}),
    "router": render_router,
    "sa46t": render_sa46t,
    "map": render_map,
    "dslite": render_dslite,
    "xlat464": render_xlat464,
    "dhcp": lambda intent: render_kea(intent) + render_radvd(intent),
    "radius": render_freeradius,
    "reverse_dns": render_reverse_dns,
}


def render_intent(intent: dict) -> list[RenderedFile]:
    """Validate, then render every file of every role, in role order; raises IntentError."""
    normalised = validate_intent(intent)
    files: list[RenderedFile] = []
    for role in sorted(normalised["roles"]):
        files += _RENDERERS[role](normalised)
    paths = [f.path for f in files]
    duplicated = sorted({p for p in paths if paths.count(p) > 1})
    if duplicated:
        raise IntentError(f"roles: two roles render {duplicated[0]}")
    return files
