"""The public wall view: off (404) until the NOC switches it on (audited); then anonymous and read-only, public
panels only, aggregates only: no MAC, participant name or user name."""
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.dashboard.models import WallSetting
from opsconsole.radius.models import RadAcct, RadPostAuth
from opsconsole.registration.models import Device

from ..registration.conftest import make_participant, nowep_vlan  # noqa: F401  (shared fixture)

pytestmark = pytest.mark.django_db
MAC = "00:1b:63:00:00:77"
NAME = "Mallory Wallflower"


def switch_wall(client, on: bool):
    return client.post("/dashboard/wall-setting/", {"public_wall": "true" if on else "false"})


def someone_online(vlan) -> None:
    device = Device.objects.create(participant=make_participant(name=NAME, email="mallory@example.org"), mac=MAC)
    device.vlans.set([vlan])
    now = timezone.now()
    RadAcct.objects.create(acctsessionid="77", acctuniqueid="u77", username=MAC, nasipaddress="127.0.0.1",
                           acctstarttime=now - timedelta(minutes=5), calledstationid="02-00-00-00-00-01:widecamp-nowep",
                           callingstationid=MAC, acctterminatecause="")
    RadPostAuth.objects.create(username="00:1b:63:00:00:78", reply="Access-Reject", calledstationid="x:widecamp-nowep",
                               callingstationid="00:1b:63:00:00:78", authdate=now, reason="MAC not registered")


def test_the_wall_is_not_there_until_the_noc_switches_it_on(client, noc_user):
    assert client.get("/wall/").status_code == 404
    assert client.get("/wall/panels/").status_code == 404
    client.force_login(noc_user)
    assert switch_wall(client, True).status_code == 302
    assert WallSetting.load().public_wall
    entry = AuditEntry.objects.get(object_type="dashboard.WallSetting")
    assert (entry.actor_label, entry.after["public_wall"]) == ("alice-noc", True)
    client.logout()
    assert client.get("/wall/").status_code == 200

    client.force_login(noc_user)
    switch_wall(client, False)
    client.logout()
    assert client.get("/wall/").status_code == 404
    assert AuditEntry.objects.filter(object_type="dashboard.WallSetting").count() == 2


def test_helpdesk_and_participants_cannot_switch_it(client, helpdesk_user, participant_user):
    for user in (helpdesk_user, participant_user):
        client.force_login(user)
        assert switch_wall(client, True).status_code == 403
    assert not WallSetting.load().public_wall


def test_anonymous_readers_see_aggregates_and_nothing_personal(client, noc_user, nowep_vlan):
    someone_online(nowep_vlan)
    WallSetting.objects.update_or_create(pk=1, defaults={"public_wall": True})
    staff_page = client.force_login(noc_user) or client.get("/dashboard/").content.decode()
    assert MAC in staff_page and NAME in staff_page  # the staff dashboard does show them: the test can fail
    client.logout()

    for url in ("/wall/", "/wall/panels/"):
        page = client.get(url).content.decode()
        assert 'id="panel-users"' in page and 'id="panel-uplinks"' in page
        assert 'id="panel-recent"' not in page and 'id="panel-nodes"' not in page
        assert '<span data-figure="online">1</span>' in page and "widecamp-nowep" in page
        for personal in (MAC, MAC.replace(":", ""), "00:1b:63:00:00:78", NAME, "Mallory", noc_user.username,
                         "mallory@example.org"):
            assert personal not in page, personal
        assert "ws-connect" not in page and "data-live" not in page and 'method="post"' not in page.split("<main>")[-1]
