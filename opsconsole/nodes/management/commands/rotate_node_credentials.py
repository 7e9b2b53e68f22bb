"""Give a node new credentials and rewrite its agent's agent.toml, keeping every setting it already has."""
import json
import tomllib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opsconsole.audit.context import Actor, acting_as
from opsconsole.audit.trail import record
from opsconsole.nodes.local import agent_toml
from opsconsole.nodes.models import GatewayNode

CLI = Actor(user_id=None, label="manage.py rotate_node_credentials", remote_addr=None, via="system")
# agent_toml writes these (with the credentials moved to files); anything else in the file is carried over.
REWRITTEN = {"node", "mode", "secret", "secret_file", "console_token", "console_token_file", "state_dir",
             "sandbox_root", "listen_host", "listen_port", "console_url", "heartbeat_interval",
             "allow_plain_http_console"}


def carried_over(table: dict) -> str:
    """TOML for the settings agent_toml does not write (TLS files, clock skew, [services.NAME] overrides)."""
    scalars = "".join(f"{key} = {json.dumps(value)}\n" for key, value in table.items()
                      if key not in REWRITTEN and not isinstance(value, dict))
    tables = "".join(f"\n[{key}.{name}]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())
                     for key, value in table.items() if key not in REWRITTEN and isinstance(value, dict)
                     for name, settings in value.items())
    return scalars + tables


class Command(BaseCommand):
    help = ("Issue new credentials for NODE and rewrite DIRECTORY/agent.toml with every other setting kept; "
            "the old push secret and heartbeat token stop working at once.")

    def add_arguments(self, parser):
        parser.add_argument("node")
        parser.add_argument("directory", type=Path, help="the agent's directory, holding its current agent.toml")

    def handle(self, *args, node, directory, **options):
        found = GatewayNode.objects.filter(name=node).first()
        if found is None:
            raise CommandError(f"no gateway node named {node!r}")
        path = directory / "agent.toml"
        try:
            current = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CommandError(f"cannot read {path} ({exc}); write a first one with "
                               f"manage.py agent_config {node} {directory} --console-url URL") from None
        if current.get("node") != found.name:
            raise CommandError(f"{path} belongs to node {current.get('node')!r}, not {node!r}")
        with acting_as(CLI):
            text = agent_toml(found, directory, current.get("console_url", ""), current.get("mode", "sandbox"),
                              current.get("listen_host"), current.get("allow_plain_http_console", False))
            path.write_text(text + carried_over(current))
            record("action", "nodes.GatewayNode", str(found.pk), found.name, after={"action": "rotate credentials"})
        self.stdout.write(
            f"wrote {path} with new credentials (push.secret and console.token, mode 0600).\n"
            f"Restart the agent of {found.name} now: it must read them before the console's next push; "
            f"until then its pushes and heartbeats are refused. Its command: python -m gateways.agent --config {path}"
        )
