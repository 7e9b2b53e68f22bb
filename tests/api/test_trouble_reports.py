"""Trouble reports over the API: a participant files one about their own device, as in the portal; the helpdesk
answers it and attaches another tool's result, as on the report page; each step audited."""
from datetime import timedelta

from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.support.models import Status, TroubleReport


def test_a_participant_files_a_report_about_their_own_device(participant_api, participant_user, world):
    response = participant_api("post", "/api/v1/trouble-reports/", {
        "what_happened": "no IPv4 sites load", "device": world["participant_device"].pk,
        "participant": world["other"].pk, "status": "answered", "answer": "self-answered"}, REMOTE_ADDR="2001:db8::42")

    assert response.status_code == 201, response.content
    report = TroubleReport.objects.get(pk=response.json()["id"])
    assert (report.participant, report.status, report.answer) == (world["participant"], Status.OPEN, "")
    entry = AuditEntry.objects.get(object_type="support.TroubleReport", action=AuditEntry.Action.CREATE, via="api")
    assert (entry.actor_id, entry.remote_addr, entry.object_id) == (participant_user.pk, "2001:db8::42", str(report.pk))


def test_a_report_is_refused_with_the_portals_messages(participant_api, world):
    post = lambda body: participant_api("post", "/api/v1/trouble-reports/", body)  # noqa: E731
    other_device = world["other_device"].pk

    assert post({"what_happened": "x", "device": other_device}).json() == {
        "device": [f'Invalid pk "{other_device}" - object does not exist.']}
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    assert post({"what_happened": "x", "happened_at": future}).json() == {
        "happened_at": ["That is in the future; when did it happen?"]}
    assert post({"what_happened": "x" * 2001}).json() == {
        "what_happened": ["Ensure this field has no more than 2000 characters."]}
    assert post({}).json() == {"what_happened": ["This field is required."]}


def test_the_helpdesk_answers_and_attaches_a_result(helpdesk_api, helpdesk_user, participant_api, world):
    url = f"/api/v1/trouble-reports/{world['participant_report'].pk}/"

    answered = helpdesk_api("post", url + "answer/", {"answer": "Forget the network and rejoin."})
    attached = helpdesk_api("post", url + "attach/", {"title": "DNS64 check", "text": "AAAA synthesised",
                                                      "source": "diagnostics"})

    assert answered.status_code == 200 and attached.status_code == 201, (answered.content, attached.content)
    assert (answered.json()["status"], answered.json()["answered_by"]) == ("answered", "bob-helpdesk")
    mine = participant_api.get(url).json()
    assert (mine["answer"], [row["title"] for row in mine["attachments"]]) == (
        "Forget the network and rejoin.", ["DNS64 check"])
    entry = AuditEntry.objects.get(object_type="support.TroubleReport", action=AuditEntry.Action.UPDATE)
    assert (entry.actor_id, entry.via) == (helpdesk_user.pk, "api")
    assert AuditEntry.objects.filter(object_type="support.Attachment", via="api").count() == 1
    assert helpdesk_api("post", url + "answer/", {"answer": ""}).json() == {"answer": ["This field may not be blank."]}
    assert helpdesk_api("post", url + "attach/", {"title": "x", "text": "y"}).json() == {
        "source": ["This field is required."]}
    assert participant_api("post", url + "attach/", {"title": "x", "text": "y", "source": "me"}).json() == {
        "detail": "Your role may not do this."}
