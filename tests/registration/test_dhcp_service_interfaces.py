"""The interface map of a DHCP service is checked where it is saved, not when its node's intent is built."""
import pytest

from opsconsole.nodes.models import GatewayNode
from opsconsole.registration.models import DhcpService

from .test_kea_intent import dhcp_node  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("interfaces, message", [
    ('["eth0.40"]', "Give an object of VLAN id to interface name"),
    ('{"forty": "eth0.40"}', "forty is not a VLAN id"),
    ('{"40": 7}', "7 is not an interface name"),
    ('{"40": "eth0 40; reboot"}', "is not an interface name"),
])
def test_a_bad_interface_map_is_refused_in_the_admin_with_a_plain_message(noc_client, nowep_vlan, dhcp_node,
                                                                           interfaces, message):
    service: DhcpService = dhcp_node.dhcp_service
    revisions = dhcp_node.revisions.count()
    path = f"/admin/registration/dhcpservice/{service.pk}/change/"
    form = noc_client.get(path).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["interfaces"] = interfaces

    response = noc_client.post(path, {k: v for k, v in data.items() if v is not None and v is not False})

    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["interfaces"])
    service.refresh_from_db()
    assert service.interfaces == {"40": "eth0.40"}
    assert GatewayNode.objects.get(pk=dhcp_node.pk).revisions.count() == revisions
