"""`radius_database_role`: create (or give a new password to) the PostgreSQL login FreeRADIUS uses, and grant it
only what FreeRADIUS needs (see opsconsole.radius.views.grant_radius_login)."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from gateways.render.freeradius import UNUSABLE_IN_PASSWORD
from opsconsole.radius.views import grant_radius_login


class Command(BaseCommand):
    help = "Create RADIUS_DATABASE_USER with RADIUS_DATABASE_PASSWORD on PostgreSQL and grant it the RADIUS tables."

    def handle(self, *args, **options):
        user, password = settings.RADIUS_DATABASE_USER, settings.RADIUS_DATABASE_PASSWORD
        if connection.vendor != "postgresql" or not user or not password:
            raise CommandError("Set RADIUS_DATABASE_USER and RADIUS_DATABASE_PASSWORD, with a PostgreSQL DATABASE_URL.")
        if set(password) & UNUSABLE_IN_PASSWORD:
            raise CommandError("FreeRADIUS cannot log in with a password holding a quote or a backslash; choose another.")
        role = connection.ops.quote_name(user)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [user])
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            # A role's password cannot be a query parameter; a literal, with no quote in it (checked above).
            literal = f"'{password}'"
            cursor.execute(f"{verb} ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {literal}")
        grant_radius_login(connection)
        done = "created" if verb == "CREATE" else "gave a new password to"
        self.stdout.write(f"{done} {user}: it reads the RADIUS views and writes radacct and radpostauth only")
