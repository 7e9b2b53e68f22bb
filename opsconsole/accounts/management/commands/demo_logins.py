from django.core.management.base import BaseCommand

from opsconsole.accounts.demo import ensure_demo_logins


class Command(BaseCommand):
    help = "Create (or reset) one demo login per role and print them."

    def handle(self, *args, **options):
        for username, password, role in ensure_demo_logins():
            self.stdout.write(f"  {role:<12} {username} / {password}")
