"""Unbound 1.17 configuration of a DNS64 resolver (roles.dns64 with implementation "unbound")."""

from __future__ import annotations

import ipaddress

from gateways.render.common import RenderedFile, header, joined

# dns-root-data's anchor exists wherever unbound is installed; auto-trust-anchor-file
# needs /var/lib/unbound/root.key, which only the service's start helper creates.
TRUST_ANCHOR = "/usr/share/dns/root.key"


def _access_control(clients: list[str]) -> list[str]:
    prefixes = ["0.0.0.0/0", "::/0"] if "any" in clients else clients
    return [f'    access-control: "{prefix}" allow' for prefix in prefixes]


def _zone(kind: str, zone: dict) -> list[str]:
    keyword = "stub-addr" if kind == "stub-zone" else "forward-addr"
    lines = [f"{kind}:", f'    name: "{zone["name"]}"']
    lines += [f"    {keyword}: {address}@{zone['port']}" for address in zone["addresses"]]
    return lines


def render_unbound(intent: dict) -> list[RenderedFile]:
    dns64 = intent["roles"]["dns64"]
    zones = dns64["stub_zones"] + dns64["forward_zones"]
    modules = "dns64 validator iterator" if dns64["dnssec_validation"] else "dns64 iterator"
    lines = header(intent, "dns64") + [
        "server:",
        *(f'    interface: "{address}@{dns64["port"]}"' for address in dns64["listen"]),
        "    do-ip4: yes",
        "    do-ip6: yes",
        *_access_control(dns64["clients"]),
        f'    module-config: "{modules}"',
        f"    dns64-prefix: {dns64['prefix']}",
        f"    dns64-synthall: {'yes' if dns64['synthall'] else 'no'}",
        *(f'    dns64-ignore-aaaa: "{name}"' for name in dns64["ignore_aaaa"]),
        # Answers by rcode and queries by type, which the agent reports: Unbound has no DNS64 counter of its own.
        "    extended-statistics: yes",
    ]
    if dns64["dnssec_validation"]:
        lines.append(f'    trust-anchor-file: "{TRUST_ANCHOR}"')
        lines += [f'    domain-insecure: "{zone["name"]}"' for zone in zones if zone["insecure"]]
    # Unbound answers some names itself (test., invalid., onion., the RFC 1918 reverse zones ...): a stub or forward
    # zone there is silently shadowed unless that default local zone is switched off.
    lines += [f'    local-zone: "{zone["name"]}" nodefault' for zone in zones if zone["name"] != "."]
    if any(ipaddress.ip_address(a).is_loopback for zone in zones for a in zone["addresses"]):
        lines.append("    do-not-query-localhost: no")
    for zone in dns64["stub_zones"]:
        lines += _zone("stub-zone", zone)
    for zone in dns64["forward_zones"]:
        lines += _zone("forward-zone", zone)
    return [RenderedFile("unbound", "unbound/unbound.conf", joined(lines))]
