"""Sign-in throttling (django-axes) per account and per address on every sign-in page, and the NOC's unlock."""
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.registration.models import SignInCode
from tests.conftest import PASSWORD
from tests.registration.conftest import make_participant

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-ins"


def fail(client, url: str, address: str, username: str = "alice-noc", times: int = 5):
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)
    return response


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_an_account_is_locked_after_five_failures_from_anywhere(client, noc_user, url):
    assert LOCKED not in fail(client, url, "2001:db8:1::1", times=4).content.decode()
    assert fail(client, url, "2001:db8:1::2", times=1).status_code == 429  # the fifth, from another address
    refused = client.post(url, {"username": noc_user.username, "password": PASSWORD}, REMOTE_ADDR="2001:db8:1::3")

    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    assert "ask the NOC" in refused.content.decode() and 'class="topbar"' in refused.content.decode()  # the console's layout
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_whatever_account_it_tries(client, helpdesk_user):
    for n in range(5):
        client.post("/login/", {"username": f"guess-{n}", "password": "wrong"}, REMOTE_ADDR="2001:db8:2::1")

    here = client.post("/login/", {"username": helpdesk_user.username, "password": PASSWORD}, REMOTE_ADDR="2001:db8:2::1")
    elsewhere = client.post("/login/", {"username": helpdesk_user.username, "password": PASSWORD}, REMOTE_ADDR="2001:db8:2::2")

    assert here.status_code == 429
    assert elsewhere.status_code == 302


def test_five_bad_portal_codes_lock_that_address(client):
    SignInCode.objects.create(participant=make_participant(), code="GOODC0DE", expires_at=timezone.now() + timedelta(hours=1))
    for n in range(5):
        response = client.post("/portal/sign-in/", {"code": f"BADCODE{n}"}, REMOTE_ADDR="2001:db8:3::1")
    assert response.status_code == 429 and LOCKED in response.content.decode()

    locked = client.post("/portal/sign-in/", {"code": "GOODC0DE"}, REMOTE_ADDR="2001:db8:3::1")
    assert locked.status_code == 429 and SignInCode.objects.get(code="GOODC0DE").used_at is None

    assert client.post("/portal/sign-in/", {"code": "GOODC0DE"}, REMOTE_ADDR="2001:db8:3::2").status_code == 302


def test_failed_codes_lock_the_address_for_password_sign_in_too(client, participant_user):
    for n in range(5):
        client.post("/portal/sign-in/", {"code": f"BADCODE{n}"}, REMOTE_ADDR="2001:db8:4::1")

    response = client.post("/login/", {"username": participant_user.username, "password": PASSWORD}, REMOTE_ADDR="2001:db8:4::1")
    assert response.status_code == 429


def test_the_noc_unlocks_an_account_and_the_unlock_is_audited(client, noc_client, helpdesk_user):
    other = client.__class__()
    fail(other, "/login/", "2001:db8:5::1", username=helpdesk_user.username)
    page = noc_client.get("/lockouts/").content.decode()
    assert helpdesk_user.username in page and "2001:db8:5::1" in page

    response = noc_client.post("/lockouts/unlock/", {"username": helpdesk_user.username}, REMOTE_ADDR="2001:db8:5::99")

    assert response.status_code == 302
    entry = AuditEntry.objects.filter(object_type="axes.AccessAttempt").get()
    assert entry.actor_label == "alice-noc" and entry.object_id == helpdesk_user.username
    assert entry.remote_addr == "2001:db8:5::99"
    assert other.post("/login/", {"username": helpdesk_user.username, "password": PASSWORD},
                      REMOTE_ADDR="2001:db8:5::2").status_code == 302


def test_the_noc_unlocks_an_address(client, noc_client):
    for n in range(5):
        client.post("/portal/sign-in/", {"code": f"BADCODE{n}"}, REMOTE_ADDR="2001:db8:6::1")

    noc_client.post("/lockouts/unlock/", {"ip_address": "2001:db8:6::1"})

    SignInCode.objects.create(participant=make_participant(), code="GOODC0DE", expires_at=timezone.now() + timedelta(hours=1))
    assert client.post("/portal/sign-in/", {"code": "GOODC0DE"}, REMOTE_ADDR="2001:db8:6::1").status_code == 302


def test_only_the_noc_sees_and_lifts_lockouts(helpdesk_client):
    assert helpdesk_client.get("/lockouts/").status_code == 403
    assert helpdesk_client.post("/lockouts/unlock/", {"username": "alice-noc"}).status_code == 403


def test_a_failed_code_is_not_stored_in_clear(client):
    from axes.models import AccessAttempt

    client.post("/portal/sign-in/", {"code": "NEARLYIT"}, REMOTE_ADDR="2001:db8:7::1")
    assert "NEARLYIT" not in AccessAttempt.objects.get().post_data
