"""Give a node new credentials and rewrite its agent's agent.toml, keeping the settings it already has."""
import tomllib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opsconsole.audit.context import Actor, acting_as
from opsconsole.audit.trail import record
from opsconsole.nodes.local import write_agent_config
from opsconsole.nodes.models import GatewayNode

# What agent_config writes; a file with more (a hand-written one) would lose it, so it is not rewritten.
WRITTEN_KEYS = {"node", "mode", "secret_file", "console_token_file", "state_dir", "sandbox_root", "listen_host",
                "listen_port", "console_url", "heartbeat_interval"}


class Command(BaseCommand):
    help = ("Issue new credentials for NODE and rewrite DIRECTORY/agent.toml (its console URL, mode and listen "
            "address kept); the old push secret and heartbeat token stop working at once.")

    def add_arguments(self, parser):
        parser.add_argument("node")
        parser.add_argument("directory", type=Path, help="the agent's directory, holding its current agent.toml")

    def handle(self, *args, node, directory, **options):
        found = GatewayNode.objects.filter(name=node).first()
        if found is None:
            raise CommandError(f"no gateway node named {node!r}")
        try:
            current = tomllib.loads((directory / "agent.toml").read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CommandError(f"cannot read {directory / 'agent.toml'} ({exc}); write a first one with "
                               f"manage.py agent_config {node} {directory} --console-url URL") from None
        if current.get("node") != found.name:
            raise CommandError(f"{directory / 'agent.toml'} belongs to node {current.get('node')!r}, not {node!r}")
        kept_by_hand = sorted(set(current) - WRITTEN_KEYS)
        if kept_by_hand:
            raise CommandError(f"{directory / 'agent.toml'} has settings this command would drop "
                               f"({', '.join(kept_by_hand)}); replace push.secret and console.token by hand "
                               f"after manage.py agent_config, or move those settings out first")
        with acting_as(Actor(user_id=None, label="manage.py rotate_node_credentials", remote_addr=None, via="system")):
            path = write_agent_config(found, directory, current.get("console_url", ""), current.get("mode", "sandbox"),
                                      current.get("listen_host"))
            record("action", "nodes.GatewayNode", str(found.pk), found.name, after={"action": "rotate credentials"})
        self.stdout.write(
            f"wrote {path} with new credentials (push.secret and console.token, mode 0600).\n"
            f"Restart the agent of {found.name} now: it must read them before the console's next push; "
            f"until then its pushes and heartbeats are refused. Its command: python -m gateways.agent --config {path}"
        )
