"""The events timeline: automatic entries from pushes and plan changes, NOC notes, filters, CSV, live deltas."""
import csv
import io
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.management import call_command
from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.monitoring.live import topic_group
from opsconsole.nodes.models import ConfigRevision, GatewayNode, Push
from opsconsole.nodes.tasks import push_node_revision
from opsconsole.timeline.entries import add_entry
from opsconsole.timeline.models import TimelineEntry
from tests.ports import free_port

pytestmark = pytest.mark.django_db
Kind = TimelineEntry.Kind


def test_a_finished_push_is_an_entry_with_its_outcome():
    node = GatewayNode(name="nat64-1", agent_url=f"http://127.0.0.1:{free_port()}")  # nothing listens there
    node.issue_credentials()
    node.save()
    node.desired_revision = ConfigRevision.objects.create(node=node, number=1, intent={}, content_hash="sha256:1",
                                                          created_by="noc", reason="test")
    node.save(update_fields=["desired_revision"])
    push_node_revision(node.pk)
    assert Push.objects.get().status == Push.Status.UNREACHABLE
    entry = TimelineEntry.objects.get(kind=Kind.PUSH)
    assert entry.subject == "nat64-1" and entry.text.startswith("revision 1: agent unreachable")


def test_loading_a_plan_is_one_plan_change_entry(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_plan", "wide-camp-2011")
    entry = TimelineEntry.objects.get(kind=Kind.PLAN)
    assert entry.text.startswith("imported") and "network plan" in entry.text and entry.author == "system"


def test_one_change_is_an_entry_saying_what_changed(django_capture_on_commit_callbacks):
    node = GatewayNode(name="nat64-1", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    with django_capture_on_commit_callbacks(execute=True):
        node.save()
    with django_capture_on_commit_callbacks(execute=True):
        node.description = "NAT64 for the camp's IPv6-only SSID"
        node.save()
    texts = list(TimelineEntry.objects.filter(kind=Kind.PLAN).order_by("id").values_list("text", flat=True))
    assert len(texts) == 2 and texts[0] == "created Gateway node nat64-1"
    assert texts[1] == "changed Gateway node nat64-1: description: — → NAT64 for the camp's IPv6-only SSID"


def test_a_rolled_back_change_leaves_no_entry(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            call_command("load_plan", "wide-camp-2011")
            raise RuntimeError("changed my mind")
    assert not TimelineEntry.objects.filter(kind=Kind.PLAN).exists()


def test_the_noc_adds_a_note_which_is_audited(noc_client):
    response = noc_client.post("/timeline/notes/", {"text": "DNS64 overloaded; added a second resolver",
                                                    "subject": "dns64-1"})
    assert response.status_code == 302
    note = TimelineEntry.objects.get(kind=Kind.NOTE)
    assert (note.author, note.subject) == ("alice-noc", "dns64-1")
    assert AuditEntry.objects.filter(object_type="timeline.TimelineEntry", object_id=str(note.pk),
                                     actor_label="alice-noc").exists()
    assert "DNS64 overloaded" in noc_client.get("/timeline/").content.decode()


def test_helpdesk_reads_the_timeline_but_adds_no_note_and_a_participant_sees_nothing(helpdesk_client,
                                                                                      participant_user, client):
    add_entry(Kind.NOTE, "uplink maintenance at 14:00")
    assert "uplink maintenance" in helpdesk_client.get("/timeline/").content.decode()
    assert helpdesk_client.post("/timeline/notes/", {"text": "x"}).status_code == 403
    client.force_login(participant_user)
    assert client.get("/timeline/").status_code == 403
    assert client.get("/timeline/export.csv").status_code == 403


def test_filters_by_kind_date_and_text(noc_client):
    now = timezone.now()
    add_entry(Kind.NOTE, "resolver restarted", subject="dns64-1", at=now - timedelta(days=2))
    add_entry(Kind.ALERT, "alert raised: DHCP pool 192.0.2.0/24 on dhcp-1: 91 % used", subject="dhcp-1", at=now)
    add_entry(Kind.PUSH, "revision 4: applied", subject="nat64-1", at=now)

    def shown(query: str) -> set[str]:
        page = noc_client.get(f"/timeline/?{query}").content.decode()
        return {text for text in ("resolver restarted", "91 % used", "revision 4: applied") if text in page}

    assert shown("kind=alert") == {"91 % used"}
    assert shown(f"until={(now - timedelta(days=1)).date().isoformat()}") == {"resolver restarted"}
    assert shown(f"since={now.date().isoformat()}") == {"91 % used", "revision 4: applied"}
    assert shown("q=NAT64-1") == {"revision 4: applied"}
    assert shown("since=not-a-date") == {"resolver restarted", "91 % used", "revision 4: applied"}


def test_the_csv_export_is_filtered_and_guards_against_formula_injection(noc_client):
    add_entry(Kind.NOTE, '=HYPERLINK("http://evil.example","click")', subject="+cmd|' /C calc'!A0")
    add_entry(Kind.PUSH, "revision 4: applied", subject="nat64-1")
    response = noc_client.get("/timeline/export.csv?kind=note")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["When", "Kind", "About", "What happened", "By"]
    assert len(rows) == 2
    assert rows[1][2] == "'+cmd|' /C calc'!A0" and rows[1][3] == "'=HYPERLINK(\"http://evil.example\",\"click\")"


def test_an_entry_reaches_the_timeline_topic_after_commit(django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(topic_group("timeline"), channel)
    with django_capture_on_commit_callbacks(execute=True):
        entry = add_entry(Kind.NOTE, "camp network opened")
    message = async_to_sync(layer.receive)(channel)["delta"]
    assert message["topic"] == "timeline" and message["kind"] == "entry"
    assert message["data"]["id"] == entry.pk and message["data"]["text"] == "camp network opened"
