"""Bad prefixes are refused with a plain message, in the model and on the editor page, for both families."""
import pytest
from django.core.exceptions import ValidationError

from opsconsole.plan.models import Prefix, Vlan

pytestmark = pytest.mark.usefixtures("wide_plan")


def messages_of(network: str, purpose: str = "clients") -> list[str]:
    with pytest.raises(ValidationError) as refused:
        Prefix(network=network, purpose=purpose, vlan=Vlan.objects.get(vid=102)).full_clean()
    return refused.value.message_dict.get("network") or refused.value.message_dict["purpose"]


def test_unparseable_and_host_bits():
    assert messages_of("banana") == ["“banana” is not an IPv4 or IPv6 prefix such as 2001:db8::/48 or 192.0.2.0/24."]
    assert messages_of("192.0.2.1/24") == ["192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?"]
    assert messages_of("2001:db8::1/64") == ["2001:db8::1/64 has host bits set; did you mean 2001:db8::/64?"]
    assert messages_of("192.0.2.7") == ["“192.0.2.7” needs a prefix length, such as 192.0.2.7/32."]
    assert messages_of("10.0.0.0/33") == ["“10.0.0.0/33” is not an IPv4 or IPv6 prefix such as 2001:db8::/48 or 192.0.2.0/24."]


def test_overlaps_in_both_families_name_the_other_prefix_and_its_vlan():
    assert messages_of("2001:200:0:ff80::/57") == [
        f"2001:200:0:ff80::/57 overlaps {net} on VLAN {vlan}"
        for net, vlan in [
            ("2001:200:0:ff80::/64", "dns64"), ("2001:200:0:ff81::/64", "nat64"), ("2001:200:0:ff90::/64", "widecamp"),
            ("2001:200:0:ff91::/64", "widecamp-sat"), ("2001:200:0:ff92::/64", "widecamp-nowep"),
            ("2001:200:0:ff93::/64", "widecamp-iij"), ("2001:200:0:ff94::/64", "widecamp-4rd"),
            ("2001:200:0:ff99::/96", "nat64"),
        ]
    ]
    assert messages_of("203.178.158.64/28") == ["203.178.158.64/28 overlaps 203.178.158.64/27 on VLAN widecamp"]
    assert messages_of("2001:200:0:ff90::/64") == ["2001:200:0:ff90::/64 is already in the plan."]
    assert messages_of("2001:0200:0:FF90::/64") == ["2001:200:0:ff90::/64 is already in the plan."]


def test_bad_purpose():
    assert messages_of("198.51.100.0/24", purpose="pool") == [
        "“pool” is not a valid purpose; choose one of clients, infrastructure, translator."
    ]


def post(client, network: str, purpose: str = "clients"):
    return client.post("/plan/prefixes/add/", {"network": network, "purpose": purpose, "vlan": Vlan.objects.get(vid=102).pk})


def test_page_shows_the_model_messages(noc_client):
    assert post(noc_client, "192.0.2.1/24").context["form"].errors["network"] == [
        "192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?"
    ]
    assert post(noc_client, "2001:200:0:ff90::/63").context["form"].errors["network"] == [
        "2001:200:0:ff90::/63 overlaps 2001:200:0:ff90::/64 on VLAN widecamp",
        "2001:200:0:ff90::/63 overlaps 2001:200:0:ff91::/64 on VLAN widecamp-sat",
    ]
    assert post(noc_client, "192.168.0.128/25").context["form"].errors["network"] == [
        "192.168.0.128/25 overlaps 192.168.0.0/24 on VLAN widecamp-4rd"
    ]
    assert post(noc_client, "198.51.100.0/24", "pool").context["form"].errors["purpose"] == [
        "“pool” is not a valid purpose; choose one of clients, infrastructure, translator."
    ]
    assert Prefix.objects.count() == 13


def test_page_stores_the_canonical_form(noc_client):
    response = noc_client.post(
        "/plan/prefixes/add/", {"network": "2001:DB8:0:0::/48", "purpose": "clients", "vlan": Vlan.objects.get(vid=102).pk}, follow=True
    )
    assert "Saved prefix 2001:db8::/48." in response.content.decode()
    assert Prefix.objects.filter(network="2001:db8::/48").exists()
