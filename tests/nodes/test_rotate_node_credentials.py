"""`manage.py rotate_node_credentials NODE DIR`: new credentials, a new agent.toml, and what to restart."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from opsconsole.audit.models import AuditEntry
from opsconsole.nodes import credentials
from opsconsole.nodes.models import GatewayNode, Push
from opsconsole.nodes.tasks import push_node_revision

from .conftest import dns64_intent
from .test_push import desire

pytestmark = pytest.mark.django_db


def test_the_restarted_agent_takes_pushes_with_the_new_secret_and_refuses_the_old(gateway_node, sandbox_agent,
                                                                                 capsys):
    sandbox_agent.start()
    old_secret = gateway_node.push_secret
    before = (sandbox_agent.directory / "agent.toml").read_text()

    call_command("rotate_node_credentials", gateway_node.name, str(sandbox_agent.directory))

    out = capsys.readouterr().out
    gateway_node.refresh_from_db()
    new_secret = gateway_node.push_secret
    assert new_secret != old_secret and new_secret.decode() not in out
    assert "Restart the agent of dns64-test" in out and str(sandbox_agent.directory / "agent.toml") in out
    assert (sandbox_agent.directory / "agent.toml").read_text() == before  # same settings, credentials in files
    assert (sandbox_agent.directory / "push.secret").read_bytes() == new_secret
    entry = AuditEntry.objects.filter(object_type="nodes.GatewayNode", action="action").get()
    assert entry.actor_label == "manage.py rotate_node_credentials" and entry.via == "system"

    desire(gateway_node, dns64_intent(gateway_node.name))
    assert push_node_revision(gateway_node.pk) == Push.Status.REFUSED  # the agent still runs with the old secret
    sandbox_agent.stop()
    sandbox_agent.start()
    assert push_node_revision(gateway_node.pk, force=True) == Push.Status.APPLIED

    GatewayNode.objects.filter(pk=gateway_node.pk).update(secret_encrypted=credentials.encrypt(old_secret.decode()))
    assert push_node_revision(gateway_node.pk, force=True) == Push.Status.REFUSED
    assert "signature does not match" in gateway_node.pushes.first().error


def test_a_directory_without_the_nodes_agent_toml_is_refused(gateway_node, tmp_path):
    with pytest.raises(CommandError, match="agent_config dns64-test"):
        call_command("rotate_node_credentials", gateway_node.name, str(tmp_path))
    (tmp_path / "agent.toml").write_text('node = "other"\n')
    with pytest.raises(CommandError, match="belongs to node 'other'"):
        call_command("rotate_node_credentials", gateway_node.name, str(tmp_path))


def test_settings_added_by_hand_are_kept(gateway_node, tmp_path):
    from gateways.agentconfig import load_agent_config
    from opsconsole.nodes.local import agent_toml

    toml = agent_toml(gateway_node, tmp_path, "http://127.0.0.1:8000", "production")
    (tmp_path / "agent.toml").write_text(toml + 'clock_skew = 60\n\n[services.unbound]\ndirectory = "/srv/unbound"\n')

    call_command("rotate_node_credentials", gateway_node.name, str(tmp_path))

    config = load_agent_config(tmp_path / "agent.toml")
    gateway_node.refresh_from_db()
    assert config.secret == gateway_node.push_secret
    assert (config.mode, config.console_url, config.clock_skew) == ("production", "http://127.0.0.1:8000", 60)
    assert str(config.services["unbound"].directory) == "/srv/unbound"
