"""Trouble reports through HTTP: a participant reports, the helpdesk sees it with everything known and answers."""
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.monitoring.live import topic_group
from opsconsole.monitoring.panels import panels
from opsconsole.nodes.models import GatewayNode
from opsconsole.plan.models import Ssid
from opsconsole.radius.models import RadPostAuth
from opsconsole.registration.models import NeighbourEntry
from opsconsole.selftest.models import SelfTestResult
from opsconsole.support.models import TroubleReport
from opsconsole.support.queue import attach, open_reports_panel


def report_form(carol, **change) -> dict:
    return {"what_happened": "Mail to my company's server (written as 203.0.113.25) times out.",
            "device": carol.devices.get().pk, "ssid": Ssid.objects.get(essid="widecamp-nowep").pk,
            "happened_at": (timezone.localtime() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"), **change}


def file(client, carol, **change):
    return client.post("/portal/trouble/", report_form(carol, **change))


def listen_to_support():
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(topic_group("support"), channel)
    return lambda: async_to_sync(layer.receive)(channel)


def test_a_participant_reports_a_trouble_and_the_dashboards_hear_of_it(participant_client, carol,
                                                                       django_capture_on_commit_callbacks):
    receive = listen_to_support()
    with django_capture_on_commit_callbacks(execute=True):
        response = file(participant_client, carol)
    report = TroubleReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/trouble/{report.pk}/"
    assert report.participant == carol and report.ssid.essid == "widecamp-nowep" and report.status == "open"
    delta = receive()["delta"]
    assert (delta["topic"], delta["kind"], delta["data"]) == ("support", "report",
                                                              {"id": report.pk, "status": "open", "open": 1})
    assert AuditEntry.objects.filter(object_type="support.TroubleReport", action="create", actor_label="carol").exists()
    page = participant_client.get(f"/portal/trouble/{report.pk}/").text
    assert "203.0.113.25" in page and "No answer yet" in page


@pytest.mark.parametrize("change, message", [
    ({"what_happened": ""}, "This field is required."),
    ({"happened_at": "yesterday-ish"}, "Enter a valid date/time."),
    ({"ssid": "999999"}, "Select a valid choice."),
])
def test_bad_reports_are_refused_plainly(participant_client, carol, change, message):
    response = file(participant_client, carol, **change)
    assert response.status_code == 400 and message in response.text
    assert not TroubleReport.objects.exists()


def test_a_time_in_the_future_is_refused(participant_client, carol):
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = file(participant_client, carol, happened_at=later)
    assert response.status_code == 400 and "That is in the future" in response.text


def test_another_participants_device_cannot_be_named(participant_client, carol, dave):
    response = file(participant_client, carol, device=dave.devices.get().pk)
    assert response.status_code == 400 and "Select a valid choice." in response.text
    assert "dave&#x27;s phone" not in participant_client.get("/portal/trouble/").text


def test_a_participant_sees_only_their_own_reports(participant_client, carol, dave):
    theirs = TroubleReport.objects.create(participant=dave, what_happened="Dave's secret trouble")
    assert participant_client.get(f"/portal/trouble/{theirs.pk}/").status_code == 404
    assert "Dave&#x27;s secret trouble" not in participant_client.get("/portal/trouble/").text


def test_anonymous_is_sent_to_the_portal_sign_in(client, db):
    assert client.get("/portal/trouble/")["Location"] == "/portal/sign-in/"
    assert client.get("/support/")["Location"].startswith("/login/")


def test_the_helpdesk_sees_the_report_with_what_the_console_knows(helpdesk_client, carol):
    report = TroubleReport.objects.create(participant=carol, what_happened="Slow to connect", device=carol.devices.get())
    node = GatewayNode(name="dhcp-support", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    NeighbourEntry.objects.create(node=node, ip="2001:db8:40::1234", mac="02:00:00:00:00:01")
    RadPostAuth.objects.create(username="02:00:00:00:00:01", reply="Access-Reject", calledstationid="aa-bb-cc-dd-ee-ff:widecamp-nowep",
                               callingstationid="02-00-00-00-00-01", authdate=timezone.now(), reason="MAC not registered")
    SelfTestResult.objects.create(participant=carol, probes={"ipv6": True}, connectivity="ipv6-without-dns64",
                                  ipv4="none", large_packets="unknown")
    attach(report, "DNS64 check of mail.example.com", "AAAA synthesised: 64:ff9b::cb00:7119", source="diagnostics")

    queue = helpdesk_client.get("/support/").text
    assert "Slow to connect" in queue and "Carol Example" in queue
    page = helpdesk_client.get(f"/support/{report.pk}/").text
    assert "02:00:00:00:00:01" in page and "2001:db8:40::1234" in page
    assert "MAC not registered" in page and "ipv6-without-dns64" in page
    assert "64:ff9b::cb00:7119" in page and "diagnostics" in page


def test_the_helpdesk_answers_audited_and_the_participant_reads_it(helpdesk_client, carol):
    report = TroubleReport.objects.create(participant=carol, what_happened="Mail times out")
    response = helpdesk_client.post(f"/support/{report.pk}/answer/",
                                    {"answer": "Write the server's name, not 203.0.113.25: NAT64 needs a name."})
    assert response.status_code == 302 and response["Location"] == f"/support/{report.pk}/"
    report.refresh_from_db()
    assert report.status == "answered" and report.answered_by.username == "bob-helpdesk"
    entry = AuditEntry.objects.filter(object_type="support.TroubleReport", action="update").latest("at")
    assert entry.actor_label == "bob-helpdesk" and entry.after["status"] == "answered"
    assert "Mail times out" not in helpdesk_client.get("/support/").text  # the queue shows open reports first
    assert "Mail times out" in helpdesk_client.get("/support/?status=answered").text

    participant = Client()
    participant.force_login(carol.user)
    assert "NAT64 needs a name" in participant.get(f"/portal/trouble/{report.pk}/").text


def test_an_empty_answer_is_refused(helpdesk_client, carol):
    report = TroubleReport.objects.create(participant=carol, what_happened="x")
    response = helpdesk_client.post(f"/support/{report.pk}/answer/", {"answer": ""})
    assert response.status_code == 400 and "This field is required." in response.text
    assert helpdesk_client.post("/support/999999/answer/", {"answer": "x"}).status_code == 404


def test_the_noc_uses_the_queue_too(noc_client, carol):
    report = TroubleReport.objects.create(participant=carol, what_happened="x")
    assert noc_client.get(f"/support/{report.pk}/").status_code == 200


def test_participants_cannot_open_the_queue(participant_client, carol):
    report = TroubleReport.objects.create(participant=carol, what_happened="x")
    assert participant_client.get("/support/").status_code == 403
    assert participant_client.get(f"/support/{report.pk}/").status_code == 403
    assert participant_client.post(f"/support/{report.pk}/answer/", {"answer": "fixed"}).status_code == 403


def test_the_dashboard_counts_open_reports(carol):
    panel = next(panel for panel in panels() if panel.name == "open-trouble-reports")
    assert panel.public is False and panel.topics == ("support",)
    assert panel not in panels(public_only=True)
    TroubleReport.objects.create(participant=carol, what_happened="a")
    TroubleReport.objects.create(participant=carol, what_happened="b", status="answered")
    assert open_reports_panel()["open_reports"] == 1
    assert 'data-open="1"' in render_to_string(panel.template, panel.context())


def test_another_tools_result_is_attached_with_one_post(helpdesk_client, carol):
    report = TroubleReport.objects.create(participant=carol, what_happened="A hotel site fails")
    response = helpdesk_client.post(f"/support/{report.pk}/attach/", {
        "title": "AAAA check of hotel.example", "text": "SERVFAIL for AAAA, A exists (RFC 4074 4.3)", "source": "diagnostics"})
    assert response.status_code == 302 and response["Location"] == f"/support/{report.pk}/"
    assert "RFC 4074 4.3" in helpdesk_client.get(f"/support/{report.pk}/").text
    assert AuditEntry.objects.filter(object_type="support.Attachment", actor_label="bob-helpdesk").exists()


def test_a_bad_attachment_gets_a_plain_answer(helpdesk_client, carol):
    report = TroubleReport.objects.create(participant=carol, what_happened="x")
    response = helpdesk_client.post(f"/support/{report.pk}/attach/", {"title": "", "text": "t", "source": "diagnostics"})
    assert response.status_code == 400 and "title: This field is required." in response.text
    assert helpdesk_client.post("/support/999999/attach/", {"title": "t", "text": "t", "source": "s"}).status_code == 404
    participant = Client()
    participant.force_login(carol.user)
    assert participant.post(f"/support/{report.pk}/attach/", {"title": "t", "text": "t", "source": "s"}).status_code == 403
