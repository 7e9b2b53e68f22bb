"""The self-test's verdict from each combination of reachable probes that a real network produces."""
import pytest

from opsconsole.selftest import verdict as v

CASES = [
    # (what the network is, probes, connectivity, ipv4, large, advice)
    ("dual stack at home", dict(ipv6=True, ipv4=True, dual_stack=True, dns64=False, ipv4_literal=True, large=True),
     v.IPV6_AND_IPV4, v.IPV4_DIRECT, v.LARGE_OK, ()),
    ("IPv6 only with NAT64/DNS64 (widecamp)", dict(ipv6=True, ipv4=True, dual_stack=True, dns64=True, ipv4_literal=False, large=True),
     v.IPV6_WITH_NAT64, v.IPV4_NAT64, v.LARGE_OK,
     (v.ADVICE_TURN_OFF_IPV4, v.ADVICE_USE_NAMES, v.ADVICE_IPV4_NETWORK_FOR_VPN)),
    ("464XLAT: a CLAT makes literals work", dict(ipv6=True, ipv4=True, dual_stack=True, dns64=True, ipv4_literal=True, large=True),
     v.IPV6_AND_IPV4, v.IPV4_DIRECT, v.LARGE_OK, ()),
    ("4rd or SA46T", dict(ipv6=True, ipv4=True, dual_stack=True, dns64=False, ipv4_literal=True, large=False),
     v.IPV6_AND_IPV4, v.IPV4_DIRECT, v.LARGE_BLOCKED, (v.ADVICE_REPORT_MTU,)),
    ("IPv6 only, resolver set by hand to a plain one", dict(ipv6=True, ipv4=False, dual_stack=True, dns64=False, ipv4_literal=False, large=True),
     v.IPV6_WITHOUT_DNS64, v.IPV4_NONE, v.LARGE_OK, (v.ADVICE_SET_DNS64,)),
    ("hotel IPv4 only", dict(ipv6=False, ipv4=True, dual_stack=True, dns64=False, ipv4_literal=True, large=True),
     v.IPV4_ONLY, v.IPV4_DIRECT, v.LARGE_OK, (v.ADVICE_JOIN_IPV6,)),
    ("nothing reachable", dict(ipv6=False, ipv4=False, dual_stack=False, dns64=False, ipv4_literal=False, large=False),
     v.NO_CONNECTION, v.IPV4_NONE, v.LARGE_UNKNOWN, (v.ADVICE_ASK_HELPDESK,)),
    ("NAT64, but the dual-stack name failed", dict(ipv6=True, ipv4=True, dual_stack=False, dns64=True, ipv4_literal=False, large=False),
     v.IPV6_WITH_NAT64, v.IPV4_NAT64, v.LARGE_UNKNOWN,
     (v.ADVICE_TURN_OFF_IPV4, v.ADVICE_USE_NAMES, v.ADVICE_IPV4_NETWORK_FOR_VPN, v.ADVICE_DUAL_STACK_SLOW)),
    ("no DNS64 name set up: the IPv4-only name still shows NAT64", dict(ipv6=True, ipv4=True, dual_stack=True, dns64=None, ipv4_literal=False, large=None),
     v.IPV6_WITH_NAT64, v.IPV4_NAT64, v.LARGE_UNKNOWN,
     (v.ADVICE_TURN_OFF_IPV4, v.ADVICE_USE_NAMES, v.ADVICE_IPV4_NETWORK_FOR_VPN)),
    ("nothing set up at all", {}, v.NO_CONNECTION, v.IPV4_NONE, v.LARGE_UNKNOWN, (v.ADVICE_ASK_HELPDESK,)),
]


@pytest.mark.parametrize("network, probes, connectivity, ipv4, large, advice", CASES, ids=[case[0] for case in CASES])
def test_verdict(network, probes, connectivity, ipv4, large, advice):
    verdict = v.judge(probes)
    assert (verdict.connectivity, verdict.ipv4, verdict.large_packets, verdict.advice) == (connectivity, ipv4, large, advice)
    assert verdict.ipv6 is bool(probes.get("ipv6"))


def test_an_unknown_probe_is_refused():
    with pytest.raises(ValueError, match="mtu9000"):
        v.judge({"ipv6": True, "mtu9000": True})
