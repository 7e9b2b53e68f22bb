"""464XLAT: a CLAT is TAYGA mapping the node's IPv4 address to its CLAT IPv6 address; a PLAT is the nat64 role."""

from __future__ import annotations

from gateways.render.common import RenderedFile
from gateways.render.tayga import tayga_files


def render_xlat464(intent: dict) -> list[RenderedFile]:
    role = intent["roles"]["xlat464"]
    if role["role"] == "plat":
        return []  # validation made sure roles.nat64 translates plat_prefix
    device = role["tayga"]["tun_device"]
    extra = [
        f"ip addr replace {role['clat_ipv4']}/32 dev {device}",
        f"ip -6 neigh replace proxy {role['clat_ipv6']} dev {role['wan']}",
    ]
    teardown = [f"ip -6 neigh del proxy {role['clat_ipv6']} dev {role['wan']}"]
    return tayga_files(intent, "xlat464", "clat", role["tayga"], role["plat_prefix"],
                       [(role["clat_ipv4"], role["clat_ipv6"])], ["0.0.0.0/0", role["clat_ipv6"]], extra, teardown,
                       [role["wan"]])
