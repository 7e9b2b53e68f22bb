"""`manage.py agent_config` writes a node's agent.toml with fresh credentials to files, never to the terminal."""
import tomllib

import pytest
from django.core.management import call_command

from gateways.agentconfig import load_agent_config
from opsconsole.nodes.models import GatewayNode
from opsconsole.nodes.credentials import token_matches

pytestmark = pytest.mark.django_db


def test_agent_config_writes_a_loadable_toml_and_keeps_secrets_off_the_terminal(gateway_node, tmp_path, capsys):
    old_secret = gateway_node.push_secret

    call_command("agent_config", gateway_node.name, str(tmp_path), "--console-url", "https://[2001:db8::1]:8443")

    out = capsys.readouterr().out
    config = load_agent_config(tmp_path / "agent.toml")
    gateway_node.refresh_from_db()
    assert config.node == gateway_node.name and config.mode == "production"
    assert config.secret == gateway_node.push_secret != old_secret
    assert token_matches(config.console_token, gateway_node.token_hash)
    assert config.secret.decode() not in out and config.console_token not in out
    assert oct((tmp_path / "push.secret").stat().st_mode & 0o777) == "0o600"
    assert "secret =" not in (tmp_path / "agent.toml").read_text()  # only the file names are in agent.toml
    assert tomllib.loads((tmp_path / "agent.toml").read_text())["secret_file"] == "push.secret"


def test_agent_config_for_an_unknown_node_says_so(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no gateway node named 'nope'"):
        call_command("agent_config", "nope", str(tmp_path), "--console-url", "http://127.0.0.1:8000")


def test_agent_config_can_move_the_agent_and_its_listening_address(gateway_node, tmp_path):
    call_command("agent_config", gateway_node.name, str(tmp_path), "--console-url", "http://web:8000",
                 "--mode", "sandbox", "--agent-url", "http://agent:9104", "--listen-host", "0.0.0.0",
                 "--allow-plain-http-console")

    config = load_agent_config(tmp_path / "agent.toml")
    assert (config.listen_host, config.listen_port, config.mode) == ("0.0.0.0", 9104, "sandbox")
    assert GatewayNode.objects.get(pk=gateway_node.pk).agent_url == "http://agent:9104"


def test_a_plain_http_console_elsewhere_needs_an_explicit_yes(gateway_node, tmp_path):
    from django.core.management.base import CommandError

    old_secret = gateway_node.push_secret
    with pytest.raises(CommandError, match=r"^console_url http://\[2001:db8::1\]:8000 would send the console token "
                                           r"in clear .* \(here: --allow-plain-http-console\)$"):
        call_command("agent_config", gateway_node.name, str(tmp_path), "--console-url", "http://[2001:db8::1]:8000")
    assert GatewayNode.objects.get(pk=gateway_node.pk).push_secret == old_secret  # nothing was issued
    assert not (tmp_path / "agent.toml").exists()

    call_command("agent_config", gateway_node.name, str(tmp_path), "--console-url", "http://[2001:db8::1]:8000",
                 "--allow-plain-http-console")
    assert load_agent_config(tmp_path / "agent.toml").console_url == "http://[2001:db8::1]:8000"
