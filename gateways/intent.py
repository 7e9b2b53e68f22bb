"""The versioned intent document of a gateway node: its schema, validation, canonical bytes and hash.

An intent is one JSON object per node::

    {"schema": 1, "node": "nat64-1", "description": "free text", "roles": {"<role>": {...}}}

Each role's fields are listed in its ``_<ROLE>`` table below (key: (check, default));
a field without a default is required, an unknown key is refused.  ``validate_intent``
returns a normalised copy: defaults filled in, addresses and prefixes in their
compressed lower-case form, zone names lower-case without the trailing dot.
Values such as a MAP CE's IPv4 address and port ranges come computed from the
console (gateways/addressing.py), so renderers only format them.

Free text (``description``, route ``comment``) may hold anything; renderers contain it.
Every other string is refused unless it matches its grammar (node and interface names,
DNS names, addresses), so it can never change a rendered file's structure.
"""

from __future__ import annotations

import copy
import hashlib
import ipaddress
import json
import re
from typing import Any, Callable

SCHEMA_VERSION = 1
RFC6052_LENGTHS = (32, 40, 48, 56, 64, 96)
DSLITE_WELL_KNOWN = ipaddress.IPv4Network("192.0.0.0/29")

Check = Callable[[Any, str], Any]
_REQUIRED = object()
_NODE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
_INTERFACE = re.compile(r"[A-Za-z0-9_.-]{1,15}")
_ROUTE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,32}")
_DNS_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
_ABSOLUTE_PATH = re.compile(r"/[A-Za-z0-9_./-]{0,200}")


class IntentError(ValueError):
    """An intent that cannot be rendered; the message starts with the field path."""


def canonical_json(intent: dict) -> bytes:
    return json.dumps(intent, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(intent: dict) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(intent)).hexdigest()


# --- field checks: each takes (value, path) and returns the normalised value ---


def _fail(path: str, value: Any, why: str) -> IntentError:
    shown = value if isinstance(value, str) and value.isprintable() and value else repr(value)
    return IntentError(f"{path}: {shown} {why}")


def text(value: Any, path: str) -> str:
    if not isinstance(value, str) or len(value) > 1000:
        raise _fail(path, value, "is not a text of at most 1000 characters")
    return value


def boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, value, "is not true or false")
    return value


def integer(low: int, high: int) -> Check:
    def check(value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _fail(path, value, f"is not a whole number from {low} to {high}")
        return value

    return check


def choice(*options: str) -> Check:
    def check(value: Any, path: str) -> str:
        if value not in options:
            raise _fail(path, value, "is not one of " + ", ".join(options))
        return value

    return check


def matching(pattern: re.Pattern[str], what: str) -> Check:
    def check(value: Any, path: str) -> str:
        if not isinstance(value, str) or not pattern.fullmatch(value) or value in (".", ".."):
            raise _fail(path, value, f"is not {what}")
        return value

    return check


interface = matching(_INTERFACE, "an interface name ([A-Za-z0-9_.-], at most 15 characters)")


def dns_name(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.isascii():
        raise _fail(path, value, "is not a DNS name")
    name = value.lower().rstrip(".") if value != "." else "."
    labels = [] if name == "." else name.split(".")
    if len(name) > 253 or not all(_DNS_LABEL.fullmatch(label) for label in labels):
        raise _fail(path, value, "is not a DNS name")
    return name


def _parsed(parse: Callable[[str], Any], value: Any, path: str, version: int | None, what: str) -> Any:
    try:
        parsed = parse(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or version not in (None, parsed.version):
        raise _fail(path, value, f"is not an IPv{version or '4 or IPv6'} {what}")
    return parsed


def address(version: int | None) -> Check:
    def check(value: Any, path: str) -> str:
        return str(_parsed(ipaddress.ip_address, value, path, version, "address"))

    return check


def prefix(version: int | None, lengths: tuple[int, ...] = ()) -> Check:
    def check(value: Any, path: str) -> str:
        parsed = _parsed(ipaddress.ip_network, value, path, version, "prefix (host bits must be zero)")
        if lengths and parsed.prefixlen not in lengths:
            raise _fail(path, value, "has a length outside " + ", ".join(map(str, lengths)))
        return str(parsed)

    return check


def rfc6052_prefix(value: Any, path: str) -> str:
    parsed = ipaddress.IPv6Network(prefix(6)(value, path))
    if parsed.prefixlen not in RFC6052_LENGTHS:
        raise _fail(path, value, "is not an RFC 6052 length (32, 40, 48, 56, 64, 96)")
    if parsed.prefixlen == 96 and int(parsed.network_address) >> 56 & 0xFF:
        raise _fail(path, value, "sets bits 64-71, which RFC 6052 reserves (u-octet)")
    return str(parsed)


_URL = re.compile(r"https?://[A-Za-z0-9._~%!$&'()*+,;=:@\[\]/?#-]{1,500}")


def http_url(value: Any, path: str) -> str:
    """An http:// or https:// URL with a host: handed to a probe as one argument, never rendered."""
    if not isinstance(value, str) or not _URL.fullmatch(value):
        raise _fail(path, value, "is not an http:// or https:// URL")
    return value


def one_of_or(words: tuple[str, ...], other: Check) -> Check:
    def check(value: Any, path: str) -> str:
        return value if value in words else other(value, path)

    return check


def list_of(item: Check, min_items: int = 0) -> Check:
    def check(value: Any, path: str) -> list:
        if not isinstance(value, list) or len(value) < min_items:
            raise _fail(path, value, f"is not a list of at least {min_items} item(s)")
        return [item(entry, f"{path}[{i}]") for i, entry in enumerate(value)]

    return check


def fields(table: dict[str, tuple[Check, Any]]) -> Check:
    def check(value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            raise _fail(path, value, "is not an object")
        unknown = sorted(set(value) - set(table), key=str)
        if unknown:
            raise IntentError(f"{path}.{unknown[0]}: unknown field")
        result = {}
        for key, (field_check, default) in table.items():
            if key in value and value[key] is None and default is None:
                result[key] = None  # an optional field left empty, as validate_intent itself returns it
            elif key in value:
                result[key] = field_check(value[key], f"{path}.{key}")
            elif default is _REQUIRED:
                raise IntentError(f"{path}.{key}: missing")
            else:
                result[key] = copy.deepcopy(default)
        return result

    return check


def port_range(value: Any, path: str) -> list[int]:
    pair = list_of(integer(0, 65535), 2)(value, path)
    if len(pair) != 2 or pair[0] > pair[1]:
        raise _fail(path, value, "is not a [first, last] port range with first <= last")
    return pair


def _within(path: str, inner: str, outer: str) -> None:
    if not ipaddress.ip_network(inner).subnet_of(ipaddress.ip_network(outer)):  # type: ignore[arg-type]
        raise IntentError(f"{path}: {inner} is not inside {outer}")


def _check_that(ok: bool, path: str, message: str) -> None:
    if not ok:
        raise IntentError(f"{path}: {message}")


# --- role tables ---

_MTU = (integer(1280, 9000), 1460)
# An IPv4 address behind a tunnel: the agent finds the largest packet reaching it with DF set; none: not probed.
_PROBE_TARGET = (address(4), None)
_ZONE = fields({
    "name": (dns_name, _REQUIRED),
    "addresses": (list_of(address(None), 1), _REQUIRED),
    "port": (integer(1, 65535), 53),
    "insecure": (boolean, False),  # unsigned lab zone under a validating resolver
})
_TAYGA = fields({
    "tun_device": (interface, "nat64"),
    "ipv4_addr": (address(4), _REQUIRED),
    "ipv6_addr": (address(6), None),
    "dynamic_pool": (prefix(4, tuple(range(0, 32))), None),
    "data_dir": (matching(_ABSOLUTE_PATH, "an absolute path"), "/var/spool/tayga"),
})
_MAP_RULE = fields({
    "ipv6": (prefix(6), _REQUIRED),
    "ipv4": (prefix(4), _REQUIRED),
    "ea_len": (integer(0, 48), _REQUIRED),
    "psid_offset": (integer(0, 15), 6),
    "psid_len": (integer(0, 16), _REQUIRED),
})

_NAT64 = {
    "implementation": (choice("jool", "tayga"), _REQUIRED),
    "mode": (choice("stateful", "siit"), "stateful"),
    "pool6": (rfc6052_prefix, _REQUIRED),
    "pool4": (list_of(fields({
        "prefix": (prefix(4), _REQUIRED),
        "protocols": (list_of(choice("tcp", "udp", "icmp"), 1), ["tcp", "udp", "icmp"]),
        "ports": (port_range, [1, 65535]),
    })), []),
    "mappings": (list_of(fields({"ipv4": (prefix(4), _REQUIRED), "ipv6": (prefix(6), _REQUIRED)})), []),
    "instance": (interface, "default"),
    "tayga": (_TAYGA, None),
    "member": (fields({"index": (integer(1, 64), _REQUIRED), "count": (integer(1, 64), _REQUIRED)}), None),
    "probe_url": (http_url, None),  # an IPv4-only target the agent fetches through NAT64; none: not probed
}
_DNS64 = {
    "implementation": (choice("unbound", "bind"), _REQUIRED),
    "prefix": (rfc6052_prefix, _REQUIRED),
    "clients": (list_of(one_of_or(("any", "none", "localhost", "localnets"), prefix(None)), 1), ["any"]),
    "mapped": (list_of(one_of_or(("any", "rfc1918"), prefix(4)), 1), ["any"]),
    "exclude": (list_of(one_of_or(("any",), prefix(6))), []),
    "suffix": (address(6), "::"),
    "synthall": (boolean, False),
    "dnssec_validation": (boolean, True),
    "recursive_only": (boolean, False),
    "break_dnssec": (boolean, False),
    "listen": (list_of(address(None), 1), ["::"]),
    "port": (integer(1, 65535), 53),
    "forward_zones": (list_of(_ZONE), []),
    "stub_zones": (list_of(_ZONE), []),
    # Names whose AAAA answers are ignored and synthesised from A (the RFC 4074 workaround); Unbound only.
    "ignore_aaaa": (list_of(dns_name), []),
    # BIND's equivalent: fixed answers for a name (a response-policy zone), AAAA synthesised by the console.
    "local_data": (list_of(fields({
        "name": (dns_name, _REQUIRED),
        "aaaa": (list_of(address(6), 1), _REQUIRED),
        "a": (list_of(address(4)), []),
    })), []),
    # A name with only A records, which must come back under the NAT64 prefix (RFC 7050's by default).
    "probe_name": (dns_name, "ipv4only.arpa"),
    "statistics_port": (integer(1, 65535), 8053),  # BIND's statistics channel, on loopback
}
_SA46T = {
    "prefix": (prefix(6), _REQUIRED),
    "plane_id": (integer(0, 2**32 - 1), 0),
    "local": (address(6), _REQUIRED),
    "networks": (list_of(prefix(4)), []),
    "peers": (list_of(fields({"address": (address(6), _REQUIRED), "networks": (list_of(prefix(4), 1), _REQUIRED)}), 1), _REQUIRED),
    "tunnel": (matching(re.compile(r"[A-Za-z0-9_-]{1,12}"), "a tunnel base name (at most 12 characters)"), "sa46t"),
    "mtu": _MTU,
    "uplink": (interface, _REQUIRED),
    "probe_target": _PROBE_TARGET,
}
_MAP_CE = fields({
    "ipv4": (address(4), _REQUIRED),
    "psid": (integer(0, 65535), _REQUIRED),
    "ports": (list_of(port_range, 1), _REQUIRED),
    "ipv6": (address(6), _REQUIRED),
})
_MAP = {
    "variant": (choice("map-e", "map-t", "4rd"), _REQUIRED),
    "role": (choice("br", "ce"), _REQUIRED),
    "bmr": (_MAP_RULE, _REQUIRED),
    "fmrs": (list_of(_MAP_RULE), []),
    "br_address": (address(6), _REQUIRED),
    "br_anycast": (boolean, False),
    "ce": (_MAP_CE, None),
    "ces": (list_of(_MAP_CE), []),  # a BR's known CEs: one tunnel each, chosen by destination address and port
    "tunnel": (interface, "map0"),
    "mtu": _MTU,
    "wan": (interface, _REQUIRED),
    "uplink": (interface, None),
    "probe_target": _PROBE_TARGET,
}
_DSLITE = {
    "role": (choice("aftr", "b4"), _REQUIRED),
    "aftr_address": (address(6), _REQUIRED),
    "b4_address": (address(6), None),
    "b4s": (list_of(fields({"address": (address(6), _REQUIRED), "networks": (list_of(prefix(4), 1), _REQUIRED)})), []),
    "aftr_ipv4": (address(4), "192.0.0.1"),
    "b4_ipv4": (address(4), "192.0.0.2"),
    "pool4": (prefix(4), None),
    "tunnel": (matching(re.compile(r"[A-Za-z0-9_-]{1,12}"), "a tunnel base name (at most 12 characters)"), "dslite"),
    "mtu": _MTU,
    "wan": (interface, _REQUIRED),
    "uplink": (interface, None),
    "probe_target": _PROBE_TARGET,
}
_XLAT464 = {
    "role": (choice("plat", "clat"), _REQUIRED),
    "plat_prefix": (rfc6052_prefix, _REQUIRED),
    "clat_prefix": (prefix(6, (64, 96)), None),
    "clat_ipv4": (address(4), "192.0.0.1"),
    "clat_ipv6": (address(6), None),
    "tayga": (_TAYGA, None),
    "wan": (interface, None),
}
_ROUTER = {
    "routes": (list_of(fields({
        "prefix": (prefix(None), _REQUIRED),
        "next_hop": (address(None), _REQUIRED),
        "name": (matching(_ROUTE_NAME, "a route name ([A-Za-z0-9_.-], at most 32 characters)"), None),
        "comment": (text, ""),
    }), 1), _REQUIRED),
}
_PATH = matching(_ABSOLUTE_PATH, "an absolute path")
_DHCP = {
    "control_socket4": (_PATH, "/run/kea/kea4-ctrl-socket"),
    "control_socket6": (_PATH, "/run/kea/kea6-ctrl-socket"),
    "lease_directory": (_PATH, "/var/lib/kea"),
    "valid_lifetime": (integer(60, 604800), 3600),
    "subnets4": (list_of(fields({
        "id": (integer(1, 4094), _REQUIRED),
        "interface": (interface, _REQUIRED),
        "prefix": (prefix(4), _REQUIRED),
        "router": (address(4), None),
        "pool": (list_of(address(4), 2), _REQUIRED),
        "known_only": (boolean, True),
        # IPv6-mostly (RFC 8925): the V6ONLY_WAIT sent as option 108 to clients that ask for it.
        "v6only_wait": (integer(300, 2**32 - 1), None),
        "reservations": (list_of(matching(re.compile(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}"), "a MAC like aa:bb:cc:dd:ee:ff")), []),
    })), []),
    "subnets6": (list_of(fields({
        "id": (integer(1, 4094), _REQUIRED),
        "interface": (interface, _REQUIRED),
        "prefix": (prefix(6), _REQUIRED),
        "pool": (list_of(address(6), 2), None),
        "dns_servers": (list_of(address(6)), []),
        "router_advertisements": (boolean, False),  # radvd on this node announces the prefix
        "slaac": (boolean, False),  # the plan gives addresses by RA/SLAAC rather than DHCPv6
    })), []),
}
def _host(value: Any, path: str) -> str:
    """An IP address or a DNS name."""
    try:
        return address(None)(value, path)
    except IntentError:
        return dns_name(value, path)


_DATABASE_IDENTIFIER = matching(re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}"), "a database identifier ([A-Za-z0-9_], at most 63)")
_RADIUS = {
    # FreeRADIUS binds :: to IPv6 only, so "every address" takes both.
    "listen": (list_of(address(None), 1), ["::", "0.0.0.0"]),
    "auth_port": (integer(1, 65535), 1812),
    "acct_port": (integer(1, 65535), 1813),
    # Debian's inner-tunnel takes 127.0.0.1:18120; a node running two servers gives each its own.
    "inner_tunnel_port": (integer(1, 65535), 18120),
    "config_dir": (_PATH, "/etc/freeradius/3.0"),
    "log_dir": (_PATH, "/var/log/freeradius"),
    "run_dir": (_PATH, "/var/run/freeradius"),
    # The user and group FreeRADIUS drops to after opening its sockets; root keeps it running as started.
    "run_as": (matching(re.compile(r"[a-z_][a-z0-9_-]{0,31}"), "a user name"), "freerad"),
    "reject_delay": (integer(0, 5), 1),
    # Where the agent keeps the NAS secrets and the database password (see gateways/render/freeradius.py).
    "secrets_file": (_PATH, "/etc/freeradius/opsconsole-secrets.conf"),
    # Where the agent keeps the eap module's key, certificates and CRL, fetched with the secrets.
    "tls_dir": (_PATH, "/etc/freeradius/opsconsole-tls"),
    "database": (fields({
        "dialect": (choice("sqlite", "postgresql"), _REQUIRED),
        "sqlite_file": (_PATH, None),
        "host": (_host, None),
        "port": (integer(1, 65535), 5432),
        "name": (_DATABASE_IDENTIFIER, None),
        "user": (_DATABASE_IDENTIFIER, None),
    }), _REQUIRED),
    # A digest the console changes whenever a secret changes, so that the agent fetches the secrets again.
    "secrets_version": (matching(re.compile(r"[0-9a-f]{0,64}"), "a hex digest"), ""),
    "clients": (list_of(fields({
        "id": (integer(1, 2**31 - 1), _REQUIRED),
        "name": (text, ""),
        "address": (prefix(None), _REQUIRED),
    })), []),
}

_REVERSE_ZONE = re.compile(r"(?:[0-9]{1,3}\.){1,3}in-addr\.arpa|(?:[0-9a-f]\.){1,31}ip6\.arpa")
_GENERATED_NAME = re.compile(r"(?:[a-z0-9_-]{1,63}\.)*[a-z0-9_-]{0,30}\$[a-z0-9_-]{0,30}(?:\.[a-z0-9_-]{1,63})+")
_REVERSE_DNS = {
    # An authoritative BIND for the reverse zones: its own named.conf, or zones added to the node's DNS64 BIND.
    "listen": (list_of(address(None), 1), ["::", "0.0.0.0"]),
    "port": (integer(1, 65535), 53),
    "zone_dir": (_PATH, "/etc/bind/opsconsole-reverse"),  # where named reads the zone files on the node
    "nameserver": (dns_name, _REQUIRED),  # the zones' NS and SOA primary
    "hostmaster": (dns_name, _REQUIRED),  # the SOA mailbox, as a name
    "ttl": (integer(60, 604800), 3600),
    "zones": (list_of(fields({
        "name": (matching(_REVERSE_ZONE, "an in-addr.arpa or ip6.arpa zone on an octet or nibble boundary"), _REQUIRED),
        "serial": (integer(1, 2**32 - 1), _REQUIRED),
        "ptr": (list_of(fields({"address": (address(None), _REQUIRED), "name": (dns_name, _REQUIRED)})), []),
        # An IPv4 pool inside the zone's /24: $GENERATE first-last, the name with $ for the last octet.
        "generate": (list_of(fields({
            "first": (integer(0, 255), _REQUIRED),
            "last": (integer(0, 255), _REQUIRED),
            "name": (matching(_GENERATED_NAME, "a DNS name with one $ for the last octet"), _REQUIRED),
        })), []),
    }), 1), _REQUIRED),
}


# --- cross-field rules ---


def _nat64_rules(role: dict, path: str) -> None:
    is_tayga = role["implementation"] == "tayga"
    _check_that((role["tayga"] is not None) == is_tayga, f"{path}.tayga", "is required with tayga and only with tayga")
    _check_that(role["mode"] == "stateful" or not role["pool4"], f"{path}.pool4", "SIIT takes mappings, not a pool4")
    if is_tayga and role["mode"] == "stateful":
        _check_that(role["tayga"]["dynamic_pool"] is not None, f"{path}.tayga.dynamic_pool",
                    "stateful TAYGA needs a dynamic pool to NAT44 from")
        _check_that(len(role["pool4"]) <= 1, f"{path}.pool4", "TAYGA's NAT44 takes a single pool4 prefix")
    for i, entry in enumerate(role["pool4"]):
        _check_that(entry["ports"][0] >= 1, f"{path}.pool4[{i}].ports", "port 0 cannot be translated")
    for i, mapping in enumerate(role["mappings"]):
        v4, v6 = ipaddress.IPv4Network(mapping["ipv4"]), ipaddress.IPv6Network(mapping["ipv6"])
        _check_that(32 - v4.prefixlen == 128 - v6.prefixlen, f"{path}.mappings[{i}]",
                    f"{v4} and {v6} hold different numbers of addresses")
    member = role["member"]
    _check_that(member is None or member["index"] <= member["count"], f"{path}.member.index", "is above count")


def _dns64_rules(role: dict, path: str) -> None:
    _check_that(role["implementation"] == "unbound" or not role["ignore_aaaa"], f"{path}.ignore_aaaa",
                "only Unbound ignores one name's AAAA answers (BIND's dns64 has no per-name setting)")
    _check_that(role["implementation"] == "bind" or not role["local_data"], f"{path}.local_data",
                "only BIND takes fixed answers here (Unbound uses ignore_aaaa)")
    if role["implementation"] == "unbound":
        for key, default in (("mapped", ["any"]), ("exclude", []), ("suffix", "::")):
            _check_that(role[key] == default, f"{path}.{key}", f"Unbound has no such setting: leave it {default!r}")
        for i, client in enumerate(role["clients"]):
            _check_that(client not in ("localhost", "localnets", "none"), f"{path}.clients[{i}]",
                        f"{client!r} is a BIND ACL name; Unbound takes prefixes or 'any'")


def _sa46t_rules(role: dict, path: str) -> None:
    _within(f"{path}.local", role["local"], role["prefix"])
    for i, peer in enumerate(role["peers"]):
        _within(f"{path}.peers[{i}].address", peer["address"], role["prefix"])
    _check_that(len(role["peers"]) <= 100, f"{path}.peers", "more than 100 peers")


MAX_FMR_CES = 256


def _map_rules(role: dict, path: str) -> None:
    for rule_path, rule in [(f"{path}.bmr", role["bmr"])] + [(f"{path}.fmrs[{i}]", r) for i, r in enumerate(role["fmrs"])]:
        v4, v6 = ipaddress.IPv4Network(rule["ipv4"]), ipaddress.IPv6Network(rule["ipv6"])
        _check_that(rule["ea_len"] == 32 - v4.prefixlen + rule["psid_len"], f"{rule_path}.ea_len",
                    f"is not (32 - {v4.prefixlen}) + psid_len {rule['psid_len']}")
        _check_that(v6.prefixlen + rule["ea_len"] <= 128, f"{rule_path}.ea_len", "pushes the end-user prefix past /128")
        _check_that(rule["psid_offset"] + rule["psid_len"] <= 16, f"{rule_path}.psid_len", "offset + length exceed 16 bits")
    ce = role["ce"]
    _check_that((ce is not None) == (role["role"] == "ce"), f"{path}.ce", "is required for a CE and only for a CE")
    if ce is not None:
        _map_ce_rules(ce, role["bmr"], f"{path}.ce")
        _check_that(sum(2 ** fmr["ea_len"] for fmr in role["fmrs"]) <= MAX_FMR_CES, f"{path}.fmrs",
                    f"map more than {MAX_FMR_CES} CEs, each of which would get its own tunnel")
        return
    _check_that(role["uplink"] is not None, f"{path}.uplink", "missing (the BR's IPv4 side)")
    _check_that(len(role["ces"]) <= 200, f"{path}.ces", "more than 200 CEs")
    for i, known in enumerate(role["ces"]):
        _map_ce_rules(known, role["bmr"], f"{path}.ces[{i}]")


def _map_ce_rules(ce: dict, bmr: dict, path: str) -> None:
    _within(f"{path}.ipv4", ce["ipv4"], bmr["ipv4"])
    _within(f"{path}.ipv6", ce["ipv6"], bmr["ipv6"])
    _check_that(ce["psid"] < 2 ** bmr["psid_len"], f"{path}.psid", "does not fit psid_len")
    ranges = sorted(ce["ports"])
    _check_that(len(ranges) <= 4096, f"{path}.ports", "more than 4096 ranges")
    for (_, last), (first, _) in zip(ranges, ranges[1:]):
        _check_that(last < first, f"{path}.ports", f"ranges overlap at port {first}")
    ce["ports"] = ranges


def _dslite_rules(role: dict, path: str) -> None:
    for key in ("aftr_ipv4", "b4_ipv4"):
        _within(f"{path}.{key}", role[key], str(DSLITE_WELL_KNOWN))
    _check_that(role["aftr_ipv4"] != role["b4_ipv4"], f"{path}.b4_ipv4", "equals aftr_ipv4")
    if role["role"] == "b4":
        _check_that(role["b4_address"] is not None, f"{path}.b4_address", "missing (a B4 needs its own address)")
        _check_that(not role["b4s"] and role["pool4"] is None, f"{path}.role", "a B4 takes no b4s or pool4")
    else:
        _check_that(bool(role["b4s"]), f"{path}.b4s", "an AFTR needs at least one B4")
        _check_that(len(role["b4s"]) <= 100, f"{path}.b4s", "more than 100 B4s")
        _check_that(role["pool4"] is not None, f"{path}.pool4", "missing (the AFTR's NAT44 pool)")
        _check_that(role["uplink"] is not None, f"{path}.uplink", "missing (the AFTR's IPv4 side)")


def _dhcp_rules(role: dict, path: str) -> None:
    for family in ("subnets4", "subnets6"):
        ids = [subnet["id"] for subnet in role[family]]
        _check_that(len(ids) == len(set(ids)), f"{path}.{family}", "two subnets share an id")
        for i, subnet in enumerate(role[family]):
            network = ipaddress.ip_network(subnet["prefix"])
            if subnet["pool"] is not None:
                first, last = (ipaddress.ip_address(a) for a in subnet["pool"])
                _check_that(len(subnet["pool"]) == 2 and first <= last and first in network and last in network,
                            f"{path}.{family}[{i}].pool", f"is not a [first, last] range inside {network}")
            if subnet.get("router") is not None:
                _within(f"{path}.{family}[{i}].router", subnet["router"], subnet["prefix"])


def _radius_rules(role: dict, path: str) -> None:
    database = role["database"]
    needed = ("sqlite_file",) if database["dialect"] == "sqlite" else ("host", "name", "user")
    for key in needed:
        _check_that(database[key] is not None, f"{path}.database.{key}", f"missing (a {database['dialect']} database needs it)")
    ids = [client["id"] for client in role["clients"]]
    _check_that(len(ids) == len(set(ids)), f"{path}.clients", "two clients share an id")
    _check_that(role["auth_port"] != role["inner_tunnel_port"], f"{path}.inner_tunnel_port", "equals auth_port")
    _check_that(role["acct_port"] not in (role["auth_port"], role["inner_tunnel_port"]), f"{path}.acct_port",
                "equals auth_port or inner_tunnel_port")


def reverse_name(ip: str) -> str:
    """The in-addr.arpa or ip6.arpa name of an address, without the trailing dot."""
    return ipaddress.ip_address(ip).reverse_pointer


def _reverse_dns_rules(role: dict, path: str) -> None:
    names = [zone["name"] for zone in role["zones"]]
    _check_that(len(names) == len(set(names)), f"{path}.zones", "two zones share a name")
    for i, zone in enumerate(role["zones"]):
        zone_path = f"{path}.zones[{i}]"
        for j, record in enumerate(zone["ptr"]):
            _check_that(reverse_name(record["address"]).endswith("." + zone["name"]), f"{zone_path}.ptr[{j}]",
                        f"{record['address']} is not inside {zone['name']}")
        for j, pool in enumerate(zone["generate"]):
            _check_that(zone["name"].endswith(".in-addr.arpa") and zone["name"].count(".") == 4,
                        f"{zone_path}.generate[{j}]", "$GENERATE takes the last octet: only in a /24 in-addr.arpa zone")
            _check_that(pool["first"] <= pool["last"] and pool["name"].count("$") == 1, f"{zone_path}.generate[{j}]",
                        "needs first <= last and one $ in the name")


def _xlat464_rules(role: dict, path: str, roles: dict) -> None:
    if role["role"] == "plat":
        nat64 = roles.get("nat64")
        _check_that(nat64 is not None and nat64["pool6"] == role["plat_prefix"], f"{path}.plat_prefix",
                    "a PLAT is this node's nat64 role: roles.nat64.pool6 must equal plat_prefix")
        return
    for key in ("clat_prefix", "clat_ipv6", "tayga", "wan"):
        _check_that(role[key] is not None, f"{path}.{key}", "missing (a CLAT needs it)")
    _within(f"{path}.clat_ipv6", role["clat_ipv6"], role["clat_prefix"])


_ROLES: dict[str, dict[str, tuple[Check, Any]]] = {
    "nat64": _NAT64, "dns64": _DNS64, "sa46t": _SA46T, "map": _MAP,
    "dslite": _DSLITE, "xlat464": _XLAT464, "router": _ROUTER, "dhcp": _DHCP,
    "radius": _RADIUS, "reverse_dns": _REVERSE_DNS,
}
_RULES: dict[str, Callable[[dict, str], None]] = {
    "nat64": _nat64_rules, "dns64": _dns64_rules, "sa46t": _sa46t_rules, "map": _map_rules, "dslite": _dslite_rules,
    "dhcp": _dhcp_rules, "radius": _radius_rules, "reverse_dns": _reverse_dns_rules,
}
_DOCUMENT = fields({
    "schema": (integer(SCHEMA_VERSION, SCHEMA_VERSION), _REQUIRED),
    "node": (matching(_NODE_NAME, "a node name ([A-Za-z0-9._-], at most 63 characters)"), _REQUIRED),
    "description": (text, ""),
    "roles": (lambda value, path: value, _REQUIRED),
})


def validate_intent(intent: dict) -> dict:
    """Return the normalised intent, or raise IntentError naming the first bad field."""
    document = _DOCUMENT(intent, "intent")
    raw_roles = document["roles"]
    if not isinstance(raw_roles, dict):
        raise _fail("roles", raw_roles, "is not an object")
    roles = {}
    for name in sorted(raw_roles, key=str):
        if name not in _ROLES:
            raise IntentError(f"roles.{name}: unknown role (known: {', '.join(_ROLES)})")
        roles[name] = fields(_ROLES[name])(raw_roles[name], f"roles.{name}")
        if name in _RULES:
            _RULES[name](roles[name], f"roles.{name}")
    if "xlat464" in roles:
        _xlat464_rules(roles["xlat464"], "roles.xlat464", roles)
    return {**document, "roles": roles}
