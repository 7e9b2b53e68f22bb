"""Personal API tokens: made and revoked on a page every signed-in person has, shown once, stored as a hash only."""
import hashlib
import re

from opsconsole.api.models import ApiToken
from opsconsole.audit.models import AuditEntry

from .conftest import ApiClient

PAGE = "/me/api-tokens/"


def make_token(client, name="ansible") -> str:
    response = client.post(f"{PAGE}new/", {"name": name})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode()).group(1)


def test_a_participant_makes_a_token_that_is_shown_once_and_stored_hashed(participant_client, participant_user):
    token = make_token(participant_client)

    row = ApiToken.objects.get(user=participant_user)
    assert len(token) > 40 and token.startswith("oc_")
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiToken.objects.filter(pk=row.pk).values().get())
    page = participant_client.get(PAGE).content.decode()
    assert token not in page and row.shown_start in page and "ansible" in page


def test_making_a_token_is_audited_without_its_hash(participant_client, participant_user):
    token = make_token(participant_client)

    entry = AuditEntry.objects.get(object_type="api.ApiToken", action=AuditEntry.Action.CREATE)
    assert (entry.actor_id, entry.via, entry.remote_addr) == (participant_user.pk, "page", "127.0.0.1")
    assert entry.after["token_hash"] == "(secret)"
    assert token not in str(entry.after) and hashlib.sha256(token.encode()).hexdigest() not in str(entry.after)


def test_the_token_acts_with_its_owners_role_and_notes_its_last_use(client, noc_client, noc_user):
    token = make_token(noc_client)
    client.logout()

    response = ApiClient(client, token).get("/api/v1/vlans/")

    assert response.status_code == 200, response.content
    assert ApiToken.objects.get(user=noc_user).last_used_at is not None


def test_a_revoked_token_is_refused_and_the_revocation_audited(client, helpdesk_client, helpdesk_user):
    token = make_token(helpdesk_client)
    row = ApiToken.objects.get(user=helpdesk_user)

    response = helpdesk_client.post(f"{PAGE}{row.pk}/revoke/")

    assert response.status_code == 302 and not ApiToken.objects.exists()
    assert AuditEntry.objects.filter(object_type="api.ApiToken", action=AuditEntry.Action.DELETE,
                                     actor_id=helpdesk_user.pk).exists()
    client.logout()
    refused = ApiClient(client, token).get("/api/v1/participants/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "This API token is unknown or revoked; make a new one on your account's API tokens page."}
    assert refused["WWW-Authenticate"] == 'Bearer realm="api"'


def test_nobody_revokes_another_persons_token(participant_client, other_participant):
    row, _token = ApiToken.issue(other_participant, "dave's")

    response = participant_client.post(f"{PAGE}{row.pk}/revoke/")

    assert response.status_code == 404 and ApiToken.objects.filter(pk=row.pk).exists()


def test_the_token_page_needs_a_signed_in_person(client, db):
    assert client.get(PAGE)["Location"].startswith("/login/")
    assert client.post(f"{PAGE}new/", {"name": "x"})["Location"].startswith("/login/")
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name(participant_client):
    response = participant_client.post(f"{PAGE}new/", {"name": ""})

    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_a_deactivated_persons_token_is_refused(client, noc_user):
    _row, token = ApiToken.issue(noc_user, "old laptop")
    noc_user.is_active = False
    noc_user.save()

    assert ApiClient(client, token).get("/api/v1/vlans/").status_code == 401


def test_a_malformed_authorization_header_is_refused(client):
    response = client.get("/api/v1/vlans/", HTTP_AUTHORIZATION="Bearer two words")

    assert response.status_code == 401
    assert response.json() == {"detail": "Send the token as “Authorization: Bearer <token>”."}
