"""FreeRADIUS 3.2 configuration for the radius role: Debian's layout (/etc/freeradius/3.0) with the console's files over it.

FreeRADIUS answers MAC authentication from the console's database through rlm_sql; the decision lives in
`policy.d/opsconsole` (unlang) and the database views the radius app's migration creates, so the rendered files
change only when the listeners, the clients (NAS) or the database connection change, never per registration.

No secret is in the intent or in these files: NAS shared secrets and the database password are references
`${opsconsole_secrets.<name>}` into a section the node keeps in `secrets_file` (written by the agent, mode 0600,
outside the rendered tree); `render_secrets` gives that file's bytes. The eap module reads the server's key, its
certificate, the CA and the CRL from `tls_dir` (TLS_FILES), which the agent writes with the secrets: the key is a
secret, and the public files travel with it so that the agent always installs a matching set (a revocation or the
day's CRL changes only `secrets_version` in the intent, never puts a CRL into a revision). Every value rendered here
comes validated from the intent (addresses, ports, paths, identifiers); a NAS's name appears only inside a comment.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from gateways.render.common import RenderedFile, comment_text, header, joined

ROOT = "freeradius"
DEBIAN_LAYOUT = Path("/etc/freeradius/3.0")
CHECK_TIMEOUT_SECONDS = 30
# FreeRADIUS's worker threads, and as many sql connections: a thread that finds the pool empty gets no database
# answer, and the policy would reject a registered device.
THREADS = 32
DATABASE_PASSWORD = "database_password"
SECRETS_SECTION = "opsconsole_secrets"
# The line of radiusd.conf naming the secrets file: the off-node check points it at stand-in secrets.
_SECRETS_FILE_LINE = re.compile(r"^opsconsole_secrets_file = (\S+)$", re.MULTILINE)
_TLS_DIR_LINE = re.compile(r"^opsconsole_tls_dir = (\S+)$", re.MULTILINE)
_SECRET_REFERENCE = re.compile(r"\$\{opsconsole_secrets\.([a-z0-9_]+)\}")

# MAC notations access points send: twelve digits, pairs separated by colons or dashes, any case.
_MAC_REGEX = r"^([0-9a-f]{2})[-:]?([0-9a-f]{2})[-:]?([0-9a-f]{2})[-:]?([0-9a-f]{2})[-:]?([0-9a-f]{2})[-:]?([0-9a-f]{2})$"
# Called-Station-Id is `BSSID:SSID` (RFC 3580 3.20), the BSSID in either separator style; group 2 is the SSID.
CALLED_STATION_PATTERN = r"([0-9a-f]{2}[-:]?){5}[0-9a-f]{2}:(.+)"

REASON_NOT_OFFERED = "MAC authentication is not offered on this SSID"
REASON_UNKNOWN_NAS = "unknown NAS"
REASON_NOT_REGISTERED = "MAC not registered"
REASON_EXPIRED = "registration expired"
REASON_WRONG_SSID = "registered, but not for this SSID"
REASON_DATABASE_UNAVAILABLE = "RADIUS database unavailable"
REASON_EAP_NOT_OFFERED = "EAP is not offered on this SSID"
REASON_REVOKED = "certificate revoked"
REASON_CERTIFICATE_EXPIRED = "certificate expired"
REASON_WIFI_PASSWORD_REFUSED = "Wi-Fi password refused"
REASON_WIFI_PASSWORD_NOT_OFFERED = "Wi-Fi password is not offered on this SSID"
# The files the agent writes into tls_dir (the console's opsconsole.certificates.issuing.radius_tls_files): the
# server's key and certificate, the CA, and a c_rehash directory `ca/` holding the CA and its CRL for check_crl.
TLS_FILES = re.compile(r"(server\.pem|server\.key|ca\.pem|ca/[0-9a-f]{8}\.r?0)")
# Debian's self-signed pair (package ssl-cert, which freeradius depends on): stand-ins for the off-node check.
STAND_IN_CERTIFICATE = Path("/etc/ssl/certs/ssl-cert-snakeoil.pem")
STAND_IN_KEY = Path("/etc/ssl/private/ssl-cert-snakeoil.key")


def nas_key(nas_id: int) -> str:
    """A NAS's client name, shortname and secret name: from its id, so no user text reaches the configuration."""
    return f"nas{nas_id}"


def _path(name: str) -> str:
    return f"{ROOT}/{name}"


Section = tuple[str, list]  # (name, items): an item is a line or a nested section


def _lines(items: list, depth: int = 0) -> list[str]:
    """Sections as FreeRADIUS writes them, one tab per level: braces always balance."""
    lines = []
    for item in items:
        if isinstance(item, tuple):
            name, body = item
            lines += ["\t" * depth + f"{name} {{", *_lines(body, depth + 1), "\t" * depth + "}"]
        else:
            lines.append("\t" * depth + item)
    return lines


def _family_key(address: str) -> str:
    return "ipv6addr" if ipaddress.ip_network(address).version == 6 else "ipv4addr"


def _radiusd(intent: dict, role: dict) -> str:
    security = [f"user = {role['run_as']}", f"group = {role['run_as']}"] if role["run_as"] != "root" else []
    return joined(header(intent, "radius") + [
        "prefix = /usr",
        "exec_prefix = /usr",
        "sysconfdir = /etc",
        "localstatedir = /var",
        "sbindir = ${exec_prefix}/sbin",
        f"logdir = {role['log_dir']}",
        f"raddbdir = {role['config_dir']}",
        "radacctdir = ${logdir}/radacct",
        "name = freeradius",
        "confdir = ${raddbdir}",
        "modconfdir = ${confdir}/mods-config",
        "certdir = ${confdir}/certs",
        "cadir = ${confdir}/certs",
        f"run_dir = {role['run_dir']}",
        "db_dir = ${raddbdir}",
        "libdir = /usr/lib/freeradius",
        "pidfile = ${run_dir}/${name}.pid",
        "max_request_time = 30",
        "cleanup_delay = 5",
        "max_requests = 16384",
        "hostname_lookups = no",
        *_lines([
            ("log", ["destination = files", "colourise = no", "file = ${logdir}/radius.log", "syslog_facility = daemon",
                     "stripped_names = no", "auth = no"]),
            "checkrad = ${sbindir}/checkrad",
            ("security", [*security, "allow_core_dumps = no", "max_attributes = 200",
                          f"reject_delay = {role['reject_delay']}", "status_server = yes"]),
            "proxy_requests = no",
            "# NAS secrets and the database password: a section the agent writes, never part of the rendered files.",
            # A new version changes this file, so the agent restarts FreeRADIUS once it has written the new secrets.
            f"# secrets version {role['secrets_version'] or 'none'}",
            f"opsconsole_secrets_file = {role['secrets_file']}",
            "$INCLUDE ${opsconsole_secrets_file}",
            "# The server's key and certificate, the CA and its CRL (eap module): written by the agent with the secrets.",
            f"opsconsole_tls_dir = {role['tls_dir']}",
            "$INCLUDE clients.conf",
            ("thread pool", ["start_servers = 5", f"max_servers = {THREADS}", "min_spare_servers = 3",
                             "max_spare_servers = 10", "max_requests_per_server = 0", "auto_limit_acct = no"]),
            ("modules", ["$INCLUDE mods-enabled/"]),
            ("instantiate", []),
            ("policy", ["$INCLUDE policy.d/"]),
        ]),
        "$INCLUDE sites-enabled/",
    ])


def _clients(intent: dict, role: dict) -> str:
    lines = header(intent, "radius")
    for client in role["clients"]:
        name = nas_key(client["id"])
        lines += [f"# {comment_text(client['name'])}", *_lines([(f"client {name}", [
            f"{_family_key(client['address'])} = {client['address']}",
            f"secret = ${{{SECRETS_SECTION}.{name}}}",
            f"shortname = {name}",
            # Without a valid Message-Authenticator a request is dropped: a wrong secret gets no answer at all
            # (MAC authentication checks no password that a wrong secret would garble), and BlastRADIUS is closed.
            "require_message_authenticator = yes",
            "limit_proxy_state = yes",
        ])])]
    return joined(lines)


def _listen(port: int, addresses: list[str], kind: str = "auth") -> list[Section]:
    return [("listen", [f"type = {kind}", f"{_family_key(address)} = {address}", f"port = {port}"]) for address in addresses]


_DEFAULT_SITE: list[Section] = [
    # MAC authentication is for requests without EAP; an EAP conversation is decided by the eap module alone.
    ("authorize", ["preprocess", ("if (!&EAP-Message)", ["opsconsole_mac_auth"]), ("else", ["opsconsole_eap_ssid"]),
                   ("eap", ["ok = return"])]),
    ("authenticate", [("Auth-Type eap", ["eap"])]),
    ("post-auth", ["opsconsole_store_answer", ("Post-Auth-Type REJECT", [
        "opsconsole_tls_reason", "opsconsole_store_answer", "attr_filter.access_reject", "eap"])]),
    ("preacct", ["preprocess", "acct_unique", "opsconsole_accounting"]),
    ("accounting", ["sql", "attr_filter.accounting_response"]),
]
_INNER_TUNNEL: list[Section] = [
    # sql first: radcheck gives a Wi-Fi password's user name (p<participant>) its NT-Password for MSCHAPv2.
    # PEAP copies the outer request (copy_request_to_tunnel), so the SSID in Called-Station-Id is known here.
    ("authorize", ["filter_username", "opsconsole_wifi_password_ssid", "sql", "mschap", ("eap", ["ok = return"]), "pap"]),
    ("authenticate", [("Auth-Type PAP", ["pap"]), ("Auth-Type MS-CHAP", ["mschap"]), "eap"]),
    # The outer identity of PEAP is anonymous: a refusal is stored under the inner one (p<participant>) here.
    ("post-auth", [("Post-Auth-Type REJECT", [
        ("if (!&control:Tmp-String-9)", [("update control", [f'&Tmp-String-9 := "{REASON_WIFI_PASSWORD_REFUSED}"'])]),
        "sql", "attr_filter.access_reject"])]),
]


def _default_site(intent: dict, role: dict) -> str:
    listeners = [*_listen(role["auth_port"], role["listen"]), *_listen(role["acct_port"], role["listen"], "acct")]
    server = ("server default", [*listeners, *_DEFAULT_SITE])
    return joined(header(intent, "radius") + _lines([server]))


def _inner_tunnel(intent: dict, role: dict) -> str:
    # Debian's eap module names this server for PEAP and TTLS; it listens on loopback only, on the intent's port
    # (Debian's own copy takes 127.0.0.1:18120 whatever else runs there).
    server = ("server inner-tunnel", [*_listen(role["inner_tunnel_port"], ["127.0.0.1"]), *_INNER_TUNNEL])
    return joined(header(intent, "radius") + _lines([server]))


def _database(role: dict) -> list[str]:
    database = role["database"]
    if database["dialect"] == "sqlite":
        return [
            '\tdialect = "sqlite"',
            '\tdriver = "rlm_sql_sqlite"',
            "\tsqlite {",
            f'\t\tfilename = "{database["sqlite_file"]}"',
            # The console and every other thread write to the same file: wait for the lock rather than failing the
            # request (a failed post-auth insert turns an Accept into a Reject). 5 s was not enough under load
            # (tests/radius/test_concurrent_answers.py); 20 s, as the console's own, stays under max_request_time.
            "\t\tbusy_timeout = 20000",
            "\t}",
        ]
    return [
        '\tdialect = "postgresql"',
        '\tdriver = "rlm_sql_postgresql"',
        f'\tserver = "{database["host"]}"',
        f"\tport = {database['port']}",
        f'\tlogin = "{database["user"]}"',
        f"\tpassword = ${{{SECRETS_SECTION}.{DATABASE_PASSWORD}}}",
        # FreeRADIUS's own writes (outcomes, accounting) commit without waiting for the disk: a database crash
        # may lose the last fraction of a second of them, never the console's data; waiting for the flush on every
        # request was the largest cost left of an accepted MAC. The database name is an identifier (intent).
        f"\tradius_db = \"dbname={database['name']} options='-c synchronous_commit=off'\"",
        "\tpostgresql {",
        "\t\tsend_application_name = yes",
        "\t}",
    ]


# The decision for a MAC-shaped request, in one query over views opsconsole/radius/views.py creates (radius_ssid,
# radius_nas_ssid, radius_device, radius_device_vlan: each a narrow view over the console's models, joined by id):
# "vlan <vid>" to accept, otherwise a key of DECISIONS. It answers what radcheck, radusergroup, radgroupcheck and
# radgroupreply (FreeRADIUS's standard tables, also views) answer for that MAC and SSID, and says why it refuses.
# MAC, SSID_HEX and CLIENT are SQL expressions: the policy's escaped expansions on SQLite; on PostgreSQL the
# parameters of the function opsconsole_mac_decision, which also stores the answer in radpostauth (one round trip
# per request: the second, post-auth's own insert, cost FreeRADIUS and PostgreSQL as much as the decision).
DECISIONS = {
    "not-offered": REASON_NOT_OFFERED,
    "unknown-nas": REASON_UNKNOWN_NAS,
    "not-registered": REASON_NOT_REGISTERED,
    "expired": REASON_EXPIRED,
    "wrong-ssid": REASON_WRONG_SSID,
}
DECISION_FUNCTION = "opsconsole_mac_decision"


def decision_query(mac: str, ssid_hex: str, client: str) -> str:
    return (
        "SELECT CASE WHEN s.id IS NULL THEN 'not-offered'"
        f" WHEN NOT EXISTS (SELECT 1 FROM radius_nas_ssid n WHERE n.client = {client} AND n.ssid_id = s.id)"
        " THEN 'unknown-nas'"
        " WHEN d.id IS NULL THEN 'not-registered'"
        " WHEN d.expired = 1 THEN 'expired'"
        " WHEN NOT EXISTS (SELECT 1 FROM radius_device_vlan v WHERE v.device_id = d.id AND v.vlan_id = s.vlan_id)"
        " THEN 'wrong-ssid'"
        " ELSE 'vlan ' || CAST(s.vid AS TEXT) END"
        " FROM (SELECT 1 AS one) asked"
        f" LEFT JOIN radius_ssid s ON s.essid_hex = {ssid_hex} AND s.authentication = 'mac-auth'"
        f" LEFT JOIN radius_device d ON d.mac = {mac}"
    )


def reason_of(decision: str) -> str:
    """SQL: the plain reason stored for the decision DECISION (an SQL expression); empty for an accept."""
    cases = " ".join(f"WHEN '{key}' THEN '{reason}'" for key, reason in DECISIONS.items())
    return f"CASE {decision} {cases} ELSE '' END"


# radcheck, radreply, radusergroup, radgroupcheck and radgroupreply are views over the console's models (see
# opsconsole/radius/views.py): these are FreeRADIUS's standard queries on them.
_QUERIES = [
    "\tread_clients = no",
    # FreeRADIUS's default plus the comma (harmless inside a quoted literal), so a stored reason reads as written;
    # anything else outside this set is stored as =XX (opsconsole.radius.models.sql_unescape reads it back).
    '\tsafe_characters = "@abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_: /,"',
    "\tauthcheck_table = radcheck",
    "\tauthreply_table = radreply",
    "\tgroupcheck_table = radgroupcheck",
    "\tgroupreply_table = radgroupreply",
    "\tusergroup_table = radusergroup",
    "\tpostauth_table = radpostauth",
    "\tacct_table1 = radacct",
    "\tacct_table2 = radacct",
    '\tgroup_attribute = "SQL-Group"',
    # The MAC in its canonical form once the policy has recognised one; otherwise the name as sent (EAP).
    '\tsql_user_name = "%{%{control:Tmp-String-0}:-%{User-Name}}"',
    "\tread_groups = yes",
    "\tread_profiles = no",
    '\tauthorize_check_query = "SELECT id, username, attribute, value, op FROM ${authcheck_table} '
    "WHERE username = '%{SQL-User-Name}' ORDER BY id\"",
    '\tauthorize_reply_query = "SELECT id, username, attribute, value, op FROM ${authreply_table} '
    "WHERE username = '%{SQL-User-Name}' ORDER BY id\"",
    '\tgroup_membership_query = "SELECT groupname FROM ${usergroup_table} '
    "WHERE username = '%{SQL-User-Name}' ORDER BY priority\"",
    '\tauthorize_group_check_query = "SELECT id, groupname, attribute, value, op FROM ${groupcheck_table} '
    "WHERE groupname = '%{${group_attribute}}' ORDER BY id\"",
    '\tauthorize_group_reply_query = "SELECT id, groupname, attribute, value, op FROM ${groupreply_table} '
    "WHERE groupname = '%{${group_attribute}}' ORDER BY id\"",
    "\tpost-auth {",
    # No password is stored: MAC authentication has none worth keeping, and EAP never sends one here.
    '\t\tquery = "INSERT INTO ${..postauth_table} (username, pass, reply, calledstationid, callingstationid, reason) '
    "VALUES ('%{SQL-User-Name}', '', '%{reply:Packet-Type}', '%{Called-Station-Id}', '%{Calling-Station-Id}', "
    "'%{control:Tmp-String-9}')\"",
    "\t}",
]


def _accounting(dialect: str) -> list[str]:
    """Start opens a session, Interim-Update and Stop update it by Acct-Unique-Session-Id (acct_unique).

    Times are what the console's models read back: timestamptz on PostgreSQL, Django's UTC text on SQLite.
    Calling-Station-Id arrives canonical (opsconsole_accounting), which is how a session finds its device.
    """
    epoch = "%{%{integer:Event-Timestamp}:-%l}"
    if dialect == "sqlite":
        now, address = f"datetime({epoch}, 'unixepoch')", "'%{{{}}}'"
    else:
        now, address = f"TO_TIMESTAMP({epoch})", "NULLIF('%{{{}}}', '')::inet"
    octets = "%{{%{{Acct-{0}-Gigawords}}:-0}} * 4294967296 + %{{%{{Acct-{0}-Octets}}:-0}}"
    counters = (f"acctupdatetime = {now}, acctsessiontime = %{{%{{Acct-Session-Time}}:-0}}, "
                f"acctinputoctets = {octets.format('Input')}, acctoutputoctets = {octets.format('Output')}, "
                f"framedipaddress = {address.format('Framed-IP-Address')}, "
                f"framedipv6address = {address.format('Framed-IPv6-Address')}")
    session = "WHERE acctuniqueid = '%{Acct-Unique-Session-Id}'"
    start = ("INSERT INTO ${....acct_table1} (acctsessionid, acctuniqueid, username, nasipaddress, nasportid, "
             "acctstarttime, acctupdatetime, acctsessiontime, acctinputoctets, acctoutputoctets, calledstationid, "
             "callingstationid, framedipaddress, framedipv6address) VALUES ('%{Acct-Session-Id}', "
             "'%{Acct-Unique-Session-Id}', '%{SQL-User-Name}', '%{%{NAS-IPv6-Address}:-%{NAS-IP-Address}}', "
             f"'%{{%{{NAS-Port-Id}}:-%{{NAS-Port}}}}', {now}, {now}, 0, 0, 0, '%{{Called-Station-Id}}', "
             f"'%{{Calling-Station-Id}}', {address.format('Framed-IP-Address')}, "
             f"{address.format('Framed-IPv6-Address')})")
    close = f"acctstoptime = {now}, acctterminatecause = '%{{Acct-Terminate-Cause}}'"
    # A NAS that restarts (Accounting-On/Off) has closed every session it held.
    restart = (f"UPDATE ${{....acct_table1}} SET {close} WHERE acctstoptime IS NULL "
               f"AND nasipaddress = '%{{%{{NAS-IPv6-Address}}:-%{{NAS-IP-Address}}}}'")
    types = [
        ("start", [f'query = "{start}"']),
        # An interim for a session whose Start was lost opens it.
        ("interim-update", [f'query = "UPDATE ${{....acct_table1}} SET {counters} {session}"', f'query = "{start}"']),
        ("stop", [f'query = "UPDATE ${{....acct_table1}} SET {counters}, {close} {session}"']),
        ("accounting-on", [f'query = "{restart}"']),
        ("accounting-off", [f'query = "{restart}"']),
    ]
    return _lines([("accounting", ['reference = "%{tolower:type.%{Acct-Status-Type}.query}"', ("type", types)])], 1)


_POOL: Section = ("pool", ["start = 1", "min = 1", f"max = {THREADS}", "spare = 4", "uses = 0", "retry_delay = 5",
                          "lifetime = 0", "idle_timeout = 60"])


def _sql_module(intent: dict, role: dict) -> str:
    return joined(header(intent, "radius") + [
        "sql {",
        *_database(role),
        *_QUERIES,
        *_accounting(role["database"]["dialect"]),
        *_lines([_POOL], 1),
        "}",
    ])


def _refuse(reason: str, depth: int = 3) -> list[str]:
    return _lines([("update control", [f'&Tmp-String-9 := "{reason}"']), "reject"], depth)


_SSID_HEX = "%{request:Tmp-String-1}"


def _not_offered(authentication: str) -> str:
    """The condition: the plan's SSID of this request (opsconsole_ssid) does not use AUTHENTICATION."""
    return f"\"%{{sql:SELECT authentication FROM radius_ssid WHERE essid_hex = '{_SSID_HEX}'}}\" != \"{authentication}\""


def _decision(role: dict) -> str:
    mac, ssid, client = "'%{control:Tmp-String-0}'", "'%{request:Tmp-String-1}'", "'%{client:shortname}'"
    if role["database"]["dialect"] == "sqlite":
        return decision_query(mac, ssid, client)
    return f"SELECT {DECISION_FUNCTION}({mac}, {ssid}, {client}, '%{{Called-Station-Id}}', '%{{Calling-Station-Id}}')"


def _store_answer(role: dict) -> list[str]:
    """Post-auth stores the answer (sql: radpostauth), unless the decision function already has (PostgreSQL, when
    the database answered)."""
    if role["database"]["dialect"] == "sqlite":
        return ["opsconsole_store_answer {", "\tsql", "}"]
    return ["opsconsole_store_answer {", '\tif (!&control:Tmp-String-2 || &control:Tmp-String-2 == "") {', "\t\tsql",
            "\t}", "}"]


def _policy(intent: dict, role: dict) -> str:
    ssid = _SSID_HEX
    return joined(header(intent, "radius") + [
        "# MAC authentication: the decision with a plain reason (control:Tmp-String-9, stored in radpostauth).",
        "# control:Tmp-String-0 is the MAC in the console's form aa:bb:cc:dd:ee:ff, request:Tmp-String-1 the SSID",
        "# in hex: hex is all the SQL escaping leaves alone, so any SSID compares byte for byte.",
        "opsconsole_mac_auth {",
        f"\tif (&User-Name =~ /{_MAC_REGEX}/i) {{",
        "\t\tupdate control {",
        '\t\t\t&Tmp-String-0 := "%{tolower:%{1}:%{2}:%{3}:%{4}:%{5}:%{6}}"',
        "\t\t}",
        "\t\topsconsole_ssid",
        # One query per request (see decision_query); an empty answer means the database did not answer.
        "\t\tupdate control {",
        f'\t\t\t&Tmp-String-2 := "%{{sql:{_decision(role)}}}"',
        "\t\t}",
        '\t\tif (&control:Tmp-String-2 =~ /^vlan ([0-9]+)$/) {',
        "\t\t\tupdate control {",
        "\t\t\t\t&Auth-Type := Accept",
        "\t\t\t}",
        "\t\t\tupdate reply {",
        "\t\t\t\t&Tunnel-Type := VLAN",
        "\t\t\t\t&Tunnel-Medium-Type := IEEE-802",
        '\t\t\t\t&Tunnel-Private-Group-Id := "%{1}"',
        "\t\t\t}",
        "\t\t\treturn",
        "\t\t}",
        *[line for key, reason in DECISIONS.items() for line in (
            f'\t\tif (&control:Tmp-String-2 == "{key}") {{', *_refuse(reason), "\t\t}")],
        *_refuse(REASON_DATABASE_UNAVAILABLE, 2),
        "\t}",
        "}",
        "",
        "# EAP (EAP-TLS, and PEAP-MSCHAPv2 for the Wi-Fi passwords) only on an EAP SSID, from a NAS that serves it.",
        "opsconsole_eap_ssid {",
        "\topsconsole_ssid",
        f"\tif ({_not_offered('wpa2-eap-tls')}) {{",
        *_refuse(REASON_EAP_NOT_OFFERED, 2),
        "\t}",
        "\topsconsole_nas_serves_ssid",
        "}",
        "",
        "# The Wi-Fi password (inner tunnel) only on an SSID whose plan entry allows it.",
        "opsconsole_wifi_password_ssid {",
        "\topsconsole_ssid",
        f"\tif (\"%{{sql:SELECT COUNT(*) FROM radius_ssid WHERE essid_hex = '{ssid}' AND wifi_password = 1}}\" == 0) {{",
        *_refuse(REASON_WIFI_PASSWORD_NOT_OFFERED, 2),
        "\t}",
        "}",
        "",
        "# The SSID from Called-Station-Id (BSSID:SSID) into Called-Station-SSID and, in hex, request:Tmp-String-1.",
        "opsconsole_ssid {",
        f"\tif (&Called-Station-Id =~ /^{CALLED_STATION_PATTERN}$/i) {{",
        "\t\tupdate request {",
        '\t\t\t&Called-Station-SSID := "%{2}"',
        "\t\t}",
        "\t\tupdate request {",
        '\t\t\t&Tmp-String-1 := "%{hex:&Called-Station-SSID}"',
        "\t\t}",
        "\t}",
        "}",
        "",
        "opsconsole_nas_serves_ssid {",
        "\tif (\"%{sql:SELECT COUNT(*) FROM radius_nas_ssid "
        f"WHERE client = '%{{client:shortname}}' AND essid_hex = '{ssid}'}}\" == 0) {{",
        *_refuse(REASON_UNKNOWN_NAS, 2),
        "\t}",
        "}",
        "",
        *_store_answer(role),
        "",
        "# An EAP-TLS refusal's reason, from the error OpenSSL's verification gave (in Module-Failure-Message).",
        "opsconsole_tls_reason {",
        "\tif (&Module-Failure-Message[*] =~ /certificate revoked/) {",
        "\t\tupdate control {",
        f'\t\t\t&Tmp-String-9 := "{REASON_REVOKED}"',
        "\t\t}",
        "\t}",
        "\telsif (&Module-Failure-Message[*] =~ /certificate has expired/) {",
        "\t\tupdate control {",
        f'\t\t\t&Tmp-String-9 := "{REASON_CERTIFICATE_EXPIRED}"',
        "\t\t}",
        "\t}",
        "}",
        "",
        "# Accounting: the device's MAC in the console's form, so a session joins its device whatever the NAS wrote.",
        "opsconsole_accounting {",
        f"\tif (&Calling-Station-Id =~ /{_MAC_REGEX}/i) {{",
        "\t\tupdate request {",
        '\t\t\t&Calling-Station-Id := "%{tolower:%{1}:%{2}:%{3}:%{4}:%{5}:%{6}}"',
        "\t\t}",
        "\t}",
        "}",
    ])


def _eap_module(intent: dict) -> str:
    tls_dir = "${opsconsole_tls_dir}"
    return joined(header(intent, "radius") + _lines([("eap", [
        "default_eap_type = tls",
        "timer_expire = 60",
        "ignore_unknown_eap_types = no",
        "cisco_accounting_username_bug = no",
        "max_sessions = ${max_requests}",
        ("tls-config tls-common", [
            f"private_key_file = {tls_dir}/server.key",
            f"certificate_file = {tls_dir}/server.pem",
            f"ca_file = {tls_dir}/ca.pem",
            # The CA and its CRL, c_rehash names; OpenSSL reads them once per start, so the agent restarts
            # FreeRADIUS whenever the CRL changes (the secrets version in radiusd.conf changes with it).
            f"ca_path = {tls_dir}/ca",
            "check_crl = yes",
            "cipher_list = \"DEFAULT\"",
            "tls_min_version = \"1.2\"",
            # Debian's choice: PEAP and TTLS over TLS 1.3 are not interoperable with every client yet.
            "tls_max_version = \"1.2\"",
            ("cache", ["enable = no"]),
            ("verify", []),
        ]),
        ("tls", ["tls = tls-common"]),
        ("peap", ["tls = tls-common", "default_eap_type = mschapv2", "copy_request_to_tunnel = yes",
                  "use_tunneled_reply = yes", 'virtual_server = "inner-tunnel"']),
        ("mschapv2", []),
    ])]))


def render_freeradius(intent: dict) -> list[RenderedFile]:
    role = intent["roles"]["radius"]
    return [
        RenderedFile("freeradius", _path("radiusd.conf"), _radiusd(intent, role)),
        RenderedFile("freeradius", _path("clients.conf"), _clients(intent, role)),
        RenderedFile("freeradius", _path("sites-enabled/default"), _default_site(intent, role)),
        RenderedFile("freeradius", _path("sites-enabled/inner-tunnel"), _inner_tunnel(intent, role)),
        RenderedFile("freeradius", _path("mods-enabled/sql"), _sql_module(intent, role)),
        RenderedFile("freeradius", _path("mods-enabled/eap"), _eap_module(intent)),
        RenderedFile("freeradius", _path("policy.d/opsconsole"), _policy(intent, role)),
    ]


def _quoted(secret: str) -> str:
    # Single quotes: FreeRADIUS expands ${...} in double-quoted values, so a secret holding one would be a reference.
    # In single quotes it reads \' as a quote but does not read \\ back as one backslash: none gets through
    # (tests/radius/test_nas_secret_characters.py), so the NAS form refuses one.
    if not secret.isprintable() or not secret.isascii() or "\\" in secret:
        raise ValueError("a RADIUS secret is printable ASCII without a backslash")
    return "'" + secret.replace("'", "\\'") + "'"


# rlm_sql_postgresql puts the password into libpq's connection string as password='...' unescaped (and FreeRADIUS's
# own parser drops one level of backslashes before): no escaping gets these characters through, so they are refused.
UNUSABLE_IN_PASSWORD = frozenset("'\\")


def render_secrets(nas_secrets: dict[int, str], database_password: str) -> str:
    """The secrets file for `secrets_file`: NAS shared secrets by NAS id, and the database password."""
    if set(database_password) & UNUSABLE_IN_PASSWORD:
        raise ValueError("FreeRADIUS cannot log in with a database password holding a quote or a backslash")
    lines = [f"{SECRETS_SECTION} {{", f"\t{DATABASE_PASSWORD} = {_quoted(database_password)}"]
    lines += [f"\t{nas_key(nas_id)} = {_quoted(secret)}" for nas_id, secret in sorted(nas_secrets.items())]
    return joined(lines + ["}"])


def _tree_root(file: Path) -> Path:
    for parent in file.parents:
        if (parent / "radiusd.conf").exists():
            return parent
    raise FileNotFoundError(f"no radiusd.conf above {file}")


def stand_in_tls() -> dict[str, str]:
    """TLS files for a server that is not the node's: Debian's self-signed certificate as server and CA, no CRL."""
    certificate = STAND_IN_CERTIFICATE.read_text()
    return {"server.pem": certificate, "ca.pem": certificate, "server.key": STAND_IN_KEY.read_text()}


def overlay_debian_layout(rendered_root: Path, target: Path, secrets_file: Path | None = None,
                          tls_dir: Path | None = None) -> None:
    """Debian's /etc/freeradius/3.0 at TARGET with the rendered files over it and `raddbdir` pointing at TARGET.

    With SECRETS_FILE the secrets come from there, with TLS_DIR the eap module's files; without, stand-ins: a value
    for every secret reference, and Debian's self-signed certificate.
    """
    shutil.copytree(DEBIAN_LAYOUT, target, symlinks=True, dirs_exist_ok=True)
    for site in ("default", "inner-tunnel"):
        (target / "sites-enabled" / site).unlink(missing_ok=True)
    for file in rendered_root.rglob("*"):
        if file.is_file():
            destination = target / file.relative_to(rendered_root)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.unlink(missing_ok=True)
            shutil.copyfile(file, destination)
    if secrets_file is None:
        texts = "".join(path.read_text() for path in rendered_root.rglob("*") if path.is_file())
        names = sorted(set(_SECRET_REFERENCE.findall(texts)) - {DATABASE_PASSWORD})
        secrets_file = target / "opsconsole-check-secrets.conf"
        secrets_file.write_text(render_secrets({int(name[3:]): "check-only" for name in names}, ""))
    radiusd = target / "radiusd.conf"
    content = _SECRETS_FILE_LINE.sub(f"opsconsole_secrets_file = {secrets_file}", radiusd.read_text())
    if tls_dir is None:
        tls_dir = target / "opsconsole-check-tls"
        (tls_dir / "ca").mkdir(parents=True, exist_ok=True)
        for name, stand_in in stand_in_tls().items():
            (tls_dir / name).write_text(stand_in)
    content = _TLS_DIR_LINE.sub(f"opsconsole_tls_dir = {tls_dir}", content)
    radiusd.write_text(re.sub(r"^raddbdir = .*$", f"raddbdir = {target}", content, flags=re.MULTILINE))


_checked: dict[str, tuple[bool, str]] = {}


def check_freeradius(file: Path) -> tuple[bool, str]:
    """`freeradius -XC` on Debian's layout with the rendered tree over it; one run per tree, whichever file asks."""
    root = _tree_root(file)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    key = digest.hexdigest()
    if key not in _checked:
        _checked[key] = _check_tree(root)
    return _checked[key]


def _check_tree(root: Path) -> tuple[bool, str]:
    with tempfile.TemporaryDirectory(prefix="freeradius-check-") as directory:
        target = Path(directory) / "raddb"
        overlay_debian_layout(root, target)
        radiusd = target / "radiusd.conf"
        # The check runs where the node's log and run directories need not exist.
        content = re.sub(r"^(logdir|run_dir) = .*$", rf"\1 = {directory}", radiusd.read_text(), flags=re.MULTILINE)
        radiusd.write_text(re.sub(r"^\tuser = .*\n\tgroup = .*\n", "", content, flags=re.MULTILINE))
        try:
            done = subprocess.run(["freeradius", "-XC", "-d", str(target)], capture_output=True, text=True,
                                  timeout=CHECK_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return False, f"freeradius -XC took more than {CHECK_TIMEOUT_SECONDS} s"
    output = done.stdout + done.stderr
    if done.returncode == 0:
        return True, "Configuration appears to be OK"
    errors = [line for line in output.splitlines() if "rror" in line or "nvalid" in line or "ailed" in line]
    return False, "\n".join(errors[-10:]) or output[-2000:]
