"""The signed-in user is kept between requests, yet a change to the person takes effect on the very next request of
this process (another process sees it within FRESH_SECONDS: test_signed_in_user_under_daphne.py)."""
import pytest
from django.test import Client, RequestFactory

from opsconsole.accounts.models import Role
from opsconsole.accounts.signed_in import signed_in_user

pytestmark = pytest.mark.django_db
AUDIT = "/audit/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_role_change_applies_to_the_next_request(noc_user):
    client = signed_in(noc_user)
    assert client.get(AUDIT).status_code == 200

    noc_user.role = Role.HELPDESK
    noc_user.save()

    assert client.get(AUDIT).status_code == 403
    assert client.get("/registration/").status_code == 200


def test_a_deactivated_person_is_signed_out_at_once(helpdesk_user):
    client = signed_in(helpdesk_user)
    assert client.get("/registration/").status_code == 200

    helpdesk_user.is_active = False
    helpdesk_user.save()

    response = client.get("/registration/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_password_change_ends_the_other_sessions(noc_user):
    laptop, phone = signed_in(noc_user), signed_in(noc_user)
    assert laptop.get(AUDIT).status_code == phone.get(AUDIT).status_code == 200

    noc_user.set_password("a brand new passphrase 42")
    noc_user.save()

    assert phone.get(AUDIT).status_code == 302


def test_a_deleted_person_is_signed_out(participant_user):
    client = signed_in(participant_user)
    assert client.get("/me/").status_code == 200

    participant_user.delete()

    assert client.get("/me/").status_code == 302


def test_requests_never_share_one_user_object(noc_user):
    client = signed_in(noc_user)
    session = client.session

    def request():
        request = RequestFactory().get("/")
        request.session = session
        return request

    first, second = signed_in_user(request()), signed_in_user(request())
    first.role = Role.PARTICIPANT  # a view changing its request's user, unsaved

    assert first is not second and second.role == Role.NOC and signed_in_user(request()).role == Role.NOC
