"""BIND 9.18 named.conf of a DNS64 resolver (roles.dns64 with implementation "bind")."""

from __future__ import annotations

import ipaddress

from gateways.render.common import RenderedFile, header, joined

# Not built into BIND: defined here when the intent names it.
RFC1918 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
_DEFINED = ("rfc1918", "dns64-clients")


def _match_list(items: list[str] | tuple[str, ...]) -> str:
    """Addresses, prefixes and built-in ACL names as they are; the ACLs defined here by quoted name."""
    return "{ " + " ".join(f'"{item}";' if item in _DEFINED else f"{item};" for item in items) + " }"


def listen_list(addresses: list[str], version: int) -> str:
    wildcard = "::" if version == 6 else "0.0.0.0"
    chosen = [a for a in addresses if ipaddress.ip_address(a).version == version]
    return "any;" if wildcard in chosen else " ".join(f"{a};" for a in chosen) or "none;"


def _zone(zone: dict, kind: str) -> list[str]:
    servers = _match_list(zone["addresses"])
    body = (f"type stub; primaries port {zone['port']} {servers};" if kind == "stub"
            else f"type forward; forward only; forwarders port {zone['port']} {servers};")
    return [f'zone "{zone["name"]}" {{ {body} }};']


def zone_statements(role: dict) -> list[str]:
    """The reverse zones (roles.reverse_dns) a named.conf serves, from the files under zone_dir."""
    return [f'zone "{zone["name"]}" {{ type primary; file "{role["zone_dir"]}/{zone["name"]}.zone"; '
            "allow-query { any; }; };" for zone in role["zones"]]


OVERRIDES_ZONE = "opsconsole-overrides"
# Debian's layout: the bind service's directory, where the agent installs bind/OVERRIDES_ZONE.zone.
OVERRIDES_FILE = f"/etc/bind/{OVERRIDES_ZONE}.zone"


def overrides_zone(intent: dict) -> RenderedFile:
    """A response-policy zone answering each overridden name with fixed records (RPZ local data)."""
    lines = header(intent, "dns64 overrides", marker=";") + [
        "$TTL 300", "@ IN SOA localhost. root.localhost. ( 1 3600 900 1209600 300 )", "@ IN NS localhost."]
    for entry in intent["roles"]["dns64"]["local_data"]:
        lines += [f"{entry['name']} IN AAAA {address}" for address in entry["aaaa"]]
        lines += [f"{entry['name']} IN A {address}" for address in entry["a"]]
    return RenderedFile("bind", f"bind/{OVERRIDES_ZONE}.zone", joined(lines))


def render_bind(intent: dict) -> list[RenderedFile]:
    dns64 = intent["roles"]["dns64"]
    zones = dns64["stub_zones"] + dns64["forward_zones"]
    lines = header(intent, "dns64") + [f'acl "dns64-clients" {_match_list(dns64["clients"])};']
    if "rfc1918" in dns64["mapped"]:
        lines.append(f'acl "rfc1918" {_match_list(RFC1918)};')
    lines += [
        "options {",
        '    directory "/var/cache/bind";',
        f"    listen-on-v6 port {dns64['port']} {{ {listen_list(dns64['listen'], 6)} }};",
        f"    listen-on port {dns64['port']} {{ {listen_list(dns64['listen'], 4)} }};",
        "    recursion yes;",
        '    allow-query { "dns64-clients"; };',
        '    allow-recursion { "dns64-clients"; };',
        f"    dnssec-validation {'auto' if dns64['dnssec_validation'] else 'no'};",
    ]
    if dns64["local_data"]:
        lines.append(f'    response-policy {{ zone "{OVERRIDES_ZONE}"; }} break-dnssec yes;')
    insecure = [zone["name"] for zone in zones if zone["insecure"]]
    if insecure and dns64["dnssec_validation"]:
        lines.append("    validate-except { " + " ".join(f'"{name}";' for name in insecure) + " };")
    exclude = ["any"] if dns64["synthall"] else dns64["exclude"]
    lines += [
        f"    dns64 {dns64['prefix']} {{",
        '        clients { "dns64-clients"; };',
        f"        mapped {_match_list(dns64['mapped'])};",
        *([f"        exclude {_match_list(exclude)};"] if exclude else []),
        f"        suffix {dns64['suffix']};",
        f"        recursive-only {'yes' if dns64['recursive_only'] else 'no'};",
        f"        break-dnssec {'yes' if dns64['break_dnssec'] else 'no'};",
        "    };",
        "};",
        # Read by the agent with each heartbeat; loopback only.
        f"statistics-channels {{ inet 127.0.0.1 port {dns64['statistics_port']} allow {{ 127.0.0.1; }}; }};",
    ]
    for zone in dns64["stub_zones"]:
        lines += _zone(zone, "stub")
    for zone in dns64["forward_zones"]:
        lines += _zone(zone, "forward")
    if "reverse_dns" in intent["roles"]:
        lines += zone_statements(intent["roles"]["reverse_dns"])
    if not dns64["local_data"]:
        return [RenderedFile("bind", "bind/named.conf", joined(lines))]
    lines.append(f'zone "{OVERRIDES_ZONE}" {{ type primary; file "{OVERRIDES_FILE}"; allow-query {{ none; }}; }};')
    return [RenderedFile("bind", "bind/named.conf", joined(lines)), overrides_zone(intent)]
