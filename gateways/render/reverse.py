"""BIND zone files of the reverse zones (roles.reverse_dns), and the named.conf statements that serve them."""

from __future__ import annotations

from gateways.intent import reverse_name
from gateways.render.bind import listen_list, zone_statements
from gateways.render.common import RenderedFile, header, joined

ZONE_SUBDIR = "opsconsole-reverse"
# Refresh, retry and expire matter only to secondaries, which these zones do not have; the last is the negative TTL.
SOA_TIMERS = "3600 900 1209600 300"


def zone_path(zone: str) -> str:
    """The rendered path of a zone file: in production under the bind service's directory, which zone_dir names."""
    return f"bind/{ZONE_SUBDIR}/{zone}.zone"


def zone_file(intent: dict, zone: dict) -> str:
    role = intent["roles"]["reverse_dns"]
    nameserver, hostmaster = role["nameserver"] + ".", role["hostmaster"] + "."
    lines = header(intent, f"reverse zone {zone['name']}", marker=";") + [
        f"$TTL {role['ttl']}",
        f"@ IN SOA {nameserver} {hostmaster} ( {zone['serial']} {SOA_TIMERS} )",
        f"@ IN NS {nameserver}",
    ]
    lines += [f"{reverse_name(record['address'])}. IN PTR {record['name']}." for record in zone["ptr"]]
    lines += [f"$GENERATE {pool['first']}-{pool['last']} $ PTR {pool['name']}." for pool in zone["generate"]]
    return joined(lines)


def authoritative_named_conf(intent: dict) -> str:
    role = intent["roles"]["reverse_dns"]
    lines = header(intent, "reverse_dns") + [
        "options {",
        '    directory "/var/cache/bind";',
        f"    listen-on-v6 port {role['port']} {{ {listen_list(role['listen'], 6)} }};",
        f"    listen-on port {role['port']} {{ {listen_list(role['listen'], 4)} }};",
        "    recursion no;",
        "};",
    ]
    return joined(lines + zone_statements(role))


def render_reverse_dns(intent: dict) -> list[RenderedFile]:
    """The zone files, and a named.conf of an authoritative-only BIND unless the node's DNS64 BIND serves them."""
    role = intent["roles"]["reverse_dns"]
    files = [RenderedFile("bind", zone_path(zone["name"]), zone_file(intent, zone)) for zone in role["zones"]]
    dns64 = intent["roles"].get("dns64")
    if dns64 is None or dns64["implementation"] != "bind":
        files.append(RenderedFile("bind", "bind/named.conf", authoritative_named_conf(intent)))
    return files
