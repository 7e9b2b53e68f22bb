"""/plan/import/: paste or upload YAML; errors are listed and change nothing, a good file is applied and counted."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opsconsole.audit.models import AuditEntry
from opsconsole.plan.models import Ssid, Vlan
from opsconsole.plan.yamlio import demo_plan, export_plan

pytestmark = pytest.mark.usefixtures("wide_plan")


def test_pasted_errors_are_listed_and_nothing_changes(noc_client):
    before = export_plan()
    bad = before.replace("vid: 101", "vid: 5000").replace("vlan: widecamp-sat", "vlan: widecmp")

    response = noc_client.post("/plan/import/", {"text": bad, "action": "import"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was changed: the file has 3 problems." in page
    assert "vlans[2].vid: VLAN 5000 is out of range 1-4094" in page
    assert "ssids[2].vlan: no VLAN named &quot;widecmp&quot;" in page
    assert "prefixes[7].vlan: no VLAN named &quot;widecmp&quot;" in page
    assert export_plan() == before


def test_check_only_changes_nothing(noc_client):
    text = demo_plan("interop-shownet-2013")

    response = noc_client.post("/plan/import/", {"text": text, "action": "check"})

    assert "The file is valid; nothing was changed yet." in response.content.decode()
    assert Vlan.objects.filter(name="freewifi").count() == 0


def test_upload_replaces_the_plan_and_says_what_changed(noc_client):
    edited = export_plan().replace("essid: widecamp-sat", "essid: widecamp-satellite").replace(
        "authentication: mac-auth", "authentication: psk"
    )
    upload = SimpleUploadedFile("plan.yaml", edited.encode(), content_type="application/yaml")
    widecamp_pk = Vlan.objects.get(vid=101).pk

    response = noc_client.post("/plan/import/", {"file": upload, "action": "import"}, follow=True)

    assert (
        "Imported the plan. VLANs: 0 created, 0 changed, 0 deleted; SSIDs: 1 created, 1 changed, 1 deleted; "
        "prefixes: 0 created, 0 changed, 0 deleted." in response.content.decode()
    )
    assert export_plan() == edited
    assert Vlan.objects.get(vid=101).pk == widecamp_pk
    assert Ssid.objects.get(essid="widecamp-nowep").authentication == "psk"


def test_import_is_audited_with_before_and_after_yaml(noc_client):
    before = export_plan()
    after = before.replace("purpose: 4RD experiment", "purpose: 4rd trial")

    noc_client.post("/plan/import/", {"text": after, "action": "import"}, REMOTE_ADDR="2001:db8::77")

    entry = AuditEntry.objects.get(action="import", actor_label="alice-noc")
    assert (entry.actor_label, entry.remote_addr, entry.object_type) == ("alice-noc", "2001:db8::77", "plan.Plan")
    assert entry.before == {"yaml": before} and entry.after == {"yaml": after}
    change = AuditEntry.objects.get(action="update", object_type="plan.Vlan")
    assert change.after["purpose"].startswith("4rd trial") and change.actor_label == "alice-noc"


def test_renumbering_a_vlan_moves_its_name(noc_client):
    edited = export_plan().replace("vid: 105", "vid: 205")

    response = noc_client.post("/plan/import/", {"text": edited, "action": "import"}, follow=True)

    assert "VLANs: 1 created, 0 changed, 1 deleted" in response.content.decode()
    assert Vlan.objects.get(name="widecamp-4rd").vid == 205
    assert export_plan() == edited


def test_a_file_that_is_not_utf8_is_refused(noc_client):
    upload = SimpleUploadedFile("plan.yaml", b"\xff\xfe vlans", content_type="application/yaml")

    response = noc_client.post("/plan/import/", {"file": upload, "action": "import"})

    assert response.status_code == 400
    assert "file: plan.yaml is not UTF-8 text" in response.content.decode()
