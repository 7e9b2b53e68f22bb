"""The dhcp role of a DHCP node's intent: Kea subnets from the plan, reservations from registered devices."""
from __future__ import annotations

import ipaddress

from django.utils import timezone

from opsconsole.plan.choices import Allocation, Family, PrefixPurpose
from opsconsole.plan.models import Vlan, VlanFamily

from .models import Device, DhcpService

# DHCPv6 addresses come from the top of the /64 upwards of this offset, clear of statically numbered hosts.
DHCPV6_POOL_OFFSET = 0x1000


def roles_for(node) -> dict:
    service = DhcpService.objects.filter(node=node).first()
    return {"dhcp": dhcp_role(service)} if service else {}


def dhcp_nodes() -> list[int]:
    return list(DhcpService.objects.values_list("node_id", flat=True))


def dhcp_role(service: DhcpService) -> dict:
    vlans = Vlan.objects.filter(vid__in=[int(vid) for vid in service.interfaces]).prefetch_related("families", "prefixes")
    subnets4, subnets6 = [], []
    for vlan in vlans:
        rows = {row.family: row for row in vlan.families.all()}
        allocation = {family: row.allocation for family, row in rows.items()}
        clients = [ipaddress.ip_network(p.network) for p in vlan.prefixes.all() if p.purpose == PrefixPurpose.CLIENTS]
        interface = service.interfaces[str(vlan.vid)]
        ipv4 = next((net for net in clients if net.version == 4), None)
        if ipv4 is not None and allocation.get(Family.IPV4) in Allocation.IPV4_ONLY:  # each is a DHCPv4 method
            subnets4.append(_subnet4(vlan, interface, ipv4, rows[Family.IPV4]))
        ipv6 = next((net for net in clients if net.version == 6), None)
        if ipv6 is not None and service.serve_dhcp6:
            subnets6.append(_subnet6(vlan, interface, ipv6, allocation.get(Family.IPV6), service))
    return {
        "control_socket4": service.control_socket4,
        "control_socket6": service.control_socket6,
        "lease_directory": service.lease_directory,
        "subnets4": subnets4,
        "subnets6": subnets6,
    }


def _subnet4(vlan: Vlan, interface: str, network: ipaddress.IPv4Network, row: VlanFamily) -> dict:
    # The first host is the VLAN's router; the pool is every other host address.
    router, first, last = network[1], network[2], network[-2]
    known_only = row.allocation == Allocation.DHCPV4_REGISTRATION
    reservations = (
        Device.objects.unexpired(timezone.now()).filter(vlans=vlan).order_by("mac").values_list("mac", flat=True)
        if known_only else []
    )
    return {
        "id": vlan.vid, "interface": interface, "prefix": str(network), "router": str(router),
        "pool": [str(first), str(last)], "known_only": known_only, "reservations": list(reservations),
        "v6only_wait": row.v6only_wait if row.allocation == Allocation.DHCPV4_IPV6_MOSTLY else None,
    }


def _subnet6(vlan: Vlan, interface: str, network: ipaddress.IPv6Network, allocation: str | None,
             service: DhcpService) -> dict:
    stateful = allocation == Allocation.DHCPV6
    pool = [str(network[DHCPV6_POOL_OFFSET]), str(network[-1])] if stateful and network.num_addresses > 2 * DHCPV6_POOL_OFFSET else None
    return {"id": vlan.vid, "interface": interface, "prefix": str(network), "pool": pool, "dns_servers": list(service.dns_servers6),
            "router_advertisements": service.router_advertisements, "slaac": allocation == Allocation.RA}
