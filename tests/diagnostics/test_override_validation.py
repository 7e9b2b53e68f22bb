"""A DNS64 override typed on the node's page: BIND needs the fixed answers, Unbound refuses them."""
import pytest
from django.core.exceptions import ValidationError

from opsconsole.transition.models import Dns64Override, Dns64Role
from tests.transition.conftest import make_node


@pytest.fixture
def roles(db):
    return {kind: Dns64Role.objects.create(node=make_node(f"dns64-{kind}"), implementation=kind, prefix="2001:db8:64::/96")
            for kind in ("unbound", "bind")}


def test_bind_needs_fixed_answers(roles):
    with pytest.raises(ValidationError, match="give the AAAA records"):
        Dns64Override(role=roles["bind"], name="www.broken.example").full_clean()


def test_unbound_refuses_fixed_answers(roles):
    with pytest.raises(ValidationError, match="leave the fixed answers"):
        Dns64Override(role=roles["unbound"], name="www.broken.example", aaaa="2001:db8:64::1").full_clean()


def test_a_name_is_overridden_once_per_node_and_normalised(roles):
    first = Dns64Override(role=roles["unbound"], name="WWW.Broken.Example.")
    first.full_clean()
    first.save()
    assert first.name == "www.broken.example"
    with pytest.raises(ValidationError, match="already overridden"):
        Dns64Override(role=roles["unbound"], name="www.broken.example").full_clean()


def test_noc_adds_one_on_the_node_page(roles, noc_client):
    response = noc_client.post("/transition/nodes/dns64-bind/dns64-override/add/",
                               {"name": "air.example", "aaaa": "2001:db8:64::c000:201", "a": "192.0.2.1"})
    assert response.status_code == 302
    assert Dns64Override.objects.get().role == roles["bind"]
