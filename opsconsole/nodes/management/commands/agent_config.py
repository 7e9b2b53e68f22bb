"""Issue fresh credentials for a node and write the agent.toml its agent runs with."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gateways.agentconfig import AgentConfigError, check_console_url
from opsconsole.nodes.local import agent_toml
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
        parser.add_argument("--allow-plain-http-console", action="store_true",
                            help="let the agent send its token over http:// to a console that is not on loopback")

    def handle(self, *args, node, directory, console_url, mode, agent_url, listen_host, allow_plain_http_console,
               **options):
        try:
            check_console_url(console_url, allow_plain_http_console)
        except AgentConfigError as error:
            raise CommandError(f"{error} (here: --allow-plain-http-console)") from None
        found = GatewayNode.objects.filter(name=node).first()
        if found is None:
            raise CommandError(f"no gateway node named {node!r}")
        if agent_url:
            found.agent_url = agent_url
            found.full_clean(exclude=["secret_encrypted", "token_hash"])
            found.save(update_fields=["agent_url"])
        (directory / "agent.toml").parent.mkdir(parents=True, exist_ok=True)
        (directory / "agent.toml").write_text(
            agent_toml(found, directory, console_url, mode, listen_host, allow_plain_http_console)
        )
        self.stdout.write(f"wrote {directory / 'agent.toml'}; credentials in push.secret and console.token (mode 0600)")
