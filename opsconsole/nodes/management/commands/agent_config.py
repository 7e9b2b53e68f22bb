"""Issue fresh credentials for a node and write the agent.toml its agent runs with."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opsconsole.nodes.local import write_agent_config
from opsconsole.nodes.models import GatewayNode


class Command(BaseCommand):
    help = "Write DIRECTORY/agent.toml (and its credential files) for NODE; the node's old credentials stop working."

    def add_arguments(self, parser):
        parser.add_argument("node")
        parser.add_argument("directory", type=Path)
        parser.add_argument("--console-url", required=True)
        parser.add_argument("--mode", choices=("sandbox", "production"), default="production")
        parser.add_argument("--agent-url", help="change where the console reaches this node's agent first")
        parser.add_argument("--listen-host", help="address the agent listens on, if not its agent URL's host")

    def handle(self, *args, node, directory, console_url, mode, agent_url, listen_host, **options):
        found = GatewayNode.objects.filter(name=node).first()
        if found is None:
            raise CommandError(f"no gateway node named {node!r}")
        if agent_url:
            found.agent_url = agent_url
            found.full_clean(exclude=["secret_encrypted", "token_hash"])
            found.save(update_fields=["agent_url"])
        path = write_agent_config(found, directory, console_url, mode, listen_host)
        self.stdout.write(f"wrote {path}; credentials in push.secret and console.token (mode 0600)")
