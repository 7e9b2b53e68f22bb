"""Active probes from inside the network: DNS64 correctness, the NAT64 path, and the path MTU through each tunnel.

The targets come with the node's intent; each probe is a bounded command run where the daemons' network is.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gateways.addressing import AddressingError
from gateways.addressing.rfc6052 import embed_ipv4, extract_ipv4
from gateways.agentconfig import StatsSettings
from gateways.stats import CollectorError, run, run_bounded

LEARNED_MTU = re.compile(r"expires -?\d+sec mtu (\d+)")
DIG_QUERY_TIME = re.compile(r"^;; Query time: (\d+) msec", re.MULTILINE)
# IPv4 and ICMP echo headers, or IPv6 and ICMPv6 echo headers: what ping adds to its payload.
ECHO_OVERHEAD = {4: 28, 6: 48}
SMALLEST_PACKET = {4: 68, 6: 1280}  # every IPv4 link passes 68 bytes (RFC 791), every IPv6 link 1280 (RFC 8200)
TUNNEL_ROLES = ("sa46t", "map", "dslite")
FAILURES = {"dns64": "probe:dns64:correct", "nat64": "probe:nat64:ok"}


@dataclass(frozen=True)
class DnsAnswer:
    addresses: list[str]
    ms: float


def dig_answer(output: str, rdtype: str) -> DnsAnswer:
    """`dig +noall +answer +stats`: the RDTYPE records of the answer and the query time."""
    addresses = [fields[4] for fields in (line.split() for line in output.splitlines() if not line.startswith(";"))
                 if len(fields) >= 5 and fields[3] == rdtype]
    timed = DIG_QUERY_TIME.search(output)
    if timed is None:
        raise CollectorError(f"dig got no answer: {output.strip()[-200:]}")
    return DnsAnswer(addresses, float(timed.group(1)))


def dns64_correct(a_records: list[str], aaaa_records: list[str], prefix: str) -> bool:
    """Whether the AAAA records are exactly the A records under the NAT64 prefix (RFC 6052)."""
    try:
        embedded = {str(extract_ipv4(prefix, aaaa, any_ipv4=True)) for aaaa in aaaa_records}
    except AddressingError:
        return False
    return bool(a_records) and embedded == set(a_records)


def resolver_address(dns64: dict) -> str:
    """Where this node's DNS64 answers: its first listening address, loopback for a wildcard."""
    listen = dns64["listen"][0]
    return {"::": "::1", "0.0.0.0": "127.0.0.1"}.get(listen, listen)


def dig(settings: StatsSettings, server: str, port: int, name: str, rdtype: str) -> DnsAnswer:
    return dig_answer(run(settings, ["dig", f"@{server}", "-p", str(port), "+tries=1", f"+time={settings.timeout:g}",
                                     "+noall", "+answer", "+stats", name, rdtype]), rdtype)


def nat64_prefix_of(roles: dict) -> str:
    """The prefix a correct DNS64 answer uses: the node's NAT64 pool6, else what its DNS64 is given."""
    return roles["nat64"]["pool6"] if "nat64" in roles else roles["dns64"]["prefix"]


def probe_dns64(settings: StatsSettings, roles: dict) -> dict[str, float]:
    dns64 = roles["dns64"]
    server = resolver_address(dns64)
    a_records = dig(settings, server, dns64["port"], dns64["probe_name"], "A").addresses
    synthesised = dig(settings, server, dns64["port"], dns64["probe_name"], "AAAA")
    correct = dns64_correct(a_records, synthesised.addresses, nat64_prefix_of(roles))
    return {"probe:dns64:correct": float(correct), "probe:dns64:ms": synthesised.ms}


def probe_nat64(settings: StatsSettings, roles: dict) -> dict[str, float]:
    """An HTTP fetch of the IPv4-only target through NAT64: to its address under the NAT64 prefix, found by the
    node's DNS64 for a name, so the probe takes the path an IPv6-only client takes."""
    url = roles["nat64"]["probe_url"]
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    try:
        ipv6 = str(embed_ipv4(nat64_prefix_of(roles), ipaddress.IPv4Address(host)))
    except ipaddress.AddressValueError:
        if "dns64" not in roles:
            raise CollectorError(f"{host} is a name and this node has no DNS64 to find its NAT64 address") from None
        answer = dig(settings, resolver_address(roles["dns64"]), roles["dns64"]["port"], host, "AAAA")
        if not answer.addresses:
            raise CollectorError(f"the node's DNS64 gave no AAAA for {host}") from None
        ipv6 = answer.addresses[0]
    written = run(settings, ["curl", "-sS", "-o", "/dev/null", "--max-time", f"{settings.timeout:g}",
                             "--connect-to", f"{host}:{port}:[{ipv6}]:{port}", "-w", "%{http_code} %{time_total}",
                             "--", url])
    status, seconds = written.split()
    return {"probe:nat64:ok": float(200 <= int(status) < 400), "probe:nat64:ms": float(seconds) * 1000}


def passes(settings: StatsSettings, destination: str, size: int) -> bool:
    """Whether one echo request of SIZE bytes with DF set gets its reply."""
    version = ipaddress.ip_address(destination).version
    try:
        # Two echoes: one lost to a busy link must not make a size that passes look too large.
        run(settings, ["ping", f"-{version}", "-n", "-q", "-c", "2", "-i", "0.2", "-W", "1", "-M", "do", "-s",
                       str(size - ECHO_OVERHEAD[version]), destination])
    except CollectorError:
        return False
    return True


def largest_passing(passes_at, low: int, high: int) -> int | None:
    """The largest size in [low, high] for which passes_at(size) holds, by binary search; None if low fails."""
    if passes_at(high):
        return high
    if not passes_at(low):
        return None
    while high - low > 1:  # low passes, high does not
        middle = (low + high) // 2
        if passes_at(middle):
            low = middle
        else:
            high = middle
    return low


def path_mtu(settings: StatsSettings, destination: str, high: int = 1500) -> int | None:
    """The largest packet to DESTINATION that passes with DF set."""
    version = ipaddress.ip_address(destination).version
    return largest_passing(lambda size: passes(settings, destination, size), SMALLEST_PACKET[version], high)


def learned_mtu(settings: StatsSettings, destination: str) -> int | None:
    """The path MTU the kernel learned towards DESTINATION from an ICMP "too big" error; None if none came (or the
    route cannot be read): a probe that stopped short with nothing learned lost its large packets silently."""
    try:
        found = LEARNED_MTU.search(run(settings, ["ip", "route", "get", destination]))
    except CollectorError:
        return None
    return int(found.group(1)) if found else None


def probe_tunnel(settings: StatsSettings, role: dict) -> dict[str, float]:
    largest = path_mtu(settings, role["probe_target"], role["mtu"])
    if largest is None:
        raise CollectorError(f"no packet reaches {role['probe_target']} through {role['tunnel']}")
    return {f"probe:pmtu:{role['tunnel']}": float(largest)}


def run_probes(settings: StatsSettings, roles: dict) -> dict[str, Any]:
    """The heartbeat's `probes`: {"values": {series key: number}, "errors": {probe: why}}."""
    jobs = {}
    if "dns64" in roles:
        jobs["dns64"] = lambda: probe_dns64(settings, roles)
    if roles.get("nat64", {}).get("probe_url"):
        jobs["nat64"] = lambda: probe_nat64(settings, roles)
    for name in TUNNEL_ROLES:
        if roles.get(name, {}).get("probe_target"):
            jobs[f"pmtu:{roles[name]['tunnel']}"] = lambda role=roles[name]: probe_tunnel(settings, role)
    results, errors = run_bounded(jobs, settings.deadline)
    values: dict[str, float] = {}
    for found in results.values():
        values.update(found)
    for probe, failed in FAILURES.items():  # no answer at all counts as a failure, for the failure rate
        if probe in errors:
            values[failed] = 0.0
    return {"values": values, "errors": errors}
