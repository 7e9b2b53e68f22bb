"""Property tests: MAP forward and reverse agree; CEs sharing an address split its ports exactly."""
from ipaddress import IPv4Address, IPv4Network, IPv6Network

from hypothesis import given, settings
from hypothesis import strategies as st

from gateways.addressing import MapRule, ce_for_ipv4_port, ce_mapping, map_rule


def _network(draw: st.DrawFn, width: int, length: int) -> int:
    return draw(st.integers(0, (1 << length) - 1)) << (width - length) if length else 0


@st.composite
def rules(draw: st.DrawFn, sharing_only: bool = False) -> MapRule:
    """Rules of every kind, small enough (2^(offset + PSID length) <= 4096) to enumerate."""
    v4_len = draw(st.integers(16, 32))
    suffix_len = 32 - v4_len
    kinds = ["shared"] if sharing_only else ["shared", "full", "prefix", "provisioned"]
    kind = draw(st.sampled_from(kinds))
    if kind == "prefix" and suffix_len == 0:
        kind = "full"
    psid_len = draw(st.integers(1, 6)) if kind in ("shared", "provisioned") else 0
    ea_len = {
        "shared": suffix_len + psid_len,
        "full": suffix_len,
        "provisioned": suffix_len,
        "prefix": draw(st.integers(0, max(0, suffix_len - 1))),
    }[kind]
    offset = draw(st.integers(0, min(6, 16 - psid_len))) if psid_len else 6
    v6_len = draw(st.integers(8, 64 - ea_len))
    return map_rule(
        IPv6Network((_network(draw, 128, v6_len), v6_len)),
        IPv4Network((_network(draw, 32, v4_len), v4_len)),
        ea_len,
        offset,
        psid_len,
    )


@settings(max_examples=200)
@given(rule=rules(), data=st.data())
def test_every_ce_round_trips_through_the_reverse_mapping(rule: MapRule, data: st.DataObject) -> None:
    v6_len = rule.ipv6_prefix.prefixlen + rule.ea_len
    ea = data.draw(st.integers(0, (1 << rule.ea_len) - 1))
    prefix = IPv6Network((int(rule.ipv6_prefix.network_address) | ea << (128 - v6_len), v6_len))
    provisioned = rule.psid_len and not rule.ea_psid_len
    psid = data.draw(st.integers(0, (1 << rule.psid_len) - 1)) if provisioned else None
    ce = ce_mapping(rule, prefix, psid)
    first, last = data.draw(st.sampled_from(ce.port_ranges))
    port = data.draw(st.integers(first, last))
    ipv4 = ce.ipv4 if isinstance(ce.ipv4, IPv4Address) else data.draw(st.sampled_from([ce.ipv4[0], ce.ipv4[-1]]))
    back = ce_for_ipv4_port(rule, ipv4, port)
    assert back == ce
    assert ce.port_count == sum(last - first + 1 for first, last in ce.port_ranges)


@settings(max_examples=200)
@given(rule=rules(sharing_only=True), data=st.data())
def test_ces_sharing_an_address_split_its_ports_exactly(rule: MapRule, data: st.DataObject) -> None:
    ipv4 = data.draw(st.sampled_from([rule.ipv4_prefix[0], rule.ipv4_prefix[-1]]))
    a, m = rule.psid_offset, rule.contiguous_port_bits
    first_a = 1 if a else 0
    ranges = []
    for psid in range(1 << rule.psid_len):
        ce = ce_for_ipv4_port(rule, ipv4, first_a << (16 - a) | psid << m)
        assert (ce.ipv4, ce.psid) == (ipv4, psid)
        ranges.extend(ce.port_ranges)
    ranges.sort()
    for (_, last), (next_first, _) in zip(ranges, ranges[1:]):
        assert next_first == last + 1  # no overlap and no gap
    reserved_end = (1 << (16 - a)) - 1 if a else -1
    assert ranges[0][0] == reserved_end + 1
    assert ranges[-1][1] == 65535
