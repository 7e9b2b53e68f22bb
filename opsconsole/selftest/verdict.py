"""What a participant's self-test results mean: pure logic, no Django, shared by the result page and the NOC summary.

Each probe is True (fetched), False (failed or timed out) or None (not tested: the NOC has not set up that name).
"""
from dataclasses import dataclass

PROBES = ("ipv6", "ipv4", "dual_stack", "dns64", "ipv4_literal", "large")

# Connectivity, from best understood to worst.
IPV6_AND_IPV4 = "ipv6-and-ipv4"  # IPv6, and IPv4 by a lease or carried over IPv6 (CLAT, SA46T, 4rd)
IPV6_WITH_NAT64 = "ipv6-with-nat64"  # IPv6 only; IPv4 services through DNS64 and NAT64
IPV6_WITHOUT_DNS64 = "ipv6-without-dns64"  # IPv6 only, but the resolver does not synthesise: no IPv4 services
IPV4_ONLY = "ipv4-only"
NO_CONNECTION = "no-connection"
CONNECTIVITY = (IPV6_AND_IPV4, IPV6_WITH_NAT64, IPV6_WITHOUT_DNS64, IPV4_ONLY, NO_CONNECTION)

# How IPv4 services are reached.
IPV4_DIRECT = "direct"  # an IPv4 literal works: a real IPv4 lease, or a CLAT / SA46T / 4rd carrying IPv4 over IPv6
IPV4_NAT64 = "nat64"
IPV4_NONE = "none"

LARGE_OK = "ok"
LARGE_BLOCKED = "blocked"
LARGE_UNKNOWN = "unknown"

# Advice, in the order a participant should act on it.
ADVICE_ASK_HELPDESK = "ask-helpdesk"
ADVICE_JOIN_IPV6 = "join-ipv6-network"
ADVICE_SET_DNS64 = "set-dns64-resolver"
ADVICE_TURN_OFF_IPV4 = "turn-off-ipv4"
ADVICE_USE_NAMES = "use-names-not-ipv4-literals"
ADVICE_IPV4_NETWORK_FOR_VPN = "ipv4-network-for-vpn"
ADVICE_REPORT_MTU = "report-large-packets"
ADVICE_DUAL_STACK_SLOW = "dual-stack-failed"


@dataclass(frozen=True)
class Verdict:
    connectivity: str
    ipv6: bool
    ipv4: str
    large_packets: str
    advice: tuple[str, ...]


def judge(probes: dict[str, bool | None]) -> Verdict:
    """PROBES maps each name of PROBES (missing: not tested) to its outcome."""
    unknown = set(probes) - set(PROBES)
    if unknown:
        raise ValueError(f"unknown probes: {', '.join(sorted(unknown))}")
    ipv6 = bool(probes.get("ipv6"))
    literal = bool(probes.get("ipv4_literal"))
    # Through DNS64 the IPv4-only name works as well; the DNS64-only name is the one that tells it apart.
    nat64 = bool(probes.get("dns64"))
    reaches_ipv4_names = bool(probes.get("ipv4")) or nat64
    anything = ipv6 or literal or reaches_ipv4_names or bool(probes.get("dual_stack"))

    if ipv6 and literal:
        connectivity = IPV6_AND_IPV4
    elif ipv6 and reaches_ipv4_names:
        connectivity = IPV6_WITH_NAT64
    elif ipv6:
        connectivity = IPV6_WITHOUT_DNS64
    elif anything:
        connectivity = IPV4_ONLY
    else:
        connectivity = NO_CONNECTION
    ipv4 = IPV4_DIRECT if literal else IPV4_NAT64 if (ipv6 and reaches_ipv4_names) else IPV4_NONE

    # A large fetch means something only if a small one on the same name got through.
    large = probes.get("large")
    if large is None or not probes.get("dual_stack"):
        large_packets = LARGE_UNKNOWN
    else:
        large_packets = LARGE_OK if large else LARGE_BLOCKED

    advice = []
    if connectivity == NO_CONNECTION:
        advice.append(ADVICE_ASK_HELPDESK)
    if connectivity == IPV4_ONLY:
        advice.append(ADVICE_JOIN_IPV6)
    if connectivity == IPV6_WITHOUT_DNS64:
        advice.append(ADVICE_SET_DNS64)
    if connectivity == IPV6_WITH_NAT64:
        advice += [ADVICE_TURN_OFF_IPV4, ADVICE_USE_NAMES, ADVICE_IPV4_NETWORK_FOR_VPN]
    if ipv6 and reaches_ipv4_names and probes.get("dual_stack") is False:
        advice.append(ADVICE_DUAL_STACK_SLOW)
    if large_packets == LARGE_BLOCKED:
        advice.append(ADVICE_REPORT_MTU)
    return Verdict(connectivity, ipv6, ipv4, large_packets, tuple(advice))
