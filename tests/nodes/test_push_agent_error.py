"""An agent that fails unexpectedly while applying answers why; the push fails with that message, not "unreachable"."""
import pytest
from django.urls import reverse

from opsconsole.nodes.models import NodeState, Push
from opsconsole.nodes.tasks import push_node_revision

from .conftest import dns64_intent
from .test_push import desire

pytestmark = pytest.mark.django_db


def test_an_agent_error_fails_the_push_with_its_message_on_the_node_page(gateway_node, sandbox_agent, noc_client):
    sandbox_agent.start()
    # The agent cannot record what it runs: its state file's place is taken by a directory.
    (sandbox_agent.directory / "state" / "state.json").mkdir(parents=True)
    desire(gateway_node, dns64_intent(gateway_node.name))

    assert push_node_revision(gateway_node.pk) == Push.Status.FAILED

    push = gateway_node.pushes.get()
    assert push.status == Push.Status.FAILED
    assert push.error.startswith("HTTP 500: IsADirectoryError: [Errno 21] Is a directory")
    gateway_node.refresh_from_db()
    assert gateway_node.state() == NodeState.FAILED
    page = noc_client.get(reverse("nodes:detail", args=[gateway_node.name])).content.decode()
    assert "IsADirectoryError: [Errno 21] Is a directory" in page
