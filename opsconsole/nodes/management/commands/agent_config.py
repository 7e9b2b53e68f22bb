"""Issue fresh credentials for a node and write the agent.toml its agent runs with."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opsconsole.nodes.local import agent_toml
from opsconsole.nodes.models import GatewayNode


class Command(BaseCommand):
    help = "Write DIRECTORY/agent.toml (and its credential files) for NODE; the node's old credentials stop working."

    def add_arguments(self, parser):
        parser.add_argument("node")
        parser.add_argument("directory", type=Path)
        parser.add_argument("--console-url", required=True)
        parser.add_argument("--mode", choices=("sandbox", "production"), default="production")

    def handle(self, *args, node, directory, console_url, mode, **options):
        found = GatewayNode.objects.filter(name=node).first()
        if found is None:
            raise CommandError(f"no gateway node named {node!r}")
        (directory / "agent.toml").parent.mkdir(parents=True, exist_ok=True)
        (directory / "agent.toml").write_text(agent_toml(found, directory, console_url, mode))
        self.stdout.write(f"wrote {directory / 'agent.toml'}; credentials in push.secret and console.token (mode 0600)")
