"""Deleting a participant whose device still has an open RADIUS session, in the admin as a NOC operator, one or
several at once: the session is asked to end at its NAS, the request is kept (its participant emptied), nothing
fails. (The delete's audit entry, whichever channel deletes, is tested in tests/audit/test_trail.py.)"""
import pytest

from opsconsole.radius.models import DisconnectRequest
from opsconsole.registration.models import Device, Participant

from .test_accounting import account, no_sessions  # noqa: F401  (shared fixtures)
from .test_disconnect import access_point, answered, nas_listening  # noqa: F401
from .test_mac_auth import plan, radius, register  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_deleting_a_participant_in_the_admin_disconnects_the_open_session(radius, plan, nas_listening, noc_client):
    device = register("00:00:5e:10:3f:01", plan["vlan"])
    account(radius, "Start", "4A3B2301F", "00-00-5E-10-3F-01")

    answer = noc_client.post(f"/admin/registration/participant/{device.participant_id}/delete/", {"post": "yes"})

    assert answer.status_code == 302
    assert not Participant.objects.filter(pk=device.participant_id).exists()
    request = DisconnectRequest.objects.get()
    assert (request.result, request.trigger, request.mac, request.participant) == ("ack", "device-removed",
                                                                                    device.mac, None)
    logged = answered(nas_listening, "4A3B2301F")
    assert "Sent Disconnect-ACK" in logged


def test_deleting_several_participants_at_once_in_the_admin_disconnects_each(radius, plan, nas_listening, noc_client):
    devices = [register(f"00:00:5e:10:3f:1{n}", plan["vlan"]) for n in range(2)]
    for n, device in enumerate(devices):
        account(radius, "Start", f"4A3B231{n}F", device.mac.replace(":", ""))

    answer = noc_client.post("/admin/registration/participant/", {
        "action": "delete_selected", "post": "yes", "_selected_action": [d.participant_id for d in devices]})

    assert answer.status_code == 302
    assert not Device.objects.exists() and not Participant.objects.exists()
    assert sorted(DisconnectRequest.objects.values_list("acct_session_id", "result")) == [
        ("4A3B2310F", "ack"), ("4A3B2311F", "ack")]
