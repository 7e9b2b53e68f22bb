"""The audit page: entries in human words with before and after, filters by who, what, action and date, a search,
and the same rows as CSV."""
import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.audit.context import Actor, acting_as
from opsconsole.audit.models import AuditEntry
from opsconsole.nodes.models import GatewayNode
from opsconsole.registration.models import Device, Participant

pytestmark = pytest.mark.django_db

ERIN = Actor(user_id=None, label="erin-helpdesk", remote_addr="2001:db8::e", via="page")
FRANK = Actor(user_id=None, label="frank-noc", remote_addr="192.0.2.70", via="admin")


def make_participant(name: str) -> Participant:
    return Participant.objects.create(name=name, active_until=timezone.now() + timedelta(days=3))


@pytest.fixture
def history(db) -> dict:
    """Erin registers a device for Gina and renames her; Frank adds a node and removes the device."""
    with acting_as(ERIN):
        gina = make_participant("Gina Example")
        device = Device.objects.create(participant=gina, mac="00:1b:63:00:00:51", label="laptop")
        gina.name = "Gina Renamed"
        gina.save()
    with acting_as(FRANK):
        node = GatewayNode(name="nat64-tokyo", agent_url="http://127.0.0.1:9")
        node.issue_credentials()
        node.save()
        device.delete()
    return {"gina": gina, "node": node}


def rows(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index("<tbody>"):page.index("</tbody>")]


def test_entries_name_things_in_human_words_with_before_and_after(noc_client, history):
    page = rows(noc_client.get("/audit/"))

    assert "Device" in page and "Gateway node" in page and "Participant" in page
    assert "registration.Device" not in page and "nodes.GatewayNode" not in page
    assert "name: Gina Example → Gina Renamed" in page
    assert "MAC address: 00:1b:63:00:00:51" in page  # what was created and deleted, with the field's own name
    assert history["node"].token_hash not in page and "(secret)" in page
    ends = timezone.localtime(history["gina"].active_until).strftime("%Y-%m-%d %H:%M:%S")
    assert f"event ends: {ends} JST" in page  # local time, not the stored UTC text
    assert "active: yes" in page  # the NOC's own account, created by the fixture


def test_kinds_are_named_in_the_readers_language(noc_client, history):
    noc_client.cookies["django_language"] = "ja"
    page = rows(noc_client.get("/audit/", HTTP_ACCEPT_LANGUAGE="ja"))

    assert "端末" in page and "ゲートウェイノード" in page and "参加者" in page


def test_filter_by_who(noc_client, history):
    page = rows(noc_client.get("/audit/", {"who": "frank"}))

    assert "nat64-tokyo" in page and "deleted" in page
    assert "Gina Renamed → " not in page and "erin-helpdesk" not in page


def test_filter_by_what(noc_client, history):
    page = rows(noc_client.get("/audit/", {"what": "nodes.GatewayNode"}))

    assert "nat64-tokyo" in page and "Gina" not in page
    choices = noc_client.get("/audit/").content.decode()
    assert '<option value="nodes.GatewayNode">Gateway node</option>' in choices


def test_filter_by_action(noc_client, history):
    page = rows(noc_client.get("/audit/", {"action": "delete"}))

    assert "00:1b:63:00:00:51" in page
    assert "nat64-tokyo" not in page and "Gina" not in page


def test_filter_by_date(noc_client, history):
    AuditEntry.objects.filter(object_type="nodes.GatewayNode").update(at=timezone.now() - timedelta(days=10))
    ten_days_ago = timezone.localdate() - timedelta(days=10)

    old = rows(noc_client.get("/audit/", {"until": ten_days_ago.isoformat()}))
    recent = rows(noc_client.get("/audit/", {"since": (ten_days_ago + timedelta(days=1)).isoformat()}))
    that_day = rows(noc_client.get("/audit/", {"since": ten_days_ago.isoformat(), "until": ten_days_ago.isoformat()}))

    assert "nat64-tokyo" in old and "Gina" not in old
    assert "nat64-tokyo" not in recent and "Gina" in recent
    assert "nat64-tokyo" in that_day and "Gina" not in that_day


def test_a_bad_date_is_named_and_the_other_filters_still_apply(noc_client, history):
    response = noc_client.get("/audit/", {"since": "yesterday", "who": "frank"})

    assert "Enter a valid date" in response.content.decode()
    page = rows(response)
    assert "nat64-tokyo" in page and "erin-helpdesk" not in page


def test_search_finds_objects_people_addresses_and_values(noc_client, history):
    by_object = rows(noc_client.get("/audit/", {"q": "tokyo"}))
    by_person = rows(noc_client.get("/audit/", {"q": "ERIN"}))
    by_address = rows(noc_client.get("/audit/", {"q": "192.0.2.70"}))
    by_old_value = rows(noc_client.get("/audit/", {"q": "Gina Example"}))
    by_value = rows(noc_client.get("/audit/", {"q": "laptop"}))

    assert "nat64-tokyo" in by_object and "Gina" not in by_object
    assert "erin-helpdesk" in by_person and "frank-noc" not in by_person
    assert "frank-noc" in by_address and "erin-helpdesk" not in by_address
    assert "name: Gina Example → Gina Renamed" in by_old_value  # only the before value holds the old name
    assert "label: laptop" in by_value and "nat64-tokyo" not in by_value


def test_search_finds_japanese_values(noc_client, db):
    with acting_as(ERIN):
        make_participant("山田 花子")

    page = rows(noc_client.get("/audit/", {"q": "花子"}))

    assert "山田 花子" in page


def test_search_never_finds_a_secret(noc_client, history):
    page = rows(noc_client.get("/audit/", {"q": history["node"].token_hash[:12]}))

    assert "nat64-tokyo" not in page


def test_pages_keep_the_filters(noc_client, db):
    with acting_as(ERIN):
        for n in range(55):
            make_participant(f"Guest {n:02}")
    with acting_as(FRANK):
        make_participant("Not Erin's")

    first = noc_client.get("/audit/", {"who": "erin"}).content.decode()
    assert 'href="?who=erin&amp;page=2"' in first
    second = rows(noc_client.get("/audit/", {"who": "erin", "page": 2}))
    assert second.count("<tr>") == 5 and "Not Erin" not in second


def export(client, **filters) -> list[dict]:
    response = client.get("/audit/export.csv", filters)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_has_the_filtered_rows_in_human_words(noc_client, history):
    page = noc_client.get("/audit/", {"who": "erin", "action": "update"}).content.decode()
    assert 'href="/audit/export.csv?who=erin&amp;action=update"' in page

    exported = export(noc_client, who="erin", action="update")

    assert [(row["Who"], row["Action"], row["What"], row["Object"]) for row in exported] == [
        ("erin-helpdesk", "changed", "Participant", "Gina Renamed")]
    assert exported[0]["Changes"] == "name: Gina Example → Gina Renamed"
    assert exported[0]["From"] == "2001:db8::e" and exported[0]["Through"] == "page"
    assert exported[0]["When"].endswith("+09:00")  # local time with its offset
    assert len(export(noc_client)) == AuditEntry.objects.count()


def test_csv_cells_cannot_run_as_formulas(noc_client, db):
    with acting_as(ERIN):
        make_participant('=HYPERLINK("http://evil.example/","click")')
        make_participant("@SUM(1+1)")
        make_participant("+81 3 0000")

    objects = {row["Object"] for row in export(noc_client, what="registration.Participant")}

    assert objects == {"'=HYPERLINK(\"http://evil.example/\",\"click\")", "'@SUM(1+1)", "'+81 3 0000"}


def test_the_export_is_for_noc_only(client, helpdesk_user, participant_user):
    for user in (helpdesk_user, participant_user):
        client.force_login(user)
        assert client.get("/audit/export.csv").status_code == 403
    client.logout()
    assert client.get("/audit/export.csv").status_code == 302
