"""CSV import: a preview, per-row errors, and nothing written if any row is bad."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opsconsole.registration.models import Device, Participant, Source

pytestmark = pytest.mark.django_db

HEADER = "name,affiliation,email,active_until,mac,label,os,vlans\n"


def upload(client, text: str, **extra):
    return client.post("/registration/import/", {"file": SimpleUploadedFile("p.csv", text.encode()), **extra})


def test_preview_then_import(helpdesk_client, nowep_vlan):
    text = HEADER + "Ann,WIDE,ann@example.org,2030-09-01 18:00,aa-bb-cc-00-00-01,laptop,macos,40\nAnn,WIDE,ann@example.org,2030-09-01 18:00,aabb.cc00.0002,phone,ios,\n"

    preview = upload(helpdesk_client, text)
    assert preview.status_code == 200 and "1 participants and 2 devices" in preview.content.decode()
    assert not Participant.objects.exists()

    helpdesk_client.post("/registration/import/", {"content": text, "confirm": "1"})
    assert Participant.objects.get().name == "Ann"
    assert sorted(Device.objects.values_list("mac", flat=True)) == ["aa:bb:cc:00:00:01", "aa:bb:cc:00:00:02"]
    assert Device.objects.get(mac="aa:bb:cc:00:00:01").source == Source.IMPORT


def test_a_bad_row_is_named_and_nothing_is_written(helpdesk_client, nowep_vlan):
    rows = ["Ann,WIDE,ann@example.org,2030-09-01,aa:bb:cc:00:00:01,,,"] * 1 + [f"P{n},X,p{n}@example.org,2030-09-01,,,," for n in range(4)]
    rows += ["Bad,X,bad@example.org,2030-09-01,01:00:5e:00:00:01,,,", "Late,X,late@example.org,someday,,,,"]
    response = helpdesk_client.post("/registration/import/", {"content": HEADER + "\n".join(rows) + "\n", "confirm": "1"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "row 7, mac: 01:00:5e:00:00:01 is a multicast address" in page
    assert "row 8, active_until: “someday” is not a date" in page
    assert not Participant.objects.exists() and not Device.objects.exists()


def test_a_vlan_that_takes_no_registrations_is_named(helpdesk_client, nowep_vlan):
    from opsconsole.plan.models import Vlan

    Vlan.objects.create(vid=81, name="nat64", purpose="NAT64 boxes")
    rows = ["Ann,WIDE,ann@example.org,2030-09-01,aa:bb:cc:00:00:01,,,40 81", "Bob,WIDE,bob@example.org,2030-09-01,aa:bb:cc:00:00:02,,,99"]
    response = helpdesk_client.post("/registration/import/", {"content": HEADER + "\n".join(rows) + "\n", "confirm": "1"})

    page = response.content.decode()
    assert "row 2, vlans: VLAN 81 takes no registrations" in page and "row 3, vlans: VLAN 99 is not in the plan." in page
    assert not Device.objects.exists()
