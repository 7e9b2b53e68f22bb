"""radvd configuration: router advertisements on the DHCP node's IPv6 VLANs where the plan wants them from it."""

from __future__ import annotations

from gateways.render.common import RenderedFile, header, joined

RADVD_PATH = "radvd/radvd.conf"


def _interface(subnet: dict) -> list[str]:
    # DHCPv6 VLANs: addresses come from DHCPv6 (M flag), not SLAAC; RA/SLAAC VLANs: autonomous addresses, and the
    # O flag still points clients at DHCPv6 for the DNS64 resolver where the OS cannot read RDNSS.
    lines = [
        f"interface {subnet['interface']} {{",
        "    AdvSendAdvert on;",
        f"    AdvManagedFlag {'off' if subnet['slaac'] else 'on'};",
        "    AdvOtherConfigFlag on;",
        f"    prefix {subnet['prefix']} {{",
        "        AdvOnLink on;",
        f"        AdvAutonomous {'on' if subnet['slaac'] else 'off'};",
        "    };",
    ]
    if subnet["dns_servers"]:
        lines += [f"    RDNSS {' '.join(subnet['dns_servers'])} {{", "    };"]
    return lines + ["};"]


def render_radvd(intent: dict) -> list[RenderedFile]:
    advertised = [subnet for subnet in intent["roles"]["dhcp"]["subnets6"] if subnet["router_advertisements"]]
    if not advertised:
        return []
    lines = header(intent, "dhcp")
    for subnet in advertised:
        lines += _interface(subnet)
    return [RenderedFile("radvd", RADVD_PATH, joined(lines))]
