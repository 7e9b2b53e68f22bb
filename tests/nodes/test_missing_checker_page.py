"""A sandbox agent without BIND's checker: the push applies and the node page says the file is not checked."""
import pytest

from opsconsole.nodes.models import Push
from opsconsole.nodes.tasks import push_node_revision
from tests.gateways.agent.test_missing_checker import NOT_CHECKED, without_checkers

from .conftest import dns64_intent
from .test_push import desire

pytestmark = pytest.mark.django_db


def test_node_page_says_which_package_the_missing_checker_is_in(noc_client, gateway_node, sandbox_agent, tmp_path):
    sandbox_agent.environment = without_checkers(tmp_path)
    sandbox_agent.start()
    desire(gateway_node, dns64_intent(gateway_node.name, implementation="bind"))

    assert push_node_revision(gateway_node.pk) == Push.Status.APPLIED
    page = noc_client.get(f"/nodes/{gateway_node.name}/").content.decode()
    assert f"not checked</span> bind/named.conf: {NOT_CHECKED}" in page
