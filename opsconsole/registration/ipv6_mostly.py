"""IPv6-mostly VLANs (RFC 8925): the NAT64 prefix their router advertisements should carry, and how many clients
took up IPv6-only.

The adoption figure counts devices (MACs) in the DHCP nodes' neighbour tables. Kea 2.2 cannot count it itself: its
packet counters (pkt4-offer-sent, pkt4-ack-sent) cover the whole server, per subnet it counts only addresses, and it
has no per-class statistics, so "asked for option 108 and took no lease" is not countable per VLAN there. What the
console already has is honest instead: a device seen on the VLAN's IPv6 prefix but never with one of its IPv4
addresses went IPv6-only; a device seen with an IPv4 address took a lease. It counts only devices the node has
exchanged packets with in the last hour (NEIGHBOUR_MAX_AGE), and a device that is IPv6-only by its own settings
counts as one that took up the offer.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from gateways.pref64 import bird_custom_option
from opsconsole.plan.choices import Allocation, Family, PrefixPurpose
from opsconsole.plan.models import Vlan
from opsconsole.transition.models import Dns64Role
from opsconsole.transition.models.dns64 import CLIENT_WORDS
from opsconsole.transition.validators import words

from .models import NeighbourEntry


# RFC 8781 section 4.1: at least three times the highest RA interval; radvd's and BIRD's default is 600 s.
PREF64_LIFETIME = 1800


@dataclass(frozen=True)
class Adoption:
    vlan: Vlan
    v6only_wait: int
    ipv6_only: int  # devices seen on the VLAN with IPv6 and without IPv4
    took_ipv4: int  # devices seen on the VLAN with an IPv4 address

    @property
    def percent_ipv6_only(self) -> int | None:
        seen = self.ipv6_only + self.took_ipv4
        return round(100 * self.ipv6_only / seen) if seen else None


def ipv6_mostly_vlans():
    return Vlan.objects.filter(families__family=Family.IPV4, families__allocation=Allocation.DHCPV4_IPV6_MOSTLY)


def _client_networks(vlan: Vlan) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(p.network) for p in vlan.prefixes.all() if p.purpose == PrefixPurpose.CLIENTS]


def ipv6_mostly_adoption() -> list[Adoption]:
    """One figure per IPv6-mostly VLAN, in VLAN order: the function the dashboard calls."""
    vlans = list(ipv6_mostly_vlans().prefetch_related("prefixes", "families"))
    networks = {vlan.vid: _client_networks(vlan) for vlan in vlans}
    seen: dict[tuple[int, int], set[str]] = {}
    for ip, mac in NeighbourEntry.objects.values_list("ip", "mac"):
        address = ipaddress.ip_address(ip)
        for vid, nets in networks.items():
            if any(address in net for net in nets):
                seen.setdefault((vid, address.version), set()).add(mac)
    figures = []
    for vlan in vlans:
        with_ipv4, with_ipv6 = seen.get((vlan.vid, 4), set()), seen.get((vlan.vid, 6), set())
        wait = next(row.v6only_wait for row in vlan.families.all() if row.family == Family.IPV4)
        figures.append(Adoption(vlan, wait, ipv6_only=len(with_ipv6 - with_ipv4), took_ipv4=len(with_ipv4)))
    return figures


def _answers(role: Dns64Role, clients: list[ipaddress.IPv6Network]) -> bool:
    for word in words(role.clients):
        if word == "any":
            return True
        if word in CLIENT_WORDS:
            continue
        network = ipaddress.ip_network(word)
        if any(net.version == network.version and net.subnet_of(network) for net in clients):
            return True
    return False


def nat64_prefix_for(vlan: Vlan) -> str | None:
    """The NAT64 prefix of the DNS64 role that answers the VLAN's IPv6 clients: what PREF64 must announce, so the
    clients' CLAT and their DNS64 agree."""
    clients = [net for net in _client_networks(vlan) if net.version == 6]
    return next((role.prefix for role in Dns64Role.objects.order_by("pk") if _answers(role, clients)), None)


def pref64_for_router(vlan: Vlan) -> tuple[str, str] | None:
    """(NAT64 prefix, the BIRD 2.14+ RAdv line announcing it) for the operator's own router, or None without DNS64."""
    prefix = nat64_prefix_for(vlan)
    return (prefix, bird_custom_option(prefix, PREF64_LIFETIME)) if prefix else None
