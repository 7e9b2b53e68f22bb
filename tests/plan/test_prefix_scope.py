"""A prefix for clients needs its family on the VLAN: no IPv4 clients on a VLAN whose IPv4 scope is none."""
import pytest

from opsconsole.plan.models import Prefix, Vlan
from opsconsole.plan.yamlio import PlanErrors, check_plan, export_plan

pytestmark = pytest.mark.django_db


def no_ipv4(vlan: str) -> str:
    return (f"VLAN {vlan} has no IPv4 (its scope is none), so it has no IPv4 clients; set its IPv4 scope first or "
            f"choose another VLAN.")


def test_the_plan_page_refuses_ipv4_clients_on_a_vlan_without_ipv4(noc_client, wide_plan):
    vlan = Vlan.objects.get(vid=80)

    response = noc_client.post("/plan/prefixes/add/", {"network": "10.0.0.0/8", "purpose": "clients", "vlan": vlan.pk})

    assert response.status_code == 200 and no_ipv4("80 dns64") in response.content.decode()
    assert not Prefix.objects.filter(network="10.0.0.0/8").exists()


def test_the_yaml_import_refuses_them_too(wide_plan):
    text = export_plan().replace("prefixes:\n", "prefixes:\n- network: 10.0.0.0/8\n  vlan: dns64\n  purpose: clients\n", 1)

    with pytest.raises(PlanErrors) as refused:
        check_plan(text)

    assert refused.value.errors == [f"prefixes[0].vlan: {no_ipv4('dns64')}"]


def test_a_vlan_with_ipv4_clients_cannot_drop_its_ipv4(noc_client, wide_plan):
    vlan = Vlan.objects.get(vid=103)
    clients = sorted(p.network for p in vlan.prefixes.filter(purpose="clients") if p.family == "ipv4")
    data = {"vid": 103, "name": vlan.name, "purpose": vlan.purpose}
    for row in vlan.families.all():
        data |= {f"{row.family}-{name}": getattr(row, name) for name in ("scope", "resolver", "allocation", "transition")}
    data |= {"ipv4-scope": "none", "ipv4-allocation": "none", "ipv4-resolver": "none", "ipv4-transition": "none"}

    response = noc_client.post("/plan/vlans/103/", data)

    assert clients and f"{', '.join(clients)} number this VLAN&#x27;s IPv4 clients" in response.content.decode()
    assert vlan.families.get(family="ipv4").scope != "none"
