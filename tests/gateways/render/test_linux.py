"""SA46T, MAP-E, DS-Lite and 464XLAT CLAT on Linux: iproute2 scripts run in a namespace, nftables by `nft -c`."""

from __future__ import annotations

import socket
import struct

import pytest
from hypothesis import given

from gateways.intent import IntentError
from gateways.render import render_intent
from tests.e2e.netns import entered, in_namespace, ip, namespaces, veth
from tests.gateways.render.conftest import (
    INJECTION_SETTINGS, NASTY_TEXT, SHOWNET_MAP_PORTS, assert_contained, by_path, check_text, intent, render_and_check,
    shownet_clat, shownet_dslite_aftr, shownet_dslite_b4, shownet_map_ce, wide_sa46t,
)

MSS_CLAMP = "tcp flags syn tcp option maxseg size set rt mtu"


def test_shownet_map_e_ce_snats_into_its_fifteen_port_blocks() -> None:
    files, results = render_and_check(intent({"map": shownet_map_ce()}, node="map-ce-42"))
    assert all(r.ok for r in results), results
    script, rules = by_path(files)["iproute2/map.sh"], by_path(files)["nftables/map.nft"]
    assert ("ip -6 tunnel add map0 mode ipip6 local 2001:3e8:6000:42::1 remote 2001:3e8:0:2900::1 dev wan0"
            " encaplimit none") in script
    assert "ip addr replace 130.129.255.93/32 dev map0" in script and "set -eu" in script
    assert ('oifname { "map0" } meta l4proto { tcp, udp, icmp } snat ip to 130.129.255.93 : numgen inc mod 960 map '
            '{ 0 : 4224, 1 : 4225,') in rules  # ICMP query identifiers too: `nft -c` above takes it
    assert "63 : 4287, 64 : 8320," in rules and "959 : 61631 }" in rules
    assert SHOWNET_MAP_PORTS[-1] == [61568, 61631] and f'oifname {{ "map0" }} {MSS_CLAMP}' in rules


def test_shownet_map_e_br_routes_each_port_set_into_its_ce_tunnel() -> None:
    br = {key: value for key, value in shownet_map_ce().items() if key != "ce"}
    other_ce = {"ipv4": "130.129.255.93", "psid": 3, "ports": [[k * 4096 + 192, k * 4096 + 255] for k in range(1, 16)],
                "ipv6": "2001:3e8:6000:43:0:8281:ff5d:3"}
    ces = [shownet_map_ce()["ce"], other_ce]
    files, results = render_and_check(intent({"map": {**br, "role": "br", "uplink": "up0", "ces": ces}}, node="map-br-1"))
    assert all(r.ok for r in results), results
    script, rules = by_path(files)["iproute2/map.sh"], by_path(files)["nftables/map.nft"]
    assert "ip -6 addr replace 2001:3e8:0:2900::1/128 dev wan0" in script
    assert "ip -6 tunnel add map0-1 mode ipip6 local 2001:3e8:0:2900::1 remote 2001:3e8:6000:43:0:8281:ff5d:3" in script
    assert "ip route replace default dev map0-1 table 1001" in script and "ip rule add fwmark 1001 table 1001" in script
    assert ("ip daddr 130.129.255.93 meta l4proto { tcp, udp } th dport { 4224-4287, 8320-8383," in rules
            and "61568-61631 } meta mark set 1000" in rules)
    assert "4288-4351, 8384-8447," in rules and f'oifname {{ "map0-0", "map0-1" }} {MSS_CLAMP}' in rules


# A second ShowNet-style domain block: 130.129.255.96/30 shared four ways (PSID offset 4, length 2) under a /52.
NEIGHBOUR_FMR = {"ipv6": "2001:3e8:6100::/52", "ipv4": "130.129.255.96/30", "ea_len": 4, "psid_offset": 4, "psid_len": 2}


def test_forwarding_mapping_rule_gives_a_tunnel_to_each_ce_it_maps() -> None:
    files, results = render_and_check(intent({"map": {**shownet_map_ce(), "fmrs": [NEIGHBOUR_FMR]}}, node="map-ce-42"))
    assert all(r.ok for r in results), results  # the script ran in a namespace, and `down` removed all 17 tunnels
    script, rules = by_path(files)["iproute2/map.sh"], by_path(files)["nftables/map.nft"]
    assert script.count("ip -6 tunnel add map0-") == 16
    # 130.129.255.98 port 7200: A=1, PSID 0b11; EA bits = suffix 2 . PSID 3 = 0xb, so the CE prefix is
    # 2001:3e8:6100:b00::/56 and its address ends in 0:8281:ff62:3 (RFC 7597 sections 5.2 and 6).
    assert ("ip -6 tunnel add map0-11 mode ipip6 local 2001:3e8:6000:42::1 remote 2001:3e8:6100:b00:0:8281:ff62:3"
            " dev wan0 encaplimit none") in script
    assert "ip route replace default dev map0-11 table 1011" in script and "ip rule add fwmark 1011 table 1011" in script
    assert "ip daddr 130.129.255.98 meta l4proto { tcp, udp } th dport { 7168-8191, 11264-12287," in rules
    assert "64512-65535 } meta mark set 1011" in rules
    assert "type route hook output priority mangle" in rules and "type filter hook prerouting priority mangle" in rules
    # Traffic to the other CEs leaves from the shared address and port set as well.
    assert 'oifname { "map0", "map0-0", "map0-1",' in rules and '"map0-15" } meta l4proto { tcp, udp, icmp } snat' in rules


def test_forwarding_mapping_rules_mapping_too_many_ces_are_refused() -> None:
    wide = {"ipv6": "2001:3e8:6000::/55", "ipv4": "130.129.255.88/29", "ea_len": 9, "psid_offset": 4, "psid_len": 6}
    with pytest.raises(IntentError, match="roles.map.fmrs: map more than 256 CEs"):
        render_intent(intent({"map": {**shownet_map_ce(), "fmrs": [wide]}}))


def test_a_br_needs_its_ipv4_side_and_map_t_is_refused() -> None:
    br = {key: value for key, value in shownet_map_ce().items() if key != "ce"}
    with pytest.raises(IntentError, match="roles.map.uplink: missing"):
        render_intent(intent({"map": {**br, "role": "br"}}))
    with pytest.raises(IntentError, match="MAP-T has no Linux renderer"):
        render_intent(intent({"map": {**shownet_map_ce(), "variant": "map-t"}}))


def test_shownet_dslite_b4_and_aftr() -> None:
    files, results = render_and_check(intent({"dslite": shownet_dslite_b4()}))
    assert all(r.ok for r in results), results
    assert "remote 2001:db8:a10:a10::99" in by_path(files)["iproute2/dslite.sh"]
    assert "ip addr replace 192.0.0.2/29 dev dslite0" in by_path(files)["iproute2/dslite.sh"]
    files, results = render_and_check(intent({"dslite": shownet_dslite_aftr()}))
    assert all(r.ok for r in results), results
    rules = by_path(files)["nftables/dslite.nft"]
    assert 'oifname "up0" ip saddr { 192.168.1.0/24 } snat ip to 203.0.113.8-203.0.113.15' in rules and MSS_CLAMP in rules


def test_shownet_clat_is_tayga_mapping_its_ipv4_address() -> None:
    files, results = render_and_check(intent({"xlat464": shownet_clat()}))
    assert all(r.ok for r in results), results
    assert "prefix 2001:10:10:10:10:10::/96" in by_path(files)["tayga/clat.conf"]
    assert "map 192.0.0.1 2001:db8::c0a8:101" in by_path(files)["tayga/clat.conf"]
    assert "ip -6 neigh replace proxy 2001:db8::c0a8:101 dev wan0" in by_path(files)["iproute2/clat.sh"]


def test_a_plat_is_the_nat64_role() -> None:
    plat = {"role": "plat", "plat_prefix": "2001:10:10:10:10:10::/96"}
    with pytest.raises(IntentError, match="roles.xlat464.plat_prefix: a PLAT is this node's nat64 role"):
        render_intent(intent({"xlat464": plat}))
    nat64 = {"implementation": "jool", "pool6": "2001:10:10:10:10:10::/96", "pool4": [{"prefix": "203.0.113.0/26"}]}
    assert [f.path for f in render_intent(intent({"xlat464": plat, "nat64": nat64}))] == ["jool/jool.json"]


def test_sa46t_has_a_tunnel_per_peer() -> None:
    files, results = render_and_check(intent({"sa46t": wide_sa46t()}))
    assert all(r.ok for r in results), results
    script = by_path(files)["iproute2/sa46t.sh"]
    assert "ip route replace 198.51.100.0/24 dev sa46t0" in script and "ip route replace 203.0.113.0/25 dev sa46t1" in script
    assert f'oifname {{ "sa46t0", "sa46t1" }} {MSS_CLAMP}' in by_path(files)["nftables/sa46t.nft"]


def test_a_script_whose_down_leaves_a_link_is_refused() -> None:
    up = "ip link show t0 >/dev/null 2>&1 || ip -6 tunnel add t0 mode ipip6 local 2001:db8::1 remote 2001:db8::2\n"
    result = check_text("iproute2", "iproute2/x.sh", f"#!/bin/bash\nset -eu\n{up}")
    assert (result.ok, result.message) == (False, "down leaves t0")
    down = 'if [ "${1:-}" = down ]; then ip link delete t0; exit 0; fi\n'
    assert check_text("iproute2", "iproute2/x.sh", f"#!/bin/bash\nset -eu\n{down}{up}").ok


def test_broken_nftables_and_tunnel_lines_are_refused() -> None:
    result = check_text("nftables", "nftables/x.nft", "table ip t {\n chain c { type nat hook postrouting priority srcnat;\n"
                        " snat ip to 192.0.2.1 : 1024-2047\n }\n}\n")
    assert not result.ok and "transport protocol" in result.message
    result = check_text("iproute2", "iproute2/x.sh", "#!/bin/bash\nset -eu\nip -6 tunnel add t0 mode sit local 2001:db8::1\n")
    assert not result.ok and "mode sit is not ipip6" in result.message
    result = check_text("iproute2", "iproute2/x.sh", "#!/bin/bash\nif then\n")
    assert not result.ok and "syntax error" in result.message


@given(NASTY_TEXT)
@INJECTION_SETTINGS
def test_free_text_cannot_change_the_structure(description: str) -> None:
    roles = {"map": shownet_map_ce(), "dslite": {**shownet_dslite_b4(), "wan": "wan1"}}
    assert_contained(intent(roles, description=description), intent(roles))


def _echo_request(identifier: int) -> bytes:
    header = struct.pack("!BBHHH", 8, 0, 0, identifier, 1)
    total = sum(struct.unpack("!4H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return struct.pack("!BBHHH", 8, 0, ~total & 0xFFFF, identifier, 1)


def _echo_reply_identifier(raw: socket.socket) -> int:
    while True:
        packet = raw.recv(2048)
        icmp = packet[(packet[0] & 0x0F) * 4:]
        if icmp[0] == 0:  # echo reply (the raw socket also sees other ICMP)
            return struct.unpack("!H", icmp[4:6])[0]


def test_map_e_ce_icmp_echo_identifiers_leave_inside_the_port_set(tmp_path) -> None:
    """The rendered table loaded in a namespace: a ping through the CE leaves with an identifier from its ports."""
    rules = by_path(render_intent(intent({"map": shownet_map_ce()}, node="map-ce-42")))["nftables/map.nft"]
    (tmp_path / "map.nft").write_text(rules)
    ports = ", ".join(f"{first}-{last}" for first, last in SHOWNET_MAP_PORTS)
    (tmp_path / "seen.nft").write_text(
        "table ip seen {\n chain input {\n  type filter hook input priority 0;\n"
        f"  icmp type echo-request icmp id {{ {ports} }} counter name inside\n"
        "  icmp type echo-request counter name pings\n }\n counter inside {}\n counter pings {}\n}\n")
    with namespaces("ce", "far") as (ce, far):
        veth(ce, "map0", far, "ce0")
        ip("-n", ce, "addr", "add", "130.129.255.93/32", "dev", "map0")
        ip("-n", ce, "route", "add", "198.51.100.0/24", "dev", "map0")
        ip("-n", far, "addr", "add", "198.51.100.1/24", "dev", "ce0")
        ip("-n", far, "route", "add", "130.129.255.93/32", "dev", "ce0")
        for namespace, table in ((ce, "map.nft"), (far, "seen.nft")):
            loaded = in_namespace(namespace, "nft", "-f", str(tmp_path / table))
            assert loaded.returncode == 0, loaded.stderr
        with entered(ce), socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as raw:
            raw.settimeout(2)
            # Identifiers 1-3 lie in 0-4095, which PSID offset 4 keeps from every CE: left alone they would leave as is.
            for identifier in (1, 2, 3):
                raw.sendto(_echo_request(identifier), ("198.51.100.1", 0))
                assert _echo_reply_identifier(raw) == identifier  # the reply finds its way back, un-NATed
        counters = in_namespace(far, "nft", "list", "counters").stdout
        assert counters.count("packets 3 ") == 2, counters
