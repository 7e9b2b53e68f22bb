"""The participant portal: one-time codes, own devices only, "register this device" from the neighbour table, rate limit."""
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.nodes.models import GatewayNode
from opsconsole.plan.models import Vlan
from opsconsole.registration.models import Device, DhcpService, Participant, RegistrationSettings, SignInCode, Source
from opsconsole.registration.neighbours import record_neighbours

pytestmark = pytest.mark.django_db


def test_a_one_time_code_signs_in_once(client, helpdesk_client, participant):
    helpdesk_client.post(f"/registration/participants/{participant.pk}/sign-in-code/")
    code = SignInCode.objects.get().code
    helpdesk_client.logout()

    assert client.post("/portal/sign-in/", {"code": code.lower()}).status_code == 302
    assert "Carol Example" in client.get("/portal/").content.decode()
    client.post("/portal/sign-out/")
    refused = client.post("/portal/sign-in/", {"code": code})
    assert refused.status_code == 400 and "used already or expired" in refused.content.decode()


def test_an_expired_code_is_refused(client, participant):
    SignInCode.objects.create(participant=participant, code="ABCD2345", expires_at=timezone.now() - timedelta(minutes=1))

    assert client.post("/portal/sign-in/", {"code": "ABCD2345"}).status_code == 400


def test_another_participants_device_is_404(participant_client, participant, other):
    theirs = Device.objects.create(participant=other, mac="00:1b:63:00:00:09")

    assert participant_client.get(f"/portal/devices/{theirs.pk}/").status_code == 404
    assert participant_client.post(f"/portal/devices/{theirs.pk}/remove/").status_code == 404
    assert Device.objects.filter(pk=theirs.pk).exists()


PHONE = "2001:db8:40::42"  # inside the nowep VLAN's prefix


def dhcp_node(name: str, interfaces: dict) -> GatewayNode:
    node = GatewayNode(name=name, agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    DhcpService.objects.create(node=node, interfaces=interfaces)
    return node


def test_register_this_device_uses_the_gateways_neighbour_table(participant_client, participant, nowep_vlan):
    node = dhcp_node("gw-1", {"40": "eth0.40"})
    record_neighbours(node, [{"ip": PHONE, "mac": "00-1B-63-00-00-42"}, {"ip": "192.0.2.9", "mac": "01:00:5e:00:00:01"}])

    assert "00:1b:63:00:00:42" in participant_client.get("/portal/", REMOTE_ADDR=PHONE).content.decode()
    participant_client.post("/portal/devices/", {"this_device": "1", "mac": "00:1b:63:99:99:99", "os": "other", "label": "phone"},
                            REMOTE_ADDR=PHONE)

    device = Device.objects.get()
    assert device.mac == "00:1b:63:00:00:42" and device.source == Source.SELF_SERVICE and device.participant == participant


def test_register_this_device_ignores_a_node_that_does_not_serve_the_vlan(participant_client, participant, nowep_vlan):
    Vlan.objects.create(vid=41, name="other")
    elsewhere = dhcp_node("gw-elsewhere", {"41": "eth0.41"})
    record_neighbours(elsewhere, [{"ip": PHONE, "mac": "00:1b:63:66:66:66"}])

    page = participant_client.get("/portal/", REMOTE_ADDR=PHONE).content.decode()
    assert "00:1b:63:66:66:66" not in page and "How to find your MAC address" in page
    participant_client.post("/portal/devices/", {"this_device": "1", "os": "other"}, REMOTE_ADDR=PHONE)
    assert not Device.objects.exists()


def test_without_a_neighbour_entry_the_portal_explains_how_to_find_the_mac(participant_client, participant):
    assert "How to find your MAC address" in participant_client.get("/portal/").content.decode()
    guide = participant_client.get("/portal/find-mac/").content.decode()
    for os_name in ("iOS", "Android", "Windows", "macOS", "Linux"):
        assert os_name in guide


def test_a_clash_does_not_say_whose_mac_it_is(participant_client, participant, other):
    Device.objects.create(participant=other, mac="00:1b:63:00:00:09")

    page = participant_client.post("/portal/devices/", {"mac": "001b63000009", "os": "other"}).content.decode()

    assert "already registered" in page and "Dave" not in page


def test_sending_the_same_registration_again_answers_with_the_participants_device(participant_client, participant):
    first = participant_client.post("/portal/devices/", {"mac": "00:1b:63:00:00:0a", "os": "other"})
    again = participant_client.post("/portal/devices/", {"mac": "00-1B-63-00-00-0A", "os": "other"}, follow=True)

    assert (first.status_code, again.status_code) == (302, 200)
    assert "Registered 00:1b:63:00:00:0a." in again.content.decode()
    assert list(participant.devices.values_list("mac", flat=True)) == ["00:1b:63:00:00:0a"]


def test_registrations_are_rate_limited(participant_client, participant):
    settings = RegistrationSettings.load()
    settings.portal_registrations_per_hour, settings.device_limit = 2, 10
    settings.save()
    for n in range(3):
        response = participant_client.post("/portal/devices/", {"mac": f"00:1b:63:00:10:0{n}", "os": "other"}, follow=True)

    assert participant.devices.count() == 2
    assert "Too many registrations in the last hour" in response.content.decode()


def test_the_portal_speaks_japanese(participant_client, participant):
    participant_client.cookies["django_language"] = "ja"
    page = participant_client.get("/portal/find-mac/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()

    assert 'lang="ja"' in page and 'name="viewport"' in page


def test_only_vlans_where_registration_matters_are_offered(participant_client, participant, nowep_vlan):
    from opsconsole.plan.models import Vlan

    servers = Vlan.objects.create(vid=81, name="nat64", purpose="NAT64 boxes")

    page = participant_client.get("/portal/").content.decode()
    assert "40 nowep" in page
    assert "81 nat64" not in page
    response = participant_client.post("/portal/devices/", {"mac": "00:1b:63:00:00:42", "os": "other",
                                                            "vlans": [servers.pk]})
    assert "Select a valid choice" in response.content.decode()


def test_a_new_code_revokes_the_older_ones(client, helpdesk_client, participant):
    helpdesk_client.post(f"/registration/participants/{participant.pk}/sign-in-code/")
    first = SignInCode.objects.get().code
    helpdesk_client.post(f"/registration/participants/{participant.pk}/sign-in-code/")
    second = SignInCode.objects.get().code

    assert first != second
    assert client.post("/portal/sign-in/", {"code": first}, REMOTE_ADDR="2001:db8:a::1").status_code == 400
    assert client.post("/portal/sign-in/", {"code": second}, REMOTE_ADDR="2001:db8:a::1").status_code == 302


def test_a_code_dies_with_the_participants_event(client, participant):
    SignInCode.objects.create(participant=participant, code="ABCD2345", expires_at=timezone.now() + timedelta(hours=8))
    participant.active_from = timezone.now() - timedelta(days=3)
    participant.active_until = timezone.now() - timedelta(minutes=1)
    participant.save()

    assert client.post("/portal/sign-in/", {"code": "ABCD2345"}).status_code == 400


def test_a_code_session_ends_with_the_participants_event(client, participant):
    SignInCode.objects.create(participant=participant, code="ABCD2345", expires_at=timezone.now() + timedelta(hours=8))
    assert client.post("/portal/sign-in/", {"code": "ABCD2345"}).status_code == 302
    Participant.objects.filter(pk=participant.pk).update(active_until=timezone.now() - timedelta(minutes=1))

    assert client.get("/portal/")["Location"] == "/portal/sign-in/"


def test_sign_out_is_a_post_that_ends_the_whole_session(participant_client, participant):
    SignInCode.objects.create(participant=participant, code="ABCD2345", expires_at=timezone.now() + timedelta(hours=8))
    participant_client.post("/portal/sign-in/", {"code": "ABCD2345"})  # an account and a code sign-in in one session
    assert participant_client.get("/portal/sign-out/").status_code == 405
    assert participant_client.get("/portal/").status_code == 200

    response = participant_client.post("/portal/sign-out/")

    assert response.status_code == 302 and response["Location"] == "/portal/sign-in/"
    assert not participant_client.session.items()
    assert participant_client.get("/portal/")["Location"] == "/portal/sign-in/"
    assert participant_client.get("/me/").status_code == 302  # the account sign-in is gone too


def test_sign_out_needs_the_csrf_token(participant_user, participant):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(participant_user)
    assert browser.post("/portal/sign-out/").status_code == 403
    assert browser.get("/portal/").status_code == 200
