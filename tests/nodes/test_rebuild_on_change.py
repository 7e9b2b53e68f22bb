"""Every change that reaches a node's intent, made through the page that edits it, yields a new revision."""
import pytest
from django.db import models

from opsconsole.nodes.models import GatewayNode
from opsconsole.plan.choices import Allocation, Family, PrefixPurpose, Scope, Transition
from opsconsole.plan.models import Prefix, Vlan, VlanFamily
from opsconsole.registration.models import DhcpService
from tests.registration.conftest import nowep_vlan  # noqa: F401  (a fixture)

# Each request commits, as in production, so its on-commit rebuild runs (eagerly, in this process).
pytestmark = pytest.mark.django_db(transaction=True)

# Every stored field of the models a DHCP node's intent (or any node's header) is built from: those that reach
# the intent are walked below, the others are named here, so a new field makes this test ask which it is.
NOT_IN_ANY_INTENT = {
    GatewayNode: {"id", "agent_url", "agent_ca_file", "secret_encrypted", "token_hash", "desired_revision", "applied_revision",
                  "running_revision", "push_claimed_until", "last_heartbeat_at", "last_heartbeat",
                  "rebuild_requested_at", "rebuild_reason", "rebuild_actor", "intent_error"},
    Vlan: {"id", "name", "purpose"},
    VlanFamily: {"id", "vlan", "family", "scope", "resolver", "transition"},  # a family row is edited on its VLAN
    Prefix: {"id", "description"},
    DhcpService: {"id", "node"},
}


@pytest.fixture
def dhcp_node(nowep_vlan, monkeypatch):  # noqa: F811
    monkeypatch.setattr("opsconsole.nodes.tasks.push_node_revision.delay", lambda node_id, **options: None)
    node = GatewayNode(name="kea-1", description="Kea", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    DhcpService.objects.create(node=node, interfaces={"40": "eth0.40"}, dns_servers6=["2001:db8::53"])
    node.refresh_from_db()  # its first revision was built when its DHCP service was saved
    return node


def post_admin(client, path: str, instance: models.Model, **changes):
    """The admin's change form as the browser posts it: every editable field, with CHANGES applied."""
    form = client.get(path).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update(changes)
    response = client.post(path, {k: v for k, v in data.items() if v is not None and v is not False})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response


def vlan_form(vlan: Vlan, **changes) -> dict:
    data = {"vid": vlan.vid, "name": vlan.name, "purpose": vlan.purpose}
    for row in vlan.families.all():
        data.update({f"{row.family}-{name}": getattr(row, name) for name in ("scope", "resolver", "allocation",
                                                                                 "transition")})
    return {**data, **changes}


def prefix_form(prefix: Prefix, **changes) -> dict:
    return {"network": prefix.network, "purpose": prefix.purpose, "vlan": prefix.vlan_id,
            "description": prefix.description, **changes}


def ipv6_mostly_wait_changed(client, vlan: Vlan):
    # The row becomes IPv6-mostly in storage only (no rebuild); the page's save, with its new wait, rebuilds.
    vlan.families.filter(family=Family.IPV4).update(allocation=Allocation.DHCPV4_IPV6_MOSTLY, v6only_wait=1800,
                                                    transition=Transition.NONE)
    form = vlan_form(vlan, **{f"{Family.IPV4}-v6only_wait": 900})
    return client.post(f"/plan/vlans/{vlan.vid}/", form)


def ipv4_clients(vlan) -> Prefix:
    return vlan.prefixes.get(network="192.0.2.0/24")


CHANGES = {
    (GatewayNode, "description"): lambda c, node, vlan: post_admin(
        c, f"/admin/nodes/gatewaynode/{node.pk}/change/", node, description="Kea, moved to rack 2"),
    (GatewayNode, "name"): lambda c, node, vlan: post_admin(
        c, f"/admin/nodes/gatewaynode/{node.pk}/change/", node, name="kea-2"),
    (Vlan, "vid"): lambda c, node, vlan: c.post(f"/plan/vlans/{vlan.vid}/", vlan_form(vlan, vid=41)),
    (VlanFamily, "allocation"): lambda c, node, vlan: c.post(
        f"/plan/vlans/{vlan.vid}/", vlan_form(vlan, **{f"{Family.IPV4}-allocation": Allocation.DHCPV4_OPEN})),
    (VlanFamily, "v6only_wait"): lambda c, node, vlan: ipv6_mostly_wait_changed(c, vlan),
    (Prefix, "network"): lambda c, node, vlan: c.post(
        f"/plan/prefixes/{ipv4_clients(vlan).pk}/", prefix_form(ipv4_clients(vlan), network="198.51.100.0/24")),
    (Prefix, "purpose"): lambda c, node, vlan: c.post(
        f"/plan/prefixes/{ipv4_clients(vlan).pk}/",
        prefix_form(ipv4_clients(vlan), purpose=PrefixPurpose.INFRASTRUCTURE)),
    (Prefix, "vlan"): lambda c, node, vlan: c.post(
        f"/plan/prefixes/{ipv4_clients(vlan).pk}/", prefix_form(ipv4_clients(vlan), vlan=other_vlan().pk)),
    **{(DhcpService, field): (lambda value, field=field: lambda c, node, vlan: post_admin(
        c, f"/admin/registration/dhcpservice/{node.dhcp_service.pk}/change/", node.dhcp_service, **{field: value}))(value)
       for field, value in {
           "interfaces": '{"40": "eth1.40"}', "control_socket4": "/run/kea/v4.sock",
           "control_socket6": "/run/kea/v6.sock", "lease_directory": "/srv/kea", "serve_dhcp6": False,
           "router_advertisements": "on", "dns_servers6": '["2001:db8::64"]'}.items()},
}


def other_vlan() -> Vlan:
    vlan = Vlan.objects.create(vid=50, name="other")
    VlanFamily.objects.create(vlan=vlan, family=Family.IPV4, scope=Scope.GLOBAL, allocation=Allocation.DHCPV4_OPEN)
    return vlan


def test_every_stored_field_is_either_walked_or_named_as_outside_any_intent():
    for model, outside in NOT_IN_ANY_INTENT.items():
        stored = {field.name for field in model._meta.concrete_fields}
        walked = {field for walked_model, field in CHANGES if walked_model is model}
        assert stored == walked | outside, model


@pytest.mark.parametrize("model, field", list(CHANGES), ids=[f"{m.__name__}.{f}" for m, f in CHANGES])
def test_changing_a_field_through_its_page_yields_a_new_revision(
        noc_client, dhcp_node, nowep_vlan, model, field):  # noqa: F811
    before = dhcp_node.desired_revision

    response = CHANGES[model, field](noc_client, dhcp_node, nowep_vlan)
    assert response is None or response.status_code == 302, response.content.decode()[:2000]

    dhcp_node.refresh_from_db()
    assert dhcp_node.desired_revision.number == before.number + 1
    assert dhcp_node.desired_revision.content_hash != before.content_hash


def test_deleting_the_dhcp_service_takes_the_dhcp_role_off_its_node(noc_client, dhcp_node):
    assert "dhcp" in dhcp_node.desired_revision.intent["roles"]

    response = noc_client.post(f"/admin/registration/dhcpservice/{dhcp_node.dhcp_service.pk}/delete/",
                               {"post": "yes"})

    assert response.status_code == 302
    dhcp_node.refresh_from_db()
    assert dhcp_node.desired_revision.number == 2 and "dhcp" not in dhcp_node.desired_revision.intent["roles"]
    assert dhcp_node.desired_revision.reason == "DHCP service removed"
