"""A role edited on its node's page yields a new revision of every node whose intent it reaches."""
import pytest

from opsconsole.nodes.models import GatewayNode
from opsconsole.transition.demo import load_plan
from opsconsole.transition.forms import ROLE_KINDS

# Each request commits, as in production, so its on-commit rebuild runs (eagerly, in this process).
pytestmark = pytest.mark.django_db(transaction=True)

# One field of each kind of role or row, changed to another valid value; the demo plans hold one of each.
CHANGES = {
    "nat64": ("instance", "second"),
    "nat64-pool4": ("last_port", "65000"),
    "dns64": ("port", "5353"),
    "sa46t": ("mtu", "1400"),
    "map": ("mtu", "1400"),
    "dslite": ("mtu", "1400"),
    "dslite-b4": ("networks", "192.168.2.0/24"),
    "route": ("comment", "moved"),
    "router": ("nat64_roles", lambda boxes: boxes[:1]),  # one NAT64 box fewer to route to
}
# Kinds the demo plans have no row of (their only 464XLAT row is a PLAT, whose intent is derived from its node's
# NAT64 pool6, none of its form's fields); their signals are the same per-model ones as every kind above.
NOT_IN_THE_DEMOS = {"nat64-mapping", "dns64-zone", "dns64-override", "xlat464"}


@pytest.fixture
def demo_plans(monkeypatch):
    monkeypatch.setattr("opsconsole.nodes.tasks.push_node_revision.delay", lambda node_id, **options: None)
    load_plan("wide-camp-2011")
    load_plan("interop-shownet-2013")


def test_every_kind_is_walked_or_named():
    assert set(ROLE_KINDS) == set(CHANGES) | NOT_IN_THE_DEMOS


@pytest.mark.parametrize("slug", list(CHANGES))
def test_changing_a_role_on_its_page_yields_a_new_revision(noc_client, demo_plans, slug):
    kind = ROLE_KINDS[slug]
    row = kind.model.objects.first()
    node = row.node if kind.parent is None else row.role.node
    path = f"/transition/nodes/{node.name}/{slug}/{row.pk}/"
    form = noc_client.get(path).context["form"]
    data = {name: form[name].value() for name in form.fields}
    field, value = CHANGES[slug]
    data[field] = value(data[field]) if callable(value) else value
    before = {n.pk: n.desired_revision.number for n in GatewayNode.objects.exclude(desired_revision=None)}

    response = noc_client.post(path, {k: v for k, v in data.items() if v is not None and v is not False})

    assert response.status_code == 302, response.context["form"].errors
    node.refresh_from_db()
    assert node.desired_revision.number == before[node.pk] + 1
