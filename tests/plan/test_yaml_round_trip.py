"""Export -> import into an empty database -> export gives the same text, for both demo plans."""
import pytest

from opsconsole.plan.models import Prefix, Ssid, Vlan
from opsconsole.plan.yamlio import DEMO_PLANS, PlanErrors, demo_plan, export_plan, import_plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", DEMO_PLANS)
def test_export_import_export_is_identical(name):
    import_plan(demo_plan(name))
    exported = export_plan()
    Ssid.objects.all().delete()
    Prefix.objects.all().delete()
    Vlan.objects.all().delete()
    assert export_plan() == "vlans: []\nssids: []\nprefixes: []\n"

    import_plan(exported)

    assert export_plan() == exported


def test_reimporting_the_same_plan_changes_nothing_and_keeps_primary_keys():
    import_plan(demo_plan("wide-camp-2011"))
    keys = sorted(Vlan.objects.values_list("pk", "vid"))

    summary = import_plan(export_plan())

    assert str(summary) == (
        "VLANs: 0 created, 0 changed, 0 deleted; SSIDs: 0 created, 0 changed, 0 deleted; "
        "prefixes: 0 created, 0 changed, 0 deleted"
    )
    assert sorted(Vlan.objects.values_list("pk", "vid")) == keys


def test_wide_camp_table_1_as_data():
    import_plan(demo_plan("wide-camp-2011"))

    nowep = Ssid.objects.get(essid="widecamp-nowep")
    assert (nowep.hidden, nowep.authentication, nowep.bands) == (True, "mac-auth", ["2.4GHz"])
    assert Ssid.objects.get(essid="widecamp-a").bands == ["5GHz"]
    assert Ssid.objects.get(essid="widecamp-a").vlan == Ssid.objects.get(essid="widecamp").vlan
    rows = {
        (f.vlan.name, f.family): (f.scope, f.resolver, f.allocation, f.transition)
        for f in Vlan.objects.get(name="widecamp").families.all()
        | Vlan.objects.get(name="widecamp-iij").families.all()
        | Vlan.objects.get(name="widecamp-4rd").families.all()
        | Vlan.objects.get(name="widecamp-sat").families.all()
    }
    assert rows[("widecamp", "ipv4")] == ("global", "dns64", "dhcpv4-registration", "sa46t")
    assert rows[("widecamp", "ipv6")] == ("global", "dns64", "dhcpv6", "nat64")
    assert rows[("widecamp-sat", "ipv4")] == ("none", "none", "none", "none")
    assert rows[("widecamp-iij", "ipv6")] == ("global", "none", "ra-slaac", "none")
    assert rows[("widecamp-iij", "ipv4")] == ("none", "none", "none", "4rd")
    assert rows[("widecamp-4rd", "ipv4")] == ("private", "proxy", "dhcpv4-open", "4rd")
    assert Prefix.objects.get(network="2001:200:0:ff99::/96").purpose == "translator"
    assert Prefix.objects.get(network="203.178.159.24/30").purpose == "translator"


def test_shownet_map_e_rule_prefixes():
    import_plan(demo_plan("interop-shownet-2013"))

    mape = Vlan.objects.get(name="hall7-map-e")
    assert {p.network for p in mape.prefixes.filter(purpose="translator")} == {
        "2001:3e8:6000::/56",
        "130.129.255.92/30",
    }
    assert mape.families.get(family="ipv4").transition == "map-e"
    assert set(Ssid.objects.values_list("essid", flat=True)) == {"5howNet FreeWiFi", "5howNet FreeWiFi-a"}


def test_the_wifi_password_flag_round_trips_and_is_refused_on_a_mac_ssid():
    import_plan(demo_plan("wide-camp-2011"))
    Ssid.objects.filter(essid="widecamp-a").update(wifi_password=True)
    exported = export_plan()
    assert "- essid: widecamp-a\n  hidden: false\n  authentication: wpa2-eap-tls\n  wifi_password: true\n" in exported
    assert exported.count("wifi_password") == 1
    Ssid.objects.filter(essid="widecamp-a").update(wifi_password=False)

    assert str(import_plan(exported)).startswith("VLANs: 0 created, 0 changed, 0 deleted; SSIDs: 0 created, 1 changed")
    assert list(Ssid.objects.filter(wifi_password=True).values_list("essid", flat=True)) == ["widecamp-a"]
    assert export_plan() == exported

    mac_with_password = exported.replace("authentication: mac-auth\n", "authentication: mac-auth\n  wifi_password: true\n")
    with pytest.raises(PlanErrors) as refused:
        import_plan(mac_with_password)
    assert refused.value.errors == ["ssids[3].wifi_password: The Wi-Fi password is offered only on an EAP SSID."]
