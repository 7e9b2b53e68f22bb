"""Collectors against this machine: Jool's tools are installed but its kernel module cannot load here, so the Jool
collector fails, saying why, and the others still report."""
from gateways.agentconfig import StatsSettings
from gateways.intent import validate_intent
from gateways.stats import gather


def test_a_failing_collector_costs_only_its_own_keys():
    roles = validate_intent({"schema": 1, "node": "jool-1", "roles": {"nat64": {
        "implementation": "jool", "pool6": "64:ff9b::/96", "pool4": [{"prefix": "192.0.2.0/28"}]}}})["roles"]
    stats = gather(StatsSettings(), roles)
    assert set(stats["errors"]) == {"jool"}
    assert stats["errors"]["jool"].startswith("jool -i default stats display --csv --no-headers: exit 253: Error: "
                                              "Jool's socket family doesn't seem to exist.")
    assert not any(key.startswith("nat64:") for key in stats["gauges"])
    assert stats["counters"]  # the interface counters of this machine


def test_a_nat64_path_that_does_not_answer_is_a_failed_probe_saying_why():
    from gateways.probes import run_probes

    roles = validate_intent({"schema": 1, "node": "nat64-1", "roles": {"nat64": {
        "implementation": "jool", "pool6": "2001:db8:64::/96", "probe_url": "http://192.0.2.10/"}}})["roles"]
    probes = run_probes(StatsSettings(timeout=2), roles)
    assert probes["values"] == {"probe:nat64:ok": 0}
    # To the target's address under the NAT64 prefix, which nothing routes on this machine.
    assert probes["errors"]["nat64"].startswith("curl -sS -o /dev/null --max-time 2 --connect-to "
                                                "'192.0.2.10:80:[2001:db8:64::c000:20a]:80'")
