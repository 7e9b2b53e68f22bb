"""`manage.py load_plan NAME_OR_PATH`: replace the plan with a demo plan or a plan file, as the import page does."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opsconsole.plan.yamlio import DEMO_PLANS, PlanErrors, demo_plan, import_plan


class Command(BaseCommand):
    help = f"Load a network plan: one of {', '.join(DEMO_PLANS)}, or the path of a plan YAML file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("plan", help=f"{' | '.join(DEMO_PLANS)} | PATH")

    def handle(self, *args, plan: str, **options) -> None:
        if plan in DEMO_PLANS:
            text = demo_plan(plan)
        elif Path(plan).is_file():
            text = Path(plan).read_text(encoding="utf-8")
        else:
            raise CommandError(f"{plan}: neither a demo plan ({', '.join(DEMO_PLANS)}) nor a file")
        try:
            summary = import_plan(text)
        except PlanErrors as errors:
            raise CommandError(f"{plan} was not loaded:\n" + "\n".join(errors.errors)) from None
        self.stdout.write(f"{plan}: {summary}")
