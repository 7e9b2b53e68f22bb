"""The NOC marks SNMP interfaces as uplinks (validated, audited); the dashboard shows their rates and saturation from
the samples the poller stores."""
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.dashboard.models import Uplink
from opsconsole.dashboard.saturation import level, rate_label, saturation_percent
from opsconsole.monitoring import store
from opsconsole.monitoring.models import SnmpDevice
from opsconsole.monitoring.poller import Outcome
from opsconsole.monitoring.readings import Interface, Reading

pytestmark = pytest.mark.django_db
GIGABIT = 1000


def polled_router() -> SnmpDevice:
    """A border router polled twice, 30 s apart: 600 Mb/s in and 100 Mb/s out on its 1 Gb/s upstream port."""
    router = SnmpDevice(name="border-rt1", address="192.0.2.1", kind=SnmpDevice.Kind.SWITCH)
    router.set_secrets(community="s3cret-community")
    router.save()
    previous = {}
    start = timezone.now() - timedelta(minutes=1)
    for step, seconds in enumerate((0, 30)):
        interfaces = {"1": Interface("xe-0/0/0", 600_000_000 * seconds // 8, 100_000_000 * seconds // 8, GIGABIT, True),
                      "2": Interface("ge-0/0/9", 0, 0, GIGABIT, True)}
        store.record_cycle([Outcome(router.pk, Reading(float(seconds), 100 + step * 3000, interfaces))], previous,
                           start + timedelta(seconds=seconds))
    return router


def test_the_noc_marks_an_uplink_and_the_dashboard_shows_how_full_it_is(noc_client):
    router = polled_router()
    response = noc_client.post("/dashboard/uplinks/", {"device": router.pk, "interface": "xe-0/0/0",
                                                       "label": "WIDE upstream", "capacity_mbps": ""})
    assert response.status_code == 302
    uplink = Uplink.objects.get()
    entry = AuditEntry.objects.get(object_type="dashboard.Uplink")
    assert (entry.action, entry.actor_label, entry.after["interface"]) == ("create", "alice-noc", "xe-0/0/0")

    page = noc_client.get("/dashboard/").content.decode()
    panel = page[page.index('id="panel-uplinks"'):]
    assert "WIDE upstream" in panel and "600 Mb/s" in panel and "100 Mb/s" in panel
    assert 'data-saturation="warn"' in panel and "60 % full" in panel
    assert '"unit": "bps"' in panel and "600000000.0" in panel  # the chart's samples, for uPlot

    assert noc_client.post(f"/dashboard/uplinks/{uplink.pk}/remove/").status_code == 302
    assert not Uplink.objects.exists()
    assert AuditEntry.objects.filter(object_type="dashboard.Uplink", action="delete").count() == 1


def test_a_contracted_capacity_below_the_link_speed_counts(noc_client):
    router = polled_router()
    noc_client.post("/dashboard/uplinks/", {"device": router.pk, "interface": "xe-0/0/0", "capacity_mbps": "700"})
    page = noc_client.get("/dashboard/").content.decode()
    assert 'data-saturation="bad"' in page and "86 % full" in page


def test_an_interface_the_polls_never_saw_is_refused_plainly(noc_client):
    router = polled_router()
    response = noc_client.post("/dashboard/uplinks/", {"device": router.pk, "interface": "xe-9/9/9"})
    assert response.status_code == 200
    assert "border-rt1 has not reported an interface “xe-9/9/9”" in response.content.decode()
    response = noc_client.post("/dashboard/uplinks/", {"device": router.pk, "interface": "xe-0/0/0",
                                                       "capacity_mbps": "0"})
    assert "greater than or equal to 1" in response.content.decode()
    assert not Uplink.objects.exists() and not AuditEntry.objects.filter(object_type="dashboard.Uplink").exists()


def test_the_uplinks_page_lists_the_interfaces_the_polls_have_seen(noc_client):
    polled_router()
    page = noc_client.get("/dashboard/uplinks/").content.decode()
    assert "ge-0/0/9, xe-0/0/0" in page


def test_only_the_noc_marks_uplinks(helpdesk_client):
    router = polled_router()
    assert helpdesk_client.get("/dashboard/uplinks/").status_code == 403
    assert helpdesk_client.post("/dashboard/uplinks/", {"device": router.pk, "interface": "xe-0/0/0"}).status_code == 403
    assert not Uplink.objects.exists()


@pytest.mark.parametrize("in_bps, out_bps, capacity, percent, badge", [
    (600e6, 100e6, 1000, 60.0, "warn"), (100e6, 900e6, 1000, 90.0, "bad"), (1e6, None, 10, 10.0, "ok"),
    (None, None, 1000, None, ""), (5e6, 5e6, None, None, ""), (5e6, 5e6, 0, None, ""),
])
def test_saturation_is_the_busier_direction_over_the_capacity(in_bps, out_bps, capacity, percent, badge):
    assert saturation_percent(in_bps, out_bps, capacity) == percent
    assert level(percent) == badge


@pytest.mark.parametrize("bps, label", [(None, "—"), (512, "512 b/s"), (950_000, "950 kb/s"), (12_345_678, "12.3 Mb/s"),
                                        (1_050_000_000, "1.05 Gb/s"), (250e6, "250 Mb/s")])
def test_rates_read_at_a_glance(bps, label):
    assert rate_label(bps) == label
