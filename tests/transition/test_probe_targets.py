"""The NOC sets what each node probes: a DNS64 probe name, a NAT64 target URL, a path-MTU target per tunnel.
Bad values are refused at the model with a plain message; good ones reach the intent; every change is audited."""
import pytest

from gateways.intent import validate_intent
from opsconsole.audit.models import AuditEntry
from opsconsole.nodes.intents import build_intent
from opsconsole.transition.models import Dns64Role, Nat64Role, Sa46tRole

pytestmark = pytest.mark.django_db
SA46T_FORM = {"prefix": "2001:db8:46::/64", "plane_id": "0", "ipv4_address": "192.0.2.1", "networks": "192.0.2.0/25",
              "uplink": "eth1", "tunnel": "sa46t", "mtu": "1460"}


def roles_of(node_name: str) -> dict:
    from opsconsole.nodes.models import GatewayNode

    return validate_intent(build_intent(GatewayNode.objects.get(name=node_name)))["roles"]


def test_the_noc_sets_a_path_mtu_target_on_a_tunnel_and_it_is_audited(noc_client, wide_camp):
    role = Sa46tRole.objects.get(node__name="wide-sa46t-camp")
    url = f"/transition/nodes/wide-sa46t-camp/sa46t/{role.pk}/"
    page = noc_client.post(url, SA46T_FORM | {"probe_target": "2001:db8::1"}).content.decode()
    assert "is not an IPv4 address" in page
    assert noc_client.post(url, SA46T_FORM | {"probe_target": "192.0.2.200"}).status_code == 302
    assert roles_of("wide-sa46t-camp")["sa46t"]["probe_target"] == "192.0.2.200"
    entry = AuditEntry.objects.filter(object_type="transition.Sa46tRole", object_id=str(role.pk)).latest("pk")
    assert entry.action == "update" and entry.after["probe_target"] == "192.0.2.200" and entry.actor_label == "alice-noc"


def test_an_empty_target_means_not_probed_and_the_dns64_name_defaults_to_rfc7050s(wide_camp):
    dns64 = Dns64Role.objects.first()
    nat64 = Nat64Role.objects.first()
    assert roles_of(dns64.node.name)["dns64"]["probe_name"] == "ipv4only.arpa"
    assert roles_of(nat64.node.name)["nat64"]["probe_url"] is None


@pytest.mark.parametrize("url, accepted", [
    ("http://198.51.100.7/", True), ("https://v4only.example.net/check", True),
    ("ftp://198.51.100.7/", False), ("http://bücher.example/", False), ("-o /etc/passwd", False),
])
def test_nat64_probe_urls_are_plain_http(wide_camp, url, accepted):
    from django.core.exceptions import ValidationError

    role = Nat64Role.objects.first()
    role.probe_url = url
    if accepted:
        role.full_clean()
        role.save()
        assert roles_of(role.node.name)["nat64"]["probe_url"] == url
    else:
        with pytest.raises(ValidationError) as refused:
            role.full_clean()
        assert "probe_url" in refused.value.message_dict


def test_the_dns64_probe_name_must_be_a_dns_name(wide_camp):
    from django.core.exceptions import ValidationError

    role = Dns64Role.objects.first()
    role.probe_name = "bad name; drop"
    with pytest.raises(ValidationError) as refused:
        role.full_clean()
    assert "is not a DNS name" in refused.value.message_dict["probe_name"][0]
    role.probe_name = "v4only.Example.NET."
    role.full_clean()
    role.save()
    assert roles_of(role.node.name)["dns64"]["probe_name"] == "v4only.example.net"
