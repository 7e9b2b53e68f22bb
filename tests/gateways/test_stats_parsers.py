"""The statistics parsers read what the real daemons print (captured from Kea 2.2, Unbound 1.17, BIND 9.18, nft 1.0.6
and iproute2 on this system into tests/gateways/captured/), and the probes' pure parts decide rightly."""
import json
from pathlib import Path

import pytest

from gateways.probes import dig_answer, dns64_correct, largest_passing
from gateways.stats import (
    CollectorError,
    bind_stats,
    interface_counters,
    jool_sessions,
    jool_stats,
    kea_subnets,
    nft_counters,
    run_bounded,
    tayga_pool_use,
    unbound_stats,
)

CAPTURED = Path(__file__).parent / "captured"


def captured(name: str) -> str:
    return (CAPTURED / name).read_text()


def test_kea_statistics_become_pool_use_per_subnet_cidr():
    reading = kea_subnets(json.loads(captured("kea-stats.json")), {40: "192.0.2.0/24", 41: "198.51.100.0/24"})
    assert reading.gauges == {
        "kea:subnet:192.0.2.0/24:assigned": 0.0, "kea:subnet:192.0.2.0/24:total": 100.0,
        "kea:subnet:198.51.100.0/24:assigned": 0.0, "kea:subnet:198.51.100.0/24:total": 10.0,
    }


def test_a_kea_error_answer_is_a_collector_error():
    with pytest.raises(CollectorError, match="result 1: unknown command"):
        kea_subnets({"result": 1, "text": "unknown command"}, {})


def test_unbound_counters_for_dns64_health():
    counters = unbound_stats(captured("unbound-stats.txt")).counters
    assert counters["dns:queries"] == 3 and counters["dns:aaaa-queries"] == 2
    assert counters["dns:nodata"] == 1 and counters["dns:servfail"] == 0
    assert counters["dns:requestlist-exceeded"] == 0 and counters["dns:recursive-replies"] == 0


def test_unbound_output_without_totals_is_refused():
    with pytest.raises(CollectorError, match="total.num.queries"):
        unbound_stats("error: could not connect\n")


def test_bind_statistics_channel():
    counters = bind_stats(json.loads(captured("bind-server.json"))).counters
    assert counters == {"dns:queries": 3, "dns:aaaa-queries": 2, "dns:nodata": 0, "dns:servfail": 0}


def test_nft_named_counters():
    assert nft_counters(captured("nft-counters.json")).counters == {
        "nft:sa46t_in:bytes": 504, "nft:sa46t_in:packets": 6, "nft:sa46t_out:bytes": 504, "nft:sa46t_out:packets": 6}


def test_interface_counters_leave_out_loopback():
    assert interface_counters(json.loads(captured("ip-link.json"))).counters == {
        "if:eth1:in-bytes": 504, "if:eth1:out-bytes": 504}


def test_tayga_dynamic_map_against_its_pool():
    dynamic_map = "198.51.100.130 2001:db8:e2::2 1764680000\n198.51.100.131 2001:db8:e2::3 1764680100\n"
    assert tayga_pool_use(dynamic_map, "198.51.100.0/24").gauges == {
        "nat64:pool:198.51.100.0/24:used": 2, "nat64:pool:198.51.100.0/24:size": 254}
    assert tayga_pool_use("", "198.51.100.0/24").gauges["nat64:pool:198.51.100.0/24:used"] == 0


def test_jool_csv_counts():
    # Jool's kernel module cannot load on this machine: these lines follow Jool 4.1's documented CSV output.
    tcp = "TCP,2001:db8::2,58239,64:ff9b::5db8:d877,80,192.0.2.1,60477,93.184.216.119,80,00:02:57,V4_FIN_V6_FIN_RCV\n"
    assert jool_sessions([tcp, "", tcp]).gauges == {"nat64:sessions": 2}
    assert jool_stats("JSTAT_RECEIVED6,10\nJSTAT_BIB_ENTRIES,4\n").gauges == {"nat64:bib-entries": 4}


def test_dig_answers_and_query_time():
    assert dig_answer(captured("dig-aaaa.txt"), "AAAA").addresses == ["64:ff9b::c000:201"]
    assert dig_answer(captured("dig-aaaa.txt"), "AAAA").ms == 16
    assert dig_answer(captured("dig-a.txt"), "A").addresses == ["192.0.2.1"]
    with pytest.raises(CollectorError, match="no answer"):
        dig_answer(";; communications error to 127.0.0.1#53: timed out\n", "A")


def test_dns64_correctness_wants_the_a_records_under_the_nat64_prefix():
    assert dns64_correct(["192.0.0.170", "192.0.0.171"], ["64:ff9b::c000:aa", "64:ff9b::c000:ab"], "64:ff9b::/96")
    assert not dns64_correct(["192.0.0.170"], ["2001:db8:46::c000:aa"], "64:ff9b::/96")  # another prefix
    assert not dns64_correct(["192.0.0.170"], [], "64:ff9b::/96")  # no synthesis
    assert not dns64_correct(["192.0.0.170"], ["64:ff9b::c000:ab"], "64:ff9b::/96")  # another address
    assert dns64_correct(["192.0.2.33"], ["2001:db8:122:3c0:0:221::"], "2001:db8:122:300::/56")  # RFC 6052 2.4


@pytest.mark.parametrize("mtu", [68, 1279, 1280, 1400, 1499, 1500])
def test_binary_search_finds_the_largest_passing_size(mtu):
    tried = []

    def passes_at(size):
        tried.append(size)
        return size <= mtu

    assert largest_passing(passes_at, 68, 1500) == mtu
    assert len(tried) <= 13


def test_binary_search_says_none_when_nothing_passes():
    assert largest_passing(lambda size: False, 68, 1500) is None


def test_a_hanging_collector_costs_only_itself():
    import threading

    release = threading.Event()
    results, errors = run_bounded({"fine": lambda: 1, "hangs": lambda: release.wait(30),
                                   "fails": lambda: 1 / 0}, deadline=0.5)
    release.set()
    assert results == {"fine": 1}
    assert errors["hangs"] == "no result within 0.5 s"
    assert errors["fails"].startswith("ZeroDivisionError")


def test_without_extended_statistics_unbound_reports_no_rcodes_rather_than_zeros():
    plain = "\n".join(line for line in captured("unbound-stats.txt").splitlines() if not line.startswith("num."))
    assert "dns:servfail" not in unbound_stats(plain).counters and "dns:aaaa-queries" not in unbound_stats(plain).counters
