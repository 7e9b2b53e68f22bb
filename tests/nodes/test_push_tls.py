"""Pushing to an https:// agent: its certificate is checked against the node's agent CA file."""
import json

import pytest

from opsconsole.audit.models import AuditEntry
from opsconsole.nodes.local import agent_toml
from opsconsole.nodes.models import GatewayNode, NodeState, Push
from opsconsole.nodes.tasks import push_node_revision
from tests.certificates import loopback_certificate

from .conftest import dns64_intent
from .test_push import desire

pytestmark = pytest.mark.django_db


@pytest.fixture
def https_agent(gateway_node, sandbox_agent, tmp_path):
    """The node's sandbox agent serving HTTPS with a certificate from a test CA; the node trusts that CA."""
    files = loopback_certificate(tmp_path / "pki")
    gateway_node.agent_url = gateway_node.agent_url.replace("http://", "https://")
    gateway_node.agent_ca_file = str(files.ca_file)
    gateway_node.save()
    sandbox_agent.directory.mkdir(parents=True)
    (sandbox_agent.directory / "agent.toml").write_text(
        agent_toml(gateway_node, sandbox_agent.directory, console_url="")
        + f"tls_certificate = {json.dumps(str(files.certificate_file))}\n"
        + f"tls_key = {json.dumps(str(files.key_file))}\n"
    )
    sandbox_agent.start()
    return sandbox_agent


def test_a_push_over_https_to_an_agent_the_ca_file_vouches_for_applies(gateway_node, https_agent):
    desire(GatewayNode.objects.get(pk=gateway_node.pk), dns64_intent(gateway_node.name))

    assert push_node_revision(gateway_node.pk) == Push.Status.APPLIED
    assert "dns64-prefix: 2001:db8:64::/96" in (https_agent.sandbox / "unbound" / "unbound.conf").read_text()


def test_an_agent_certificate_from_another_ca_fails_the_push_plainly(gateway_node, https_agent, tmp_path):
    other = loopback_certificate(tmp_path / "other", ca_name="another CA")
    GatewayNode.objects.filter(pk=gateway_node.pk).update(agent_ca_file=str(other.ca_file))
    desire(GatewayNode.objects.get(pk=gateway_node.pk), dns64_intent(gateway_node.name))

    assert push_node_revision(gateway_node.pk) == Push.Status.FAILED

    push = gateway_node.pushes.get()
    assert push.error == (f"{gateway_node.agent_url}: the agent's certificate is not trusted (unable to get local "
                          "issuer certificate); check the node's agent CA file")
    assert GatewayNode.objects.get(pk=gateway_node.pk).state() == NodeState.FAILED
    assert not (https_agent.sandbox / "unbound").exists()


def test_a_missing_agent_ca_file_fails_the_push_plainly(gateway_node, https_agent, tmp_path):
    GatewayNode.objects.filter(pk=gateway_node.pk).update(agent_ca_file=str(tmp_path / "nowhere.pem"))
    desire(GatewayNode.objects.get(pk=gateway_node.pk), dns64_intent(gateway_node.name))

    assert push_node_revision(gateway_node.pk) == Push.Status.FAILED
    assert gateway_node.pushes.get().error == f"agent CA file {tmp_path / 'nowhere.pem'}: No such file or directory"


def test_the_noc_sets_the_agent_ca_file_where_it_edits_the_agent_url(gateway_node, noc_client):
    url = f"/admin/nodes/gatewaynode/{gateway_node.pk}/change/"
    assert 'name="agent_ca_file"' in noc_client.get(url).content.decode()
    answer = noc_client.post(url, {"name": gateway_node.name, "description": gateway_node.description,
                                   "agent_url": "https://[::1]:9101", "agent_ca_file": "/etc/opsconsole/agents-ca.pem"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    gateway_node.refresh_from_db()
    assert (gateway_node.agent_url, gateway_node.agent_ca_file) == ("https://[::1]:9101", "/etc/opsconsole/agents-ca.pem")
    audited = AuditEntry.objects.filter(object_id=str(gateway_node.pk), via="admin").get()
    assert (audited.before["agent_ca_file"], audited.after["agent_ca_file"]) == ("", "/etc/opsconsole/agents-ca.pem")
