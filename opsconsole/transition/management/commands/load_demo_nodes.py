"""load_demo_nodes PLAN: create (or bring back) the gateway nodes and transition roles of a demo plan."""
from django.core.management.base import BaseCommand, CommandParser

from opsconsole.transition.demo import PLANS, load_plan


class Command(BaseCommand):
    help = ("Create the transition nodes of a demo plan; running it again changes nothing. "
            "Credentials never reach the terminal: `manage.py agent_config NODE DIR` writes them for an agent.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", choices=sorted(PLANS))

    def handle(self, *args, plan: str, **options) -> None:
        for node, credentials in load_plan(plan):
            state = "created" if credentials else "up to date"
            self.stdout.write(f"{node.name} {node.agent_url} {state}")
