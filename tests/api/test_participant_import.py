"""Participants and devices from CSV over the API, as on the helpdesk's import page: a preview that writes nothing, an
import of every row or of none, with the page's messages and its size limit."""
from opsconsole.audit.models import AuditEntry
from opsconsole.registration.importer import MAX_BYTES
from opsconsole.registration.models import Device, Participant, Source

URL = "/api/v1/participants/import/"
HEADER = "name,affiliation,email,active_until,mac,label,os,vlans\n"
ANN = (HEADER + "Ann,WIDE,ann@example.org,2030-09-01 18:00,aa-bb-cc-00-00-01,laptop,macos,40\n"
       "Ann,WIDE,ann@example.org,2030-09-01 18:00,aabb.cc00.0002,phone,ios,\n")


def test_a_preview_writes_nothing_and_the_import_writes_every_row(helpdesk_api, helpdesk_user, nowep_vlan):
    preview = helpdesk_api("post", URL, {"csv": ANN})

    assert preview.status_code == 200
    assert preview.json() == {"applied": False, "participants": 1, "devices": 2, "rows": [
        {"number": 2, "name": "Ann", "affiliation": "WIDE", "email": "ann@example.org",
         "active_until": "2030-09-01 18:00", "mac": "aa-bb-cc-00-00-01", "label": "laptop", "os": "macos", "vlans": "40"},
        {"number": 3, "name": "Ann", "affiliation": "WIDE", "email": "ann@example.org",
         "active_until": "2030-09-01 18:00", "mac": "aabb.cc00.0002", "label": "phone", "os": "ios", "vlans": ""}]}
    assert not Participant.objects.exists() and not AuditEntry.objects.filter(via="api").exists()

    imported = helpdesk_api("post", URL, {"csv": ANN, "apply": True}, REMOTE_ADDR="2001:db8::9")

    assert imported.status_code == 200 and imported.json()["applied"] is True
    assert Participant.objects.get().name == "Ann"
    assert sorted(Device.objects.values_list("mac", "source", "registered_by")) == [
        ("aa:bb:cc:00:00:01", Source.IMPORT, helpdesk_user.pk), ("aa:bb:cc:00:00:02", Source.IMPORT, helpdesk_user.pk)]
    trail = AuditEntry.objects.filter(via="api", action=AuditEntry.Action.CREATE,
                                      object_type__in=("registration.Participant", "registration.Device"))
    assert sorted(trail.values_list("object_type", flat=True)) == [
        "registration.Device", "registration.Device", "registration.Participant"]
    assert set(trail.values_list("actor_id", "remote_addr")) == {(helpdesk_user.pk, "2001:db8::9")}


def test_a_bad_row_is_named_and_nothing_is_written(helpdesk_api, nowep_vlan):
    rows = HEADER + ("Ann,WIDE,ann@example.org,2030-09-01,aa:bb:cc:00:00:01,,,\n"
                     "Bad,X,bad@example.org,2030-09-01,01:00:5e:00:00:01,,,\n"
                     "Late,X,late@example.org,someday,,,,\n"
                     "Far,X,far@example.org,2030-09-01,aa:bb:cc:00:00:09,,,41\n")

    response = helpdesk_api("post", URL, {"csv": rows, "apply": True})

    assert response.status_code == 400
    assert response.json() == {"csv": [
        "row 3, mac: 01:00:5e:00:00:01 is a multicast address, not a device (its first byte is odd).",
        "row 4, active_until: “someday” is not a date and time such as 2026-09-30 18:00.",
        "row 5, vlans: VLAN 41 is not in the plan."]}
    assert not Participant.objects.exists() and not Device.objects.exists()


def test_the_pages_header_rule_and_size_limit_hold(helpdesk_api, nowep_vlan):
    assert helpdesk_api("post", URL, {"csv": "who,mac\nAnn,aa:bb:cc:00:00:01\n"}).json() == {"csv": [
        "row 1: the header must name the columns name, affiliation, email, active_until, mac, label, os, vlans "
        "(unknown: who)."]}
    too_large = helpdesk_api("post", URL, {"csv": HEADER + "x" * MAX_BYTES})
    assert too_large.status_code == 400
    assert too_large.json() == {"csv": ["The file is larger than 1 MB; split it into smaller files."]}
