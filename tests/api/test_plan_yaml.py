"""The plan as YAML over the API, as on the plan's export and import pages: a check that changes nothing, an import
that replaces the whole plan (audited, one timeline entry), and the page's messages for a bad file."""
from opsconsole.audit.models import AuditEntry
from opsconsole.plan.models import Vlan
from opsconsole.plan.yamlio import demo_plan, export_plan, import_plan
from opsconsole.timeline.models import TimelineEntry

URL = "/api/v1/plan/import/"


def test_the_export_is_the_pages_download_and_importing_it_changes_nothing(helpdesk_api, noc_api, world):
    exported = helpdesk_api.get("/api/v1/plan/export/")

    assert exported.status_code == 200 and exported.json() == {"yaml": export_plan()}
    response = noc_api("post", URL, {"yaml": exported.json()["yaml"], "apply": True})
    assert response.status_code == 200
    assert response.json()["summary"] == ("VLANs: 0 created, 0 changed, 0 deleted; SSIDs: 0 created, 0 changed, "
                                          "0 deleted; prefixes: 0 created, 0 changed, 0 deleted")


def test_checking_changes_nothing_and_names_the_registrations_a_dropped_vlan_takes(noc_api, world):
    response = noc_api("post", URL, {"yaml": demo_plan("interop-shownet-2013")})

    assert response.status_code == 200
    assert response.json() == {
        "applied": False, "summary": None, "counts": None,
        "consequences": ["VLAN 40 nowep: 2 devices of 2 participants lose their registration for it."]}
    assert list(Vlan.objects.values_list("vid", flat=True)) == [40]


def test_a_bad_file_is_refused_with_every_problem_and_its_place(noc_api, world):
    before = export_plan()
    bad = before.replace("vid: 40", "vid: 5000").replace("vlan: nowep", "vlan: nowp", 1)

    for apply in (False, True):
        response = noc_api("post", URL, {"yaml": bad, "apply": apply})
        assert response.status_code == 400
        assert response.json() == {"yaml": ["vlans[0].vid: VLAN 5000 is out of range 1-4094",
                                             'ssids[0].vlan: no VLAN named "nowp"']}
    assert noc_api("post", URL, {"yaml": "vlans: [\n"}).json() == {
        "yaml": ["line 2: YAML syntax error: expected the node content, but found '<stream end>'"]}
    assert noc_api("post", URL, {"yaml": ""}).json() == {
        "yaml": ["file: a plan is a mapping with the lists vlans, ssids and prefixes"]}
    assert export_plan() == before


def test_an_import_replaces_the_plan_audited_as_the_caller_with_one_timeline_entry(
        noc_api, noc_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_plan(demo_plan("wide-camp-2011"))
    before = export_plan()
    after = before.replace("essid: widecamp-sat", "essid: widecamp-satellite")

    with django_capture_on_commit_callbacks(execute=True):
        response = noc_api("post", URL, {"yaml": after, "apply": True}, REMOTE_ADDR="2001:db8::77")

    assert response.status_code == 200
    assert response.json() == {
        "applied": True, "consequences": [],
        "summary": "VLANs: 0 created, 0 changed, 0 deleted; SSIDs: 1 created, 0 changed, 1 deleted; prefixes: 0 "
                   "created, 0 changed, 0 deleted",
        "counts": {"vlans": {"created": 0, "changed": 0, "deleted": 0}, "ssids": {"created": 1, "changed": 0,
                   "deleted": 1}, "prefixes": {"created": 0, "changed": 0, "deleted": 0}}}
    assert export_plan() == after
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT, via="api")
    assert (entry.actor_id, entry.object_type, entry.remote_addr) == (noc_user.pk, "plan.Plan", "2001:db8::77")
    assert entry.before == {"yaml": before} and entry.after == {"yaml": after}
    latest = TimelineEntry.objects.filter(kind=TimelineEntry.Kind.PLAN).latest("id")
    assert (latest.author, latest.text) == ("alice-noc", f"{entry.get_action_display()} {entry.kind} {entry.object_repr}")
    assert TimelineEntry.objects.filter(kind=TimelineEntry.Kind.PLAN).count() == 2
