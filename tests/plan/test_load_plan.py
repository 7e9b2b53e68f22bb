"""`manage.py load_plan`: loads a demo plan or a file, prints one line, and is idempotent."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from opsconsole.audit.models import AuditEntry
from opsconsole.plan.models import Prefix, Ssid, Vlan

pytestmark = pytest.mark.django_db


def load(name: str) -> str:
    out = StringIO()
    call_command("load_plan", name, stdout=out)
    return out.getvalue()


def test_loads_a_demo_plan_with_a_one_line_summary():
    output = load("wide-camp-2011")

    assert output == (
        "wide-camp-2011: VLANs: 7 created, 0 changed, 0 deleted; SSIDs: 6 created, 0 changed, 0 deleted; "
        "prefixes: 13 created, 0 changed, 0 deleted\n"
    )
    assert Vlan.objects.count() == 7 and Ssid.objects.count() == 6 and Prefix.objects.count() == 13


def test_loading_twice_changes_nothing():
    load("interop-shownet-2013")
    entries = AuditEntry.objects.exclude(action="import").count()

    output = load("interop-shownet-2013")

    assert "VLANs: 0 created, 0 changed, 0 deleted" in output
    assert "prefixes: 0 created, 0 changed, 0 deleted" in output
    assert AuditEntry.objects.exclude(action="import").count() == entries


def test_switching_plans_replaces_the_whole_plan():
    load("wide-camp-2011")

    output = load("interop-shownet-2013")

    assert "VLANs: 5 created, 0 changed, 7 deleted" in output
    assert set(Vlan.objects.values_list("name", flat=True)) == {
        "freewifi", "freewifi-a", "hall7-map-e", "hall7-ds-lite", "hall7-464xlat"
    }


def test_loads_a_file_by_path(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(
        "vlans:\n- vid: 10\n  name: lab\n  ipv6: {scope: global, allocation: ra-slaac, resolver: plain, transition: native}\n"
        "  ipv4: {scope: none, allocation: none, resolver: none, transition: none}\nssids: []\nprefixes: []\n"
    )

    assert "VLANs: 1 created" in load(str(path))
    assert Vlan.objects.get().name == "lab"


def test_a_bad_file_is_refused_with_every_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("vlans:\n- {vid: 5000, name: Bad Name}\nssids: []\nprefixes: []\n")

    with pytest.raises(CommandError) as refused:
        load(str(path))

    message = str(refused.value)
    assert "vlans[0].vid: VLAN 5000 is out of range 1-4094" in message
    assert "vlans[0].name: A VLAN name is up to 32 lowercase letters" in message
    assert "vlans[0].ipv6: missing" in message
    assert Vlan.objects.count() == 0


def test_an_unknown_name_is_refused():
    with pytest.raises(CommandError, match="neither a demo plan"):
        load("wide-camp-2099")
