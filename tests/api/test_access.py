"""Every resource under each role, as on the pages: NOC everything, helpdesk participants (with the CSV import),
devices and sign-in codes, diagnostics (the rest read-only; NAS, SNMP, notification channels, registration limits,
scrape tokens, lockouts, the plan's import, the survey and self-test results not at all), a participant only their
own things, the survey and self-tests, nobody anonymous."""
import pytest

from opsconsole.accounts.models import Role
from opsconsole.survey.models import Question
from opsconsole.transition.models import Dns64Role

REFUSED = {"detail": "Your role may not do this."}
ANONYMOUS = {"detail": "Authentication credentials were not provided."}

# url -> the status each role gets for a list: (NOC, helpdesk, participant)
LISTS = {
    "/api/v1/vlans/": (200, 200, 403),
    "/api/v1/vlan-families/": (200, 200, 403),
    "/api/v1/ssids/": (200, 200, 403),
    "/api/v1/prefixes/": (200, 200, 403),
    "/api/v1/participants/": (200, 200, 200),
    "/api/v1/devices/": (200, 200, 200),
    "/api/v1/nodes/": (200, 200, 403),
    "/api/v1/revisions/": (200, 200, 403),
    "/api/v1/pushes/": (200, 200, 403),
    "/api/v1/roles/nat64/": (200, 200, 403),
    "/api/v1/roles/route/": (200, 200, 403),
    "/api/v1/nas/": (200, 403, 403),
    "/api/v1/sessions/": (200, 200, 200),
    "/api/v1/certificates/": (200, 200, 200),
    "/api/v1/snmp-devices/": (200, 403, 403),
    "/api/v1/sign-in-codes/": (200, 200, 403),
    "/api/v1/registration-settings/": (200, 403, 403),
    "/api/v1/wifi-passwords/": (403, 403, 200),
    "/api/v1/alerts/": (200, 200, 403),
    "/api/v1/alert-rules/": (200, 200, 403),
    "/api/v1/notification-channels/": (200, 403, 403),
    "/api/v1/timeline/": (200, 200, 403),
    "/api/v1/trouble-reports/": (200, 200, 200),
    "/api/v1/guides/": (200, 200, 200),
    "/api/v1/scrape-tokens/": (200, 403, 403),
    "/api/v1/lockouts/": (200, 403, 403),
    "/api/v1/diagnostic-results/": (200, 200, 403),
    "/api/v1/event-domains/": (200, 200, 403),
    "/api/v1/reverse-zones/": (200, 200, 403),
    "/api/v1/survey-questions/": (200, 403, 200),
    "/api/v1/survey-responses/": (200, 403, 200),
    "/api/v1/self-test-results/": (200, 403, 200),
}
ROLE_USERS = {Role.NOC: "noc_user", Role.HELPDESK: "helpdesk_user", Role.PARTICIPANT: "participant_user"}


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("position, role", list(enumerate(ROLE_USERS)))
def test_each_list_under_each_role(request, api, world, url, position, role):
    response = api(request.getfixturevalue(ROLE_USERS[role])).get(url)

    assert response.status_code == LISTS[url][position], response.content
    if response.status_code == 403:
        assert response.json() == REFUSED
    else:
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"} and body["count"] == len(body["results"])


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_gets_nothing(api, world, url):
    response = api(None).get(url)

    assert response.status_code == 401 and response.json() == ANONYMOUS
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_participant_lists_only_their_own_things(participant_api, world):
    own = {name: world[f"participant_{name}"] for name in ("device", "certificate", "session", "report")}

    for url, thing in (("devices", own["device"]), ("certificates", own["certificate"]), ("sessions", own["session"]),
                       ("trouble-reports", own["report"])):
        body = participant_api.get(f"/api/v1/{url}/").json()
        assert [row["id"] for row in body["results"]] == [thing.pk], url
    participants = participant_api.get("/api/v1/participants/").json()["results"]
    assert [row["name"] for row in participants] == ["Carol Example"]


@pytest.mark.parametrize("path, model", [
    ("devices/{other_device.pk}/", "Device"), ("certificates/{other_certificate.pk}/", "IssuedCertificate"),
    ("sessions/{other_session.pk}/", "RadAcct"), ("participants/{other.pk}/", "Participant"),
    ("trouble-reports/{other_report.pk}/", "TroubleReport")])
def test_another_participants_things_are_not_found(participant_api, world, path, model):
    response = participant_api.get("/api/v1/" + path.format(**world))

    assert response.status_code == 404 and response.json() == {"detail": f"No {model} matches the given query."}


def test_a_participant_cannot_change_or_remove_another_participants_device(participant_api, world):
    url = f"/api/v1/devices/{world['other_device'].pk}/"

    assert participant_api("patch", url, {"label": "mine now"}).status_code == 404
    assert participant_api("delete", url).status_code == 404
    world["other_device"].refresh_from_db()
    assert world["other_device"].label == "other laptop"


def test_staff_see_everyones_devices(helpdesk_api, world):
    body = helpdesk_api.get("/api/v1/devices/").json()

    assert {row["mac"] for row in body["results"]} == {"00:1b:63:00:00:42", "00:1b:63:00:00:43"}


# (method, url, body) -> status for (NOC, helpdesk, participant); participants' own device is theirs to change.
WRITES = [
    ("post", "/api/v1/vlans/", {"vid": 41, "name": "camp-41"}, (201, 403, 403)),
    ("patch", "/api/v1/vlans/40/", {"purpose": "renamed"}, (200, 403, 403)),
    ("delete", "/api/v1/ssids/{ssid}/", None, (204, 403, 403)),
    ("post", "/api/v1/participants/", {"name": "Erin", "active_until": "2030-01-01T00:00:00Z"}, (201, 201, 403)),
    ("patch", "/api/v1/participants/{other.pk}/", {"affiliation": "KEIO"}, (200, 200, 403)),
    ("patch", "/api/v1/devices/{participant_device.pk}/", {"label": "phone"}, (200, 200, 200)),
    ("delete", "/api/v1/devices/{participant_device.pk}/", None, (204, 204, 204)),
    ("post", "/api/v1/nodes/", {"name": "nat64-b", "agent_url": "http://[2001:db8::2]:9101"}, (201, 403, 403)),
    ("post", "/api/v1/nodes/nat64-a/push/", None, (202, 403, 403)),
    ("post", "/api/v1/roles/nat64/", {"node": "nat64-a", "implementation": "jool", "pool6": "64:ff9b::/96"},
     (201, 403, 403)),
    ("patch", "/api/v1/nas/{nas.pk}/", {"coa_port": 1700}, (200, 403, 403)),
    ("patch", "/api/v1/snmp-devices/{snmp.pk}/", {"port": 1161}, (200, 403, 403)),
    ("post", "/api/v1/certificates/{participant_certificate.pk}/revoke/", None, (200, 200, 200)),
    ("post", "/api/v1/sign-in-codes/", lambda world: {"participant": world["participant"].pk}, (201, 201, 403)),
    ("patch", "/api/v1/registration-settings/1/", {"device_limit": 7}, (200, 403, 403)),
    ("patch", "/api/v1/alert-rules/{rule.pk}/", {"threshold": 90.0, "enabled": False}, (200, 403, 403)),
    ("post", "/api/v1/notification-channels/", {"name": "noc-mail", "kind": "email", "addresses": "noc@example.org"},
     (201, 403, 403)),
    ("delete", "/api/v1/notification-channels/{channel.pk}/", None, (204, 403, 403)),
    ("post", "/api/v1/timeline/", {"text": "uplink 3 patched", "subject": "hall"}, (201, 403, 403)),
    ("post", "/api/v1/trouble-reports/", {"what_happened": "the portal does not load"}, (403, 403, 201)),
    ("post", "/api/v1/trouble-reports/{participant_report.pk}/answer/", {"answer": "Forget the network and rejoin."},
     (200, 200, 403)),
    ("post", "/api/v1/guides/", {"slug": "android-dns64", "os": "android", "topic": "dns64",
                                 "title_en": "Set the DNS64 resolver", "body_en": "Open Settings."}, (201, 403, 403)),
    ("patch", "/api/v1/guides/{guide.slug}/", {"order": 5}, (200, 403, 403)),
    ("post", "/api/v1/scrape-tokens/", {"name": "prometheus-2"}, (201, 403, 403)),
    ("delete", "/api/v1/scrape-tokens/{scrape_token.pk}/", None, (204, 403, 403)),
    ("post", "/api/v1/event-domains/", {"name": "camp.test", "note": "the camp's zone"}, (201, 403, 403)),
    ("delete", "/api/v1/event-domains/{event_domain.pk}/", None, (204, 403, 403)),
    ("patch", "/api/v1/survey-questions/{question.pk}/", {"order": 5, "active": False}, (200, 403, 403)),
]


@pytest.mark.parametrize("method, url, body, statuses", WRITES, ids=[f"{m} {u}" for m, u, _b, _s in WRITES])
@pytest.mark.parametrize("position, role", list(enumerate(ROLE_USERS)))
def test_each_change_under_each_role(request, api, world, method, url, body, statuses, position, role):
    world["ssid"] = world["vlan"].ssids.get().pk
    body = body(world) if callable(body) else body
    client = api(request.getfixturevalue(ROLE_USERS[role]))

    response = client(method, url.format(**world), body)

    assert response.status_code == statuses[position], response.content
    if response.status_code == 403:
        assert response.json() == REFUSED
    elif response.status_code in (200, 201) and body:
        assert {key: response.json()[key] for key in body} == body
    assert api(None)(method, url.format(**world), body).status_code == 401


EMPTY_PLAN = "vlans: []\nssids: []\nprefixes: []\n"
DIAGNOSTIC = {"id", "kind", "subject", "verdict", "verdict_label", "ok", "details", "run_by", "at", "attached_to",
              "workaround"}
# Actions beside reading and writing one object: (method, url, body, (NOC, helpdesk, participant), the keys of an
# allowed answer, or of each of its items).
ACTIONS = [
    ("get", "/api/v1/plan/export/", None, (200, 200, 403), {"yaml"}),
    ("post", "/api/v1/plan/import/", {"yaml": EMPTY_PLAN}, (200, 403, 403),
     {"applied", "consequences", "summary", "counts"}),
    ("post", "/api/v1/participants/import/", {"csv": "name,active_until\nErin,2030-09-01\n"}, (200, 200, 403),
     {"applied", "participants", "devices", "rows"}),
    ("post", "/api/v1/lockouts/unlock/", {"username": "nobody"}, (200, 403, 403), {"unlocked", "failed_attempt_records"}),
    ("post", "/api/v1/diagnostic-results/pmtu/", {"node": "nat64-a", "destination": "192.0.2.1"}, (201, 201, 403),
     DIAGNOSTIC),
    ("post", "/api/v1/diagnostic-results/lame/", {"domain": None}, (201, 201, 403), DIAGNOSTIC),
    ("post", "/api/v1/diagnostic-results/{diagnostic.pk}/attach/", {}, (201, 201, 403), {"id", "report", "by", "at"}),
    ("post", "/api/v1/diagnostic-results/{diagnostic.pk}/override/",
     lambda world: {"roles": [Dns64Role.objects.create(node=world["node"], implementation="unbound",
                                                       prefix="64:ff9b::/96").pk]},
     (201, 403, 403), {"id", "role", "name", "aaaa", "a", "reason"}),
    ("get", "/api/v1/survey-questions/results/", None, (200, 403, 403), {"responses", "questions"}),
    ("post", "/api/v1/survey-responses/",
     lambda world: {"answers": {str(pk): 0 for pk in Question.objects.filter(active=True).values_list("pk", flat=True)}},
     (403, 403, 201), {"id", "submitted_at", "answers"}),
    ("post", "/api/v1/self-test-results/", {"probes": {"ipv6": True, "ipv4": False}}, (201, 201, 201),
     {"id", "participant", "at", "probes", "connectivity", "ipv4", "large_packets", "browser", "words"}),
]


@pytest.mark.parametrize("method, url, body, statuses, keys", ACTIONS, ids=[f"{m} {u}" for m, u, *_rest in ACTIONS])
@pytest.mark.parametrize("position, role", list(enumerate(ROLE_USERS)))
def test_each_action_under_each_role(request, api, world, method, url, body, statuses, keys, position, role, settings):
    settings.DIAGNOSTICS_ROOT_SERVERS = []  # the lame-delegation check answers "could not check" at once
    body, url = body(world) if callable(body) else body, url.format(**world)

    response = api(request.getfixturevalue(ROLE_USERS[role]))(method, url, body)

    assert response.status_code == statuses[position], response.content
    if response.status_code == 403:
        assert response.json() == REFUSED
    else:
        answer = response.json()
        assert all(set(item) == keys for item in answer) if isinstance(answer, list) else set(answer) == keys
    assert api(None)(method, url, body).json() == ANONYMOUS
