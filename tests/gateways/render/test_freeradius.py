"""The radius role: FreeRADIUS's own check on Debian's layout, user text contained, no secret in the intent."""
import re

import pytest
from hypothesis import given, settings, strategies as st

from gateways.intent import IntentError, validate_intent
from gateways.render.freeradius import render_secrets

from .conftest import by_path, intent, render_and_check, render_files_check

NASTY = ['ap "1" }\n$INCLUDE /etc/shadow', "${confdir}", "%{exec:/bin/false}", "client evil {", "#\r\nsecret = x", "ワイド\x00"]


def radius_role(**overrides) -> dict:
    role = {
        "listen": ["2001:db8:40::5", "192.0.2.5"], "run_as": "freerad", "secrets_file": "/etc/freeradius/opsconsole-secrets.conf",
        "database": {"dialect": "postgresql", "host": "2001:db8::10", "name": "opsconsole", "user": "freeradius"},
        "clients": [{"id": 1, "name": "hall A controller", "address": "2001:db8:40::/64"},
                    {"id": 2, "name": "ap-17", "address": "192.0.2.17"}],
    }
    return {**role, **overrides}


@pytest.mark.parametrize("database", [
    {"dialect": "postgresql", "host": "2001:db8::10", "name": "opsconsole", "user": "freeradius"},
    {"dialect": "sqlite", "sqlite_file": "/var/lib/opsconsole/opsconsole.sqlite3"},
])
def test_the_radius_role_passes_freeradius_own_check(database):
    files, checks = render_and_check(intent({"radius": radius_role(database=database)}, node="radius-1"))

    assert {f.path for f in files} == {f"freeradius/{name}" for name in (
        "radiusd.conf", "clients.conf", "sites-enabled/default", "sites-enabled/inner-tunnel", "mods-enabled/sql",
        "mods-enabled/eap", "policy.d/opsconsole")}
    assert all(check.ok for check in checks), [check.message for check in checks if not check.ok]
    assert {check.message for check in checks} == {"Configuration appears to be OK"}
    clients = by_path(files)["freeradius/clients.conf"]
    assert "ipv6addr = 2001:db8:40::/64" in clients and "ipv4addr = 192.0.2.17/32" in clients
    assert "secret = ${opsconsole_secrets.nas1}" in clients and "require_message_authenticator = yes" in clients
    # EAP-TLS from the files the agent writes (the check reads Debian's self-signed stand-ins), revocation checked.
    assert "opsconsole_tls_dir = /etc/freeradius/opsconsole-tls" in by_path(files)["freeradius/radiusd.conf"]
    eap = by_path(files)["freeradius/mods-enabled/eap"]
    for line in ("private_key_file = ${opsconsole_tls_dir}/server.key", "ca_path = ${opsconsole_tls_dir}/ca",
                 "check_crl = yes", 'virtual_server = "inner-tunnel"'):
        assert f"\t\t{line}\n" in eap or f"\t{line}\n" in eap, line


@settings(max_examples=4, deadline=None)
@given(st.lists(st.text(min_size=1), min_size=1, max_size=4))
def test_no_nas_name_changes_the_configuration_structure(names):
    clients = [{"id": i + 1, "name": name, "address": f"192.0.2.{i + 1}"} for i, name in enumerate([*NASTY, *names])]
    files, checks = render_and_check(intent({"radius": radius_role(clients=clients)}, node="radius-1"))

    assert all(check.ok for check in checks), [check.message for check in checks if not check.ok]
    conf = by_path(files)["freeradius/clients.conf"]
    assert re.findall(r"^client (\S+) \{$", conf, re.MULTILINE) == [f"nas{i + 1}" for i in range(len(clients))]
    assert all(line.startswith(("#", "client ", "\t", "}")) for line in conf.splitlines())


def test_a_broken_configuration_fails_the_check_with_freeradius_message():
    files = render_and_check(intent({"radius": radius_role()}, node="radius-1"))[0]
    policy = next(f for f in files if f.path.endswith("policy.d/opsconsole"))
    broken = [f if f is not policy else type(f)(f.service, f.path, f.content.replace("\t\t\treturn\n", "\t\t\tno_such_module\n"))
              for f in files]

    checks = render_files_check(broken)

    assert not any(check.ok for check in checks)
    assert "no_such_module" in checks[0].message


@pytest.mark.parametrize("change, error", [
    ({"database": {"dialect": "postgresql", "name": "x", "user": "y"}}, "roles.radius.database.host: missing"),
    ({"database": {"dialect": "sqlite"}}, "roles.radius.database.sqlite_file: missing"),
    ({"database": {"dialect": "postgresql", "host": "db", "name": "x", "user": "y", "password": "s"}},
     "roles.radius.database.password: unknown field"),
    ({"clients": [{"id": 1, "address": "192.0.2.1", "secret": "s"}]}, "roles.radius.clients[0].secret: unknown field"),
    ({"clients": [{"id": 1, "address": "192.0.2.1/24"}]}, "roles.radius.clients[0].address"),
    ({"clients": [{"id": 1, "address": "192.0.2.1"}, {"id": 1, "address": "192.0.2.2"}]}, "two clients share an id"),
    ({"database": {"dialect": "postgresql", "host": "db", "name": "x; DROP", "user": "y"}}, "roles.radius.database.name"),
    ({"auth_port": 18120}, "roles.radius.inner_tunnel_port: equals auth_port"),
    ({"acct_port": 1812}, "roles.radius.acct_port: equals auth_port or inner_tunnel_port"),
])
def test_the_intent_refuses_secrets_and_malformed_fields(change, error):
    with pytest.raises(IntentError, match=re.escape(error)):
        validate_intent(intent({"radius": radius_role(**change)}, node="radius-1"))


def test_the_secrets_file_quotes_every_secret_and_refuses_control_characters_and_backslashes():
    text = render_secrets({2: "a\"b'c ${d}", 1: "plain"}, "")

    assert text == "opsconsole_secrets {\n\tdatabase_password = ''\n\tnas1 = 'plain'\n\tnas2 = 'a\"b\\'c ${d}'\n}\n"
    for unusable in ("line\nbreak", "back\\slash"):
        with pytest.raises(ValueError):
            render_secrets({1: unusable}, "")


def test_by_default_freeradius_listens_on_every_ipv6_and_ipv4_address():
    role = {key: value for key, value in radius_role().items() if key != "listen"}
    files, checks = render_and_check(intent({"radius": role}, node="radius-1"))

    site = by_path(files)["freeradius/sites-enabled/default"]
    assert "ipv6addr = ::\n" in site and "ipv4addr = 0.0.0.0\n" in site  # :: alone would be IPv6 only
    assert site.count("type = acct") == 2 and "port = 1813" in site  # accounting beside authentication
    assert all(check.ok for check in checks)
