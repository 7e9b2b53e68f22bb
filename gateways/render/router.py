"""Static routes toward the translators for the upstream router: Cisco IOS lines and a Linux `ip route` script."""

from __future__ import annotations

import ipaddress
from typing import Callable

from gateways.render.common import RenderedFile, comment_text, header, joined
from gateways.render.linux import shell_script


def _ios_route(route: dict) -> str:
    network = ipaddress.ip_network(route["prefix"])
    name = f" name {route['name']}" if route["name"] else ""
    if network.version == 6:
        return f"ipv6 route {str(network).upper()} {route['next_hop'].upper()}{name}"
    return f"ip route {network.network_address} {network.netmask} {route['next_hop']}{name}"


def _linux_route(route: dict, verb: str = "replace") -> str:
    family = "-6 " if ":" in route["prefix"] else ""
    return f"ip {family}route {verb} {route['prefix']} via {route['next_hop']}"


def _with_comments(routes: list[dict], marker: str, line: Callable[[dict], str]) -> list[str]:
    lines = []
    for route in routes:
        if route["comment"]:
            lines.append(f"{marker} {comment_text(route['comment'])}")
        lines.append(line(route))
    return lines


def render_router(intent: dict) -> list[RenderedFile]:
    routes = intent["roles"]["router"]["routes"]
    ios = header(intent, "router", "!") + _with_comments(routes, "!", _ios_route)
    teardown = [_linux_route(route, "del") for route in routes]
    linux = shell_script(intent, "router", _with_comments(routes, "#", _linux_route), teardown=teardown)
    return [
        RenderedFile("router-ios", "router/ios.txt", joined(ios)),
        RenderedFile("router-linux", "router/routes.sh", linux, 0o755),
    ]
