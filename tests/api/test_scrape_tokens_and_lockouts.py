"""The NOC's scrape tokens and sign-in lockouts over the API, as on their pages: a token shown once that really opens
/metrics until it is revoked, and a lockout that really ends when it is lifted, both in the audit trail."""
from django.test import Client

from opsconsole.audit.models import AuditEntry
from opsconsole.metrics.models import ScrapeToken
from tests.conftest import PASSWORD


def scrape(token: str):
    return Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR="2001:db8:99::1")


def test_a_scrape_token_is_shown_once_opens_metrics_and_is_revoked_by_deleting_it(noc_api, noc_user, db):
    made = noc_api("post", "/api/v1/scrape-tokens/", {"name": "prometheus-1"}, REMOTE_ADDR="2001:db8::3")

    assert made.status_code == 201 and made["Cache-Control"] == "no-store"
    token = made.json()["token"]
    assert scrape(token).status_code == 200
    listed = noc_api.get("/api/v1/scrape-tokens/").json()["results"]
    assert [(row["name"], row["token"]) for row in listed] == [("prometheus-1", None)]
    assert listed[0]["last_used_at"] is not None and token not in str(noc_api.get(f"/api/v1/scrape-tokens/{listed[0]['id']}/").json())
    entry = AuditEntry.objects.get(object_type="metrics.ScrapeToken", action=AuditEntry.Action.CREATE)
    assert (entry.actor_id, entry.via, entry.remote_addr) == (noc_user.pk, "api", "2001:db8::3")
    assert token not in str(entry.after)

    assert noc_api("delete", f"/api/v1/scrape-tokens/{listed[0]['id']}/").status_code == 204
    assert scrape(token).status_code == 401 and not ScrapeToken.objects.exists()


def test_a_scrape_tokens_name_is_unique_in_the_models_words(noc_api, db):
    noc_api("post", "/api/v1/scrape-tokens/", {"name": "prometheus-1"})

    response = noc_api("post", "/api/v1/scrape-tokens/", {"name": "prometheus-1"})

    assert response.status_code == 400
    assert response.json() == {"name": ["Scrape token with this Name already exists."]}


def fail_sign_in(username: str, address: str) -> None:
    for _ in range(5):
        Client().post("/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def test_the_noc_lists_lockouts_and_lifts_one_audited(noc_api, noc_user, helpdesk_user):
    fail_sign_in(helpdesk_user.username, "2001:db8:5::1")

    listed = noc_api.get("/api/v1/lockouts/").json()
    assert [(row["kind"], row["value"], row["failures"]) for row in listed["results"]] == [
        ("username", "bob-helpdesk", 5), ("ip_address", "2001:db8:5::1", 5)]

    response = noc_api("post", "/api/v1/lockouts/unlock/", {"username": "bob-helpdesk"}, REMOTE_ADDR="2001:db8:5::99")

    assert response.status_code == 200 and response.json() == {"unlocked": "bob-helpdesk", "failed_attempt_records": 1}
    assert Client().post("/login/", {"username": "bob-helpdesk", "password": PASSWORD},
                         REMOTE_ADDR="2001:db8:5::2").status_code == 302
    entry = AuditEntry.objects.get(object_type="axes.AccessAttempt")
    assert (entry.actor_id, entry.via, entry.remote_addr, entry.object_id) == (
        noc_user.pk, "api", "2001:db8:5::99", "bob-helpdesk")
    assert noc_api.get("/api/v1/lockouts/").json()["count"] == 0


def test_unlocking_names_an_account_or_an_address(noc_api, db):
    fail_sign_in("nobody", "2001:db8:6::1")

    assert noc_api("post", "/api/v1/lockouts/unlock/", {}).json() == {
        "non_field_errors": ["Name the user name or the address to unlock."]}
    assert noc_api("post", "/api/v1/lockouts/unlock/", {"ip_address": "2001:db8:6::zz"}).json() == {
        "ip_address": ["Enter a valid IPv4 or IPv6 address."]}
    response = noc_api("post", "/api/v1/lockouts/unlock/", {"ip_address": "2001:DB8:6:0::1"})
    assert response.json() == {"unlocked": "2001:db8:6::1", "failed_attempt_records": 1}
