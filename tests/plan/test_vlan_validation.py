"""Bad VLAN input is refused with a plain message, in the model and on the editor page."""
import pytest
from django.core.exceptions import ValidationError

from opsconsole.plan.models import Vlan

pytestmark = pytest.mark.usefixtures("wide_plan")

FAMILIES = {
    "ipv6-scope": "global", "ipv6-allocation": "dhcpv6", "ipv6-resolver": "dns64", "ipv6-transition": "nat64",
    "ipv4-scope": "none", "ipv4-allocation": "none", "ipv4-resolver": "none", "ipv4-transition": "none",
}


def messages_of(vlan: Vlan) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        vlan.full_clean()
    return refused.value.message_dict


def test_model_refuses_out_of_range_duplicate_and_bad_names():
    assert messages_of(Vlan(vid=5000, name="x"))["vid"] == ["VLAN 5000 is out of range 1-4094"]
    assert messages_of(Vlan(vid=0, name="x"))["vid"] == ["VLAN 0 is out of range 1-4094"]
    assert messages_of(Vlan(vid=101, name="other"))["vid"] == ["VLAN 101 is already in the plan."]
    assert messages_of(Vlan(vid=300, name="widecamp"))["name"] == ["A VLAN named “widecamp” is already in the plan."]
    assert messages_of(Vlan(vid=300, name="Wide Camp"))["name"][0].startswith("A VLAN name is up to 32 lowercase")


def test_page_shows_the_same_messages_next_to_the_field(noc_client):
    response = noc_client.post("/plan/vlans/add/", {"vid": "5000", "name": "widecamp", "purpose": "", **FAMILIES})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["vid"] == ["VLAN 5000 is out of range 1-4094"]
    assert errors["name"] == ["A VLAN named “widecamp” is already in the plan."]
    assert "VLAN 5000 is out of range 1-4094" in response.content.decode()
    assert not Vlan.objects.filter(vid=5000).exists()


def test_page_refuses_a_duplicate_id(noc_client):
    response = noc_client.post("/plan/vlans/add/", {"vid": "101", "name": "again", **FAMILIES})

    assert response.context["form"].errors["vid"] == ["VLAN 101 is already in the plan."]


def test_page_adds_a_vlan_with_both_family_rows(noc_client):
    response = noc_client.post("/plan/vlans/add/", {"vid": "200", "name": "lab", "purpose": "lab", **FAMILIES}, follow=True)

    assert "Saved VLAN 200 lab." in response.content.decode()
    rows = {f.family: (f.scope, f.transition) for f in Vlan.objects.get(vid=200).families.all()}
    assert rows == {"ipv6": ("global", "nat64"), "ipv4": ("none", "none")}
