"""FreeRADIUS's own PostgreSQL login: it reads the RADIUS views and writes radacct and radpostauth, nothing else;
and a real FreeRADIUS answers and accounts with it."""
import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from opsconsole.radius.models import RadAcct, RadPostAuth
from opsconsole.radius.views import grant_radius_login

from ..freeradius import running_freeradius
from .test_accounting import account
from .test_mac_auth import SECRETS, SERVING, ask, plan, register  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "radius-login-secret"


@pytest.fixture
def radius_login(settings, db):
    assert connection.vendor == "postgresql", "FreeRADIUS's own login is PostgreSQL's (CI's database)"
    # Roles belong to the whole cluster: named after this test database, dropped afterwards.
    settings.RADIUS_DATABASE_USER = f"{connection.settings_dict['NAME']}_freeradius"
    settings.RADIUS_DATABASE_PASSWORD = PASSWORD
    call_command("radius_database_role")
    try:
        yield settings.RADIUS_DATABASE_USER
    finally:
        role = connection.ops.quote_name(settings.RADIUS_DATABASE_USER)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def connect_as(user: str) -> psycopg.Connection:
    database = connection.settings_dict
    return psycopg.connect(host=database["HOST"] or "localhost", port=database["PORT"] or 5432,
                           dbname=database["NAME"], user=user, password=PASSWORD, autocommit=True)


@pytest.mark.parametrize("statement", [
    "SELECT * FROM accounts_user", "SELECT * FROM registration_device", "SELECT * FROM radius_nas",
    "SELECT * FROM certificates_issuedcertificate", "SELECT * FROM radpostauth", "DELETE FROM radacct",
    "UPDATE accounts_user SET is_superuser = true", "INSERT INTO radius_nas (name) VALUES ('x')",
])
def test_it_cannot_read_or_change_the_consoles_tables(radius_login, statement):
    with connect_as(radius_login) as login, pytest.raises(psycopg.errors.InsufficientPrivilege):
        login.execute(statement)


def test_it_reads_the_views_and_writes_freeradius_tables(radius_login, plan):
    register("00:00:5e:10:4a:01", plan["vlan"])
    with connect_as(radius_login) as login:
        assert login.execute("SELECT attribute FROM radcheck WHERE username = '00:00:5e:10:4a:01'").fetchall() == [
            ("Auth-Type",)]
        login.execute("INSERT INTO radpostauth (username, reply) VALUES ('someone', 'Access-Reject')")
        login.execute("INSERT INTO radacct (acctsessionid, acctuniqueid, nasipaddress) VALUES ('s', 'u', '::1')")
        login.execute("UPDATE radacct SET acctstoptime = now() WHERE acctuniqueid = 'u'")
    assert RadPostAuth.objects.filter(username="someone").exists()
    RadAcct.objects.filter(acctuniqueid="u").delete()


@pytest.mark.parametrize("password", ["it's", "back\\slash"])
def test_a_password_freeradius_cannot_send_is_refused(settings, password):
    settings.RADIUS_DATABASE_USER, settings.RADIUS_DATABASE_PASSWORD = "never_created", password
    with pytest.raises(CommandError, match="quote or a backslash"):
        call_command("radius_database_role")


def test_every_migrate_grants_it_again(radius_login):
    call_command("migrate", verbosity=0)  # drops and re-creates the views, and with them their grants
    with connect_as(radius_login) as login:
        assert login.execute("SELECT COUNT(*) FROM radius_ssid").fetchone() == (0,)
    assert grant_radius_login(connection)


def test_freeradius_answers_stores_and_accounts_with_it(radius_login, plan):
    register("00:00:5e:10:4b:01", plan["vlan"])
    clients = [{"id": SERVING, "name": "ap serving", "address": "127.0.0.1"}]
    with running_freeradius(clients, {SERVING: SECRETS[SERVING]}, database_password=PASSWORD) as radius:
        assert "freeradius" in (radius.directory / "mods-enabled" / "sql").read_text()  # the login, not the console's
        assert ask(radius, "00005E104B01", plan["nowep"].essid).code == "Access-Accept"
        assert ask(radius, "00005E104B02", plan["nowep"].essid).code == "Access-Reject"
        assert account(radius, "Start", "4A3B3001", "00005E104B01").code == "Accounting-Response"
    assert list(RadPostAuth.objects.filter(username__startswith="00:00:5e:10:4b").order_by("id")
                .values_list("reply", "reason")) == [("Access-Accept", ""), ("Access-Reject", "MAC not registered")]
    assert RadAcct.objects.filter(acctsessionid="4A3B3001", callingstationid="00:00:5e:10:4b:01").exists()
    RadAcct.objects.filter(acctsessionid="4A3B3001").delete()
