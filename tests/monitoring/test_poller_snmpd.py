"""The real poller against a real net-snmp snmpd on loopback, and a device where nothing listens."""
import asyncio
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from opsconsole.monitoring.models import Sample, SnmpDevice
from opsconsole.monitoring.poller import Engines, Target, poll_all, v2c, v3
from opsconsole.monitoring.readings import VendorTable
from tests.snmpd import COMMUNITY, V3_AUTH_KEY, V3_PRIV_KEY, V3_USER, free_udp_port, running_snmpd

# net-snmp's nsExtendOutput1Line column: one row per `extend`, indexed by the extend's name.
EXTEND_OUTPUT = "1.3.6.1.4.1.8072.1.3.2.3.1.1"
TICKS_ROW = "5." + ".".join(str(ord(c)) for c in "ticks")


@pytest.fixture(scope="module")
def snmpd(tmp_path_factory):
    with running_snmpd(tmp_path_factory.mktemp("snmpd")) as agent:
        yield agent


async def poll_twice(targets, budget):
    engines = Engines()
    try:
        first = await poll_all(engines, targets, budget, concurrency=10)
        second = await poll_all(engines, targets, budget, concurrency=10)
    finally:
        engines.close()
    return first, second


def test_the_poller_walks_interfaces_and_a_vendor_table_and_a_dead_device_costs_only_its_budget(snmpd):
    live = Target(1, "127.0.0.1", snmpd.port, v2c(COMMUNITY), (VendorTable("ticks", EXTEND_OUTPUT),))
    dead = Target(2, "127.0.0.1", free_udp_port(), v2c(COMMUNITY))
    first, second = asyncio.run(poll_twice([dead, live], budget=1.0))

    for dead_outcome, outcome in (first, second):
        assert outcome.error == "" and outcome.seconds < dead_outcome.seconds  # not held up by the dead device
        names = {interface.name for interface in outcome.reading.interfaces.values()}
        assert "lo" in names
    # The extend script counts its own runs; snmpd caches its output for 5 s, so it may not have moved yet.
    assert second[1].reading.tables["ticks"][TICKS_ROW] >= first[1].reading.tables["ticks"][TICKS_ROW] >= 1
    for outcome in (first[0], second[0]):
        # The budget is asyncio's wait_for: it ends the poll on time unless the loop itself is starved (loaded CI).
        assert outcome.reading is None and outcome.error and outcome.seconds <= 2


def test_snmpv3_devices_with_one_user_name_and_different_keys_each_use_their_own_keys(snmpd):
    target = Target(1, "127.0.0.1", snmpd.port, v3(V3_USER, "sha", V3_AUTH_KEY, "aes", V3_PRIV_KEY))
    wrong = Target(2, "127.0.0.1", snmpd.port, v3(V3_USER, "sha", "not-the-auth-key", "aes", V3_PRIV_KEY))
    # SNMPv3 costs an engine discovery round trip and pure-Python crypto: a roomier budget on a loaded machine.
    for good, bad in asyncio.run(poll_twice([target, wrong], budget=3.0)):
        assert good.reading.uptime_ticks > 0 and good.reading.interfaces
        assert bad.reading is None and bad.error


def device(name, port, **fields) -> SnmpDevice:
    switch = SnmpDevice(name=name, address="127.0.0.1", port=port, kind=SnmpDevice.Kind.SWITCH, **fields)
    switch.set_secrets(community=COMMUNITY, auth_key=V3_AUTH_KEY, priv_key=V3_PRIV_KEY)
    switch.full_clean()
    switch.save()
    return switch


@pytest.mark.django_db(transaction=True)
def test_the_poller_command_stores_rates_of_lo_and_marks_a_dead_device_unreachable(snmpd, caplog):
    live = device("core-sw1", snmpd.port)
    live_v3 = device("core-sw2", snmpd.port, version="v3", v3_user=V3_USER, auth_protocol="sha", priv_protocol="aes")
    dead = device("edge-ap7", free_udp_port())
    caplog.set_level("INFO", logger="opsconsole.monitoring.poller")

    # snmpd caches its interface counters for a few seconds: cycles closer than that would see no change on lo.
    call_command("snmp_poller", interval=5, budget=2, cycles=2)

    lines = [record.getMessage() for record in caplog.records if record.name == "opsconsole.monitoring.poller"]
    assert len(lines) == 2, lines
    for line in lines:
        cycle = re.fullmatch(r"cycle \d: 3 devices, 2 answered, 1 unreachable, (\d+) samples in ([\d.]+) s", line)
        assert cycle and float(cycle[2]) < 4, line  # the dead device's budget bounds the cycle
    for switch in (live, live_v3, dead):
        switch.refresh_from_db()
    assert live.state == live_v3.state == SnmpDevice.State.UP
    assert dead.state == SnmpDevice.State.UNREACHABLE and dead.last_error

    stamps = sorted(set(Sample.objects.filter(series__device=live).values_list("at", flat=True)))
    assert len(stamps) == 2 and 4.8 <= (stamps[1] - stamps[0]).total_seconds() <= 5.5  # polled on time
    # The polls themselves cross lo, so its input counter moved between the two cycles.
    rate = Sample.objects.get(series__device=live, series__key="if:lo:in-bps")
    assert rate.value > 0 and rate.at == stamps[1]
    assert not Sample.objects.filter(series__device=dead).exists()


def test_a_budget_as_long_as_the_interval_is_refused():
    with pytest.raises(CommandError, match="shorter than the interval"):
        call_command("snmp_poller", interval=10, budget=10, cycles=1)
