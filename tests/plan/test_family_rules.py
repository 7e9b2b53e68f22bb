"""The per-family rules of a VLAN: refused in the model and on the VLAN page, with plain messages."""
import pytest
from django.core.exceptions import ValidationError

from opsconsole.plan.models import Vlan, VlanFamily

pytestmark = pytest.mark.usefixtures("wide_plan")


def messages_of(family: str, **fields) -> dict[str, list[str]]:
    values = {"scope": "global", "allocation": "none", "resolver": "plain", "transition": "native"}
    with pytest.raises(ValidationError) as refused:
        VlanFamily(vlan=Vlan.objects.get(vid=102), family=family, **(values | fields)).full_clean(validate_constraints=False)
    return refused.value.message_dict


@pytest.mark.parametrize(
    "family, fields, field, message",
    [
        ("ipv4", {"allocation": "dhcpv6"}, "allocation", "DHCPv6 hands out IPv6 addresses only; choose a DHCPv4 method or none for IPv4."),
        ("ipv4", {"allocation": "ra-slaac"}, "allocation", "RA/SLAAC hands out IPv6 addresses only; choose a DHCPv4 method or none for IPv4."),
        ("ipv6", {"allocation": "dhcpv4-registration"}, "allocation", "DHCPv4 by MAC registration hands out IPv4 addresses only; choose DHCPv6, RA/SLAAC or none for IPv6."),
        ("ipv6", {"allocation": "dhcpv4-open"}, "allocation", "open DHCPv4 hands out IPv4 addresses only; choose DHCPv6, RA/SLAAC or none for IPv6."),
        ("ipv6", {"scope": "none", "allocation": "dhcpv6", "resolver": "none", "transition": "none"}, "allocation", "With scope none there are no addresses to hand out; choose allocation none."),
        ("ipv4", {"scope": "none", "resolver": "dns64", "transition": "none"}, "resolver", "With scope none nothing tells clients a resolver; choose resolver none."),
        ("ipv4", {"resolver": "dns64", "transition": "nat64"}, "transition", "NAT64 serves IPv6-only clients; put it on the IPv6 row."),
        ("ipv6", {"transition": "map-e"}, "transition", "MAP-E carries IPv4 to clients; put it on the IPv4 row."),
        ("ipv6", {"transition": "464xlat"}, "transition", "464XLAT carries IPv4 to clients; put it on the IPv4 row."),
        ("ipv6", {"transition": "nat64", "resolver": "plain"}, "resolver", "NAT64 needs the DNS64 resolver, or IPv6-only clients never reach IPv4 names."),
        ("ipv4", {"scope": "private"}, "transition", "Native routing needs global addresses; choose scope global."),
        ("ipv6", {"scope": "site"}, "scope", "“site” is not a valid address scope; choose one of global, private, none."),
        ("ipv6", {"transition": "teredo"}, "transition", "“teredo” is not a valid transition technique; choose one of nat64, sa46t, 4rd, map-e, ds-lite, 464xlat, native, none."),
    ],
)
def test_model_refuses(family, fields, field, message):
    assert messages_of(family, **fields)[field] == [message]


def test_table_1_rows_are_accepted():
    vlan = Vlan.objects.get(vid=104)
    for values in [
        {"family": "ipv4", "scope": "none", "allocation": "none", "resolver": "none", "transition": "4rd"},
        {"family": "ipv4", "scope": "private", "allocation": "dhcpv4-open", "resolver": "proxy", "transition": "4rd"},
        {"family": "ipv6", "scope": "global", "allocation": "ra-slaac", "resolver": "none", "transition": "none"},
    ]:
        VlanFamily(vlan=vlan, **values).full_clean(validate_constraints=False)


def test_vlan_page_shows_family_errors_next_to_the_field(noc_client):
    response = noc_client.post(
        "/plan/vlans/102/",
        {
            "vid": "102", "name": "widecamp-sat", "purpose": "",
            "ipv6-scope": "global", "ipv6-allocation": "dhcpv4-open", "ipv6-resolver": "dns64", "ipv6-transition": "nat64",
            "ipv4-scope": "none", "ipv4-allocation": "dhcpv4-open", "ipv4-resolver": "none", "ipv4-transition": "none",
        },
    )

    assert response.status_code == 200
    ipv6, ipv4 = response.context["form"].families
    assert ipv6.errors["allocation"] == ["open DHCPv4 hands out IPv4 addresses only; choose DHCPv6, RA/SLAAC or none for IPv6."]
    assert ipv4.errors["allocation"] == ["With scope none there are no addresses to hand out; choose allocation none."]
    assert "choose allocation none" in response.content.decode()
    assert Vlan.objects.get(vid=102).families.get(family="ipv6").allocation == "dhcpv6"
