"""Registrations racing each other through a real HTTP server: no 500, the device and rate limits hold, search finds every MAC."""
import threading

import httpx
import pytest
from django.test import Client
from django.utils import timezone

from opsconsole.registration.models import Device, PortalRegistration, RegistrationSettings

from .conftest import make_participant

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 20
CSRF = "c" * 32  # a valid unmasked CSRF secret: sent as cookie and header, as a browser's form would


def session_cookies(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}


def post_together(base: str, posts: list[tuple[str, dict, dict]]) -> list[httpx.Response]:
    """Send every (path, form data, cookies) at the same moment, one thread each; the responses in the same order."""
    barrier = threading.Barrier(len(posts))
    responses: list[httpx.Response | BaseException] = [RuntimeError("no answer")] * len(posts)

    def send(index: int, path: str, data: dict, cookies: dict) -> None:
        with httpx.Client(base_url=base, cookies=cookies, headers={"X-CSRFToken": CSRF}, timeout=30) as http:
            barrier.wait()
            try:
                responses[index] = http.post(path, data=data)
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                responses[index] = error

    threads = [threading.Thread(target=send, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for response in responses:
        assert isinstance(response, httpx.Response), response
    return responses


def test_two_registrations_of_one_mac_at_once_give_one_device_and_one_plain_refusal(live_server, helpdesk_user, nowep_vlan):
    cookies = session_cookies(helpdesk_user)
    RegistrationSettings.objects.update_or_create(pk=1, defaults={"device_limit": ROUNDS})
    carol, dave = make_participant(), make_participant("Dave Other", "dave@example.org")
    for round_number in range(ROUNDS):
        mac = f"00:1b:63:00:01:{round_number:02x}"
        data = {"mac": mac, "os": "other", "vlans": [nowep_vlan.pk]}
        first, second = post_together(live_server.url, [
            (f"/registration/participants/{carol.pk}/devices/", data, cookies),
            (f"/registration/participants/{dave.pk}/devices/", data, cookies),
        ])

        assert sorted([first.status_code, second.status_code]) == [302, 400], round_number
        refusal = first if first.status_code == 400 else second
        assert f"{mac} is already registered to" in refusal.text
        assert Device.objects.filter(mac=mac).count() == 1


def test_parallel_registrations_stay_within_the_device_limit_and_the_search_finds_every_mac(
        live_server, helpdesk_user, nowep_vlan):
    cookies = session_cookies(helpdesk_user)
    RegistrationSettings.objects.update_or_create(pk=1, defaults={"device_limit": 5})
    for round_number in range(ROUNDS // 4):
        participant = make_participant(f"Erin {round_number}", f"erin{round_number}@example.org")
        for index in range(4):
            Device.objects.create(participant=participant, mac=f"00:1b:63:{round_number:02x}:00:{index:02x}")
        path = f"/registration/participants/{participant.pk}/devices/"
        post_together(live_server.url, [
            (path, {"mac": f"00:1b:63:{round_number:02x}:01:{index:02x}", "os": "other"}, cookies) for index in range(3)
        ])

        macs = set(participant.devices.values_list("mac_digits", flat=True))
        assert len(macs) == 5, round_number
        participant.refresh_from_db()
        assert set(participant.search_text.splitlines()) >= macs


def test_the_portal_rate_limit_holds_for_parallel_registrations_from_one_address(
        live_server, participant_user, other_participant, nowep_vlan):
    RegistrationSettings.objects.update_or_create(pk=1, defaults={"portal_registrations_per_hour": 2, "device_limit": 20})
    carol = make_participant(user=participant_user)
    dave = make_participant("Dave Other", "dave@example.org", user=other_participant)
    posts = []
    for index in range(6):
        user = participant_user if index % 2 else other_participant
        posts.append(("/portal/devices/", {"mac": f"00:1b:63:00:02:{index:02x}", "os": "other"}, session_cookies(user)))
    post_together(live_server.url, posts)

    # Every request came from 127.0.0.1: the address's limit is 2 an hour, whoever signed in.
    assert PortalRegistration.objects.count() == 2
    assert Device.objects.filter(participant__in=[carol, dave]).count() == 2


def test_editing_a_participant_while_a_device_is_registered_keeps_every_mac_searchable(live_server, helpdesk_user, nowep_vlan):
    cookies = session_cookies(helpdesk_user)
    RegistrationSettings.objects.update_or_create(pk=1, defaults={"device_limit": ROUNDS})
    participant = make_participant()
    until = timezone.localtime(participant.active_until).strftime("%Y-%m-%dT%H:%M")
    for round_number in range(ROUNDS):
        mac = f"00:1b:63:00:03:{round_number:02x}"
        post_together(live_server.url, [
            (f"/registration/participants/{participant.pk}/devices/", {"mac": mac, "os": "other"}, cookies),
            (f"/registration/participants/{participant.pk}/edit/", {
                "name": "Carol Example", "affiliation": f"WIDE {round_number}", "email": "carol@example.org",
                "active_from": timezone.localtime(participant.active_from).strftime("%Y-%m-%dT%H:%M"), "active_until": until,
            }, cookies),
        ])

        participant.refresh_from_db()
        assert participant.devices.filter(mac=mac).exists() and participant.affiliation == f"WIDE {round_number}"
        assert mac.replace(":", "") in participant.search_text.splitlines(), round_number
