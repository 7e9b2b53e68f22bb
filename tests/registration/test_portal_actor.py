"""A participant who signed in to the portal with a one-time code is the actor of what they change, in the trail
and on the revisions their change causes."""
import pytest

from opsconsole.audit.models import AuditEntry
from opsconsole.registration.models import Device, Participant, SignInCode

from .conftest import make_participant
from .test_kea_intent import dhcp_node  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # the DHCP node is rebuilt after the registration commits, as in production
def test_a_device_registered_after_a_code_sign_in_is_the_participants_change(client, helpdesk_client, nowep_vlan, dhcp_node):
    participant: Participant = make_participant("Erin Codeless")  # no account: the code is her only way in
    helpdesk_client.post(f"/registration/participants/{participant.pk}/sign-in-code/")
    code = SignInCode.objects.get(participant=participant).code
    helpdesk_client.logout()
    assert client.post("/portal/sign-in/", {"code": code}).status_code == 302
    before = dhcp_node.revisions.count()

    response = client.post("/portal/devices/", {"mac": "00:1b:63:00:00:77", "os": "ios", "vlans": [nowep_vlan.pk]})

    assert response.status_code == 302
    device = Device.objects.get(mac="00:1b:63:00:00:77")
    entry = AuditEntry.objects.filter(object_type="registration.Device", object_id=str(device.pk), action="create").get()
    assert entry.actor_label == "Erin Codeless (sign-in code)"
    assert entry.via == "page"
    revision = dhcp_node.revisions.order_by("-number").first()
    assert dhcp_node.revisions.count() == before + 1
    assert revision.created_by == "Erin Codeless (sign-in code)"
    assert "00:1b:63:00:00:77" in str(revision.intent)


def test_a_participant_with_an_account_who_used_a_code_is_linked_to_that_account(client, participant):
    SignInCode.objects.create(participant=participant, code="ABCD2345",
                              expires_at=participant.active_until)
    client.post("/portal/sign-in/", {"code": "ABCD2345"})

    client.post("/portal/devices/", {"mac": "00:1b:63:00:00:78", "os": "other"})

    entry = AuditEntry.objects.filter(object_type="registration.Device", action="create").get()
    assert entry.actor_id == participant.user_id
    assert entry.actor_label == "Carol Example (sign-in code)"


def test_using_a_code_is_recorded_as_its_participant(client):
    participant = make_participant("Frank Codeless")
    code = SignInCode.objects.create(participant=participant, code="WXYZ2345", expires_at=participant.active_until)

    assert client.post("/portal/sign-in/", {"code": "WXYZ2345"}).status_code == 302

    entry = AuditEntry.objects.filter(object_type="registration.SignInCode", object_id=str(code.pk),
                                      action="update").get()
    assert entry.actor_label == "Frank Codeless (sign-in code)"
    assert "used_at" in entry.after
