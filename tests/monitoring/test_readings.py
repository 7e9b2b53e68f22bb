"""The poller's pure logic: rates from counters (wraps, resets, restarts), table rows, vendor profiles."""
import pytest

from opsconsole.monitoring.models import VENDOR_DIR
from opsconsole.monitoring.readings import (
    Interface, ProfileError, Reading, load_vendor_tables, octet_rate_bps, restarted, samples, split_columns,
)


def test_a_rate_is_bits_per_second_between_two_readings():
    assert octet_rate_bps(1_000, 1_000 + 125_000, 10, speed_mbps=1000) == 100_000


def test_a_32_bit_counter_that_went_down_wrapped():
    assert octet_rate_bps(2**32 - 1_000, 24_000, 1, speed_mbps=1000, bits=32) == 25_000 * 8


def test_a_64_bit_counter_that_went_down_was_reset_not_wrapped():
    assert octet_rate_bps(5_000_000, 10, 30, speed_mbps=10_000) is None


def test_without_a_speed_a_decrease_gives_no_rate():
    assert octet_rate_bps(2**32 - 10, 10, 1, speed_mbps=None, bits=32) is None
    assert octet_rate_bps(None, 10, 1, speed_mbps=100) is None
    assert octet_rate_bps(10, 20, 0, speed_mbps=100) is None


def test_a_rate_above_the_link_speed_is_not_believed():
    assert octet_rate_bps(0, 2_000_000, 1, speed_mbps=10) is None  # 16 Mb/s on a 10 Mb/s link


def test_a_lower_uptime_is_a_restart():
    assert restarted(500_000, 1_200)
    assert not restarted(1_200, 4_200)


def reading(at, uptime, in_octets, out_octets, tables=None):
    return Reading(taken_at=at, uptime_ticks=uptime, tables=tables or {}, interfaces={
        "2": Interface(name="eth0", in_octets=in_octets, out_octets=out_octets, speed_mbps=1000, up=True)})


def test_two_readings_give_rates_state_speed_and_uptime():
    values = dict(samples(reading(0.0, 100, 0, 0), reading(30.0, 3100, 3_750_000, 375_000)))
    assert values == {"uptime-s": 31.0, "if:eth0:up": 1.0, "if:eth0:speed-mbps": 1000.0,
                      "if:eth0:in-bps": 1_000_000.0, "if:eth0:out-bps": 100_000.0}


def test_after_a_restart_there_is_no_rate_for_that_interval():
    values = dict(samples(reading(0.0, 900_000, 10**9, 10**9), reading(30.0, 500, 1_000, 1_000)))
    assert "if:eth0:in-bps" not in values and values["if:eth0:up"] == 1.0


def test_the_first_reading_has_no_rate_but_vendor_tables_count():
    values = dict(samples(None, reading(0.0, 1, 0, 0, tables={"clients-per-ssid": {"1": 42, "2": 7}})))
    assert "if:eth0:in-bps" not in values
    assert values["clients-per-ssid:1"] == 42.0 and values["clients-per-ssid:2"] == 7.0


def test_walked_values_are_grouped_by_row_index_even_when_the_index_is_a_mac_and_slot():
    columns = {"name": "1.3.6.1.2.1.31.1.1.1.1", "in_octets": "1.3.6.1.2.1.31.1.1.1.10",
               "users": "1.3.6.1.4.1.14179.2.2.2.1.15"}
    rows = split_columns([(".1.3.6.1.2.1.31.1.1.1.1.1", "lo"), ("1.3.6.1.2.1.31.1.1.1.10.1", 5),
                          ("1.3.6.1.4.1.14179.2.2.2.1.15.0.17.34.51.68.85.1", 9),
                          ("1.3.6.1.2.1.99.1", "not asked for")], columns)
    assert rows == {"1": {"name": "lo", "in_octets": 5}, "0.17.34.51.68.85.1": {"users": 9}}


def test_the_shipped_cisco_profile_names_the_airespace_client_counts():
    tables = {table.series: table.oid for table in load_vendor_tables((VENDOR_DIR / "cisco-wlc.yaml").read_text())}
    assert tables == {"clients-per-radio": "1.3.6.1.4.1.14179.2.2.2.1.15",
                      "clients-per-ssid": "1.3.6.1.4.1.14179.2.1.1.1.38"}


@pytest.mark.parametrize("text, message", [
    ("vendor: x\n", "non-empty list"),
    ("tables:\n  - series: users\n    oid: bsnApIfNoOfUsers\n", "not a numeric OID"),
    ("tables:\n  - series: Users Per AP\n    oid: 1.3.6.1\n", "lower-case"),
    ("tables:\n  - series: users\n    oid: 1.3.6.1\n    scale: 2\n", "exactly"),
])
def test_a_bad_vendor_profile_is_refused_with_the_reason(text, message):
    with pytest.raises(ProfileError, match=message):
        load_vendor_tables(text)
