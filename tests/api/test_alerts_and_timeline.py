"""Alerts and the timeline over the API, as on their pages: alerts filtered open or cleared, a rule's thresholds,
notification channels whose webhook URL never comes back, the timeline's filters and the NOC's notes, all audited."""
from datetime import datetime, timezone

from opsconsole.alerts.models import Alert, NotificationChannel
from opsconsole.audit.models import AuditEntry
from opsconsole.timeline.models import TimelineEntry


def test_alerts_are_listed_open_or_cleared(helpdesk_api, world):
    now = datetime.now(timezone.utc)
    cleared = Alert.objects.create(rule=world["rule"], kind="dhcp-pool", subject="nat64-a/hall", raised_at=now,
                                   cleared_at=now, notified_at=now, facts={"pool": "hall", "node": "nat64-a",
                                                                            "percent": 85, "used": 85, "size": 100})

    open_ones = helpdesk_api.get("/api/v1/alerts/?open=true").json()["results"]
    cleared_ones = helpdesk_api.get("/api/v1/alerts/?open=false").json()["results"]

    assert [(row["id"], row["open"], row["summary"]) for row in open_ones] == [
        (world["alert"].pk, True, "DHCP pool camp on nat64-a: 91 % used (91 of 100)")]
    assert [(row["id"], row["open"]) for row in cleared_ones] == [(cleared.pk, False)]
    assert helpdesk_api.get("/api/v1/alerts/?kind=snmp-down").json()["count"] == 0


def test_the_noc_sets_a_rules_threshold_and_the_change_is_audited(noc_api, noc_user, world):
    url = f"/api/v1/alert-rules/{world['rule'].pk}/"

    changed = noc_api("patch", url, {"threshold": 90, "kind": "snmp-down"}, REMOTE_ADDR="2001:db8::9")

    assert changed.status_code == 200
    assert changed.json() == {"id": world["rule"].pk, "kind": "dhcp-pool", "threshold": 90.0,
                              "threshold_unit": "% of the pool used", "duration_seconds": 0, "interfaces": "",
                              "repeat_minutes": 60, "enabled": True}
    entry = AuditEntry.objects.get(object_type="alerts.AlertRule", action=AuditEntry.Action.UPDATE)
    assert (entry.actor_id, entry.via, entry.remote_addr, entry.changes) == (
        noc_user.pk, "api", "2001:db8::9", ["threshold: 80.0 → 90.0"])
    assert noc_api("patch", url, {"threshold": -1}).json() == {
        "threshold": ["Ensure this value is greater than or equal to 0."]}
    # As on the page: the console keeps one rule per kind; the NOC changes or disables it.
    assert noc_api("post", "/api/v1/alert-rules/", {"kind": "snmp-down"}).status_code == 405
    assert noc_api("delete", url).status_code == 405


def test_a_webhook_url_goes_in_and_never_comes_out(noc_api, world):
    created = noc_api("post", "/api/v1/notification-channels/", {
        "name": "noc-slack", "kind": "webhook", "url": "https://hooks.example.org/services/T0/B0/slack-token-secret"})

    assert created.status_code == 201, created.content
    assert created.json() == {"id": created.json()["id"], "name": "noc-slack", "kind": "webhook", "addresses": "",
                              "enabled": True, "shown_target": "https://hooks.example.org/…", "last_error": ""}
    channel = NotificationChannel.objects.get(name="noc-slack")
    assert channel.url == "https://hooks.example.org/services/T0/B0/slack-token-secret"
    shown = noc_api.get("/api/v1/notification-channels/").content.decode()
    shown += noc_api.get(f"/api/v1/notification-channels/{channel.pk}/").content.decode()
    for secret in ("slack-token-secret", "webhook-path-secret", "/services/", "/hooks/", '"url"'):
        assert secret not in shown
    entry = AuditEntry.objects.get(object_type="alerts.NotificationChannel", action=AuditEntry.Action.CREATE, via="api")
    assert entry.via == "api" and entry.after["url_encrypted"] == "(secret)"
    assert "slack-token-secret" not in str(entry.after)


def test_a_channel_is_refused_with_the_pages_messages(noc_api, world):
    post = lambda body: noc_api("post", "/api/v1/notification-channels/", body)  # noqa: E731

    assert post({"name": "a", "kind": "webhook"}).json() == {"kind": ["A webhook needs its URL."]}
    assert post({"name": "a", "kind": "webhook", "url": "ftp://files.example.org/x"}).json() == {
        "url": ["Give an http:// or https:// URL."]}
    assert post({"name": "a", "kind": "email", "addresses": " , "}).json() == {
        "addresses": ["Give at least one e-mail address."]}
    assert post({"name": "a", "kind": "email", "addresses": "noc@example.org, not-an-address"}).json() == {
        "addresses": ["Enter a valid email address."]}
    assert post({"name": "noc-chat", "kind": "email", "addresses": "noc@example.org"}).json() == {
        "name": ["Notification channel with this Name already exists."]}
    kept = noc_api("patch", f"/api/v1/notification-channels/{world['channel'].pk}/", {"enabled": False})
    assert kept.status_code == 200 and kept.json()["enabled"] is False
    assert NotificationChannel.objects.get(pk=world["channel"].pk).url.endswith("/hooks/webhook-path-secret")


def test_the_timeline_filters_as_the_page_does(helpdesk_api, world):
    TimelineEntry.objects.create(kind=TimelineEntry.Kind.PUSH, subject="nat64-a", text="revision 3 applied",
                                 at=datetime(2026, 3, 1, 12, tzinfo=timezone.utc))
    TimelineEntry.objects.create(kind=TimelineEntry.Kind.NOTE, subject="nat64-a", text="rebooted",
                                 author="alice-noc", at=datetime(2026, 3, 2, 12, tzinfo=timezone.utc))

    def texts(query: str) -> list[str]:
        response = helpdesk_api.get(f"/api/v1/timeline/?{query}")
        assert response.status_code == 200, response.content
        return [row["text"] for row in response.json()["results"]]

    assert texts("kind=note") == ["uplink 2 patched", "rebooted"]
    assert texts("q=NAT64-A") == ["rebooted", "revision 3 applied"]
    assert texts("q=alice&until=2026-03-31") == ["rebooted"]
    assert texts("since=2026-03-02&until=2026-03-02") == ["rebooted"]
    refused = helpdesk_api.get("/api/v1/timeline/?since=2026-02-31")
    assert refused.status_code == 400 and refused.json() == {"since": ["Enter a valid date."]}


def test_the_noc_adds_a_note_as_on_the_page(noc_api, noc_user, world):
    created = noc_api("post", "/api/v1/timeline/", {"text": "DNS64 switched to unbound", "subject": "nat64-a",
                                                    "kind": "push", "author": "someone-else"}, REMOTE_ADDR="192.0.2.77")

    assert created.status_code == 201, created.content
    note = TimelineEntry.objects.get(pk=created.json()["id"])
    assert (note.kind, note.author, note.subject, note.text) == ("note", "alice-noc", "nat64-a",
                                                                 "DNS64 switched to unbound")
    assert (created.json()["kind"], created.json()["author"]) == ("note", "alice-noc")
    entry = AuditEntry.objects.get(object_type="timeline.TimelineEntry", action=AuditEntry.Action.CREATE)
    assert (entry.actor_id, entry.via, entry.remote_addr, entry.object_id) == (noc_user.pk, "api", "192.0.2.77",
                                                                               str(note.pk))
    assert noc_api("post", "/api/v1/timeline/", {"text": " "}).json() == {"text": ["This field may not be blank."]}
    assert noc_api("post", "/api/v1/timeline/", {"text": "x" * 2001}).json() == {
        "text": ["Ensure this field has no more than 2000 characters."]}
    assert TimelineEntry.objects.filter(kind="note").count() == 2
