"""FreeRADIUS's tables in the console's database: views over the console's models, and the tables FreeRADIUS writes.

Why views: the console's models are the one truth. A device registered, removed, or expired (by its own expiry or
its participant's event end, compared with the database's clock when FreeRADIUS asks) is what FreeRADIUS sees in
the very next Access-Request after the commit: nothing is pushed, nothing copied, nothing can drift.

What the views mean (FreeRADIUS's standard tables; gateways.render.freeradius.decision_query reads them):
- radcheck: every unexpired device, by MAC (aa:bb:cc:dd:ee:ff), with Auth-Type := Accept (MAC authentication
  checks no password); and every Wi-Fi password of a participant whose event has not ended, by its user name
  (p<participant id>), with NT-Password := 0x<NT hash> for PEAP-MSCHAPv2 in the inner tunnel;
- radusergroup: each unexpired device in the group `ssid<id>` of every MAC-authentication SSID on a VLAN it is
  registered for;
- radgroupcheck: group `ssid<id>` matches only when the request's SSID (hex, in request:Tmp-String-1) is that SSID;
- radgroupreply: the group's VLAN attributes (Tunnel-Type, Tunnel-Medium-Type, Tunnel-Private-Group-Id);
- radreply: empty (every reply attribute comes from the plan, per SSID);
- nas: the NAS inventory without secrets (FreeRADIUS's clients come from the rendered clients.conf and the node's
  secrets file, see gateways/render/freeradius.py; read_clients is off).
Besides them, narrow views say the same by id, and why a MAC is refused: radius_device (id, MAC, expired 0/1),
radius_device_vlan (device, VLAN), radius_ssid (with its VLAN, vid, and wifi_password 1 where the
plan takes the Wi-Fi password) and radius_nas_ssid (client, SSID).

FreeRADIUS asks one question per MAC-authentication request over the narrow views (gateways.render.freeradius.
decision_query). On PostgreSQL it is the PL/pgSQL function opsconsole_mac_decision, which also stores the answer in
radpostauth: rlm_sql sends plain SQL text, and planning the view joins anew for every request cost several times
executing them, while a PL/pgSQL function keeps its plan per connection; and one round trip instead of a decision
and post-auth's insert halves what rlm_sql costs FreeRADIUS per request (bench/radius.py). It reads the views at
call time, so it changes nothing about when a commit takes effect.

The views are derived objects, so every `migrate` drops them before it starts and creates them again when it ends
(`drop_before_migrate`, `create_after_migrate`): other apps' migrations may then rebuild or alter the tables the
views read, which SQLite ("error in view ...: no such table" while it remakes a table) and PostgreSQL ("cannot alter
type of a column used by a view") would otherwise refuse. FreeRADIUS rejects while a migrate runs.
"""
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from gateways.render.freeradius import DECISION_FUNCTION, decision_query, reason_of


def _dialect(vendor: str) -> dict[str, str]:
    if vendor == "sqlite":
        # Django keeps datetimes in SQLite as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]', which compares as text.
        return {"now": "strftime('%Y-%m-%d %H:%M:%f', 'now')", "hex": "lower(hex({}))"}
    return {"now": "CURRENT_TIMESTAMP", "hex": "encode(convert_to({}, 'UTF8'), 'hex')"}


def _views(vendor: str) -> dict[str, str]:
    dialect = _dialect(vendor)
    now, essid_hex = dialect["now"], dialect["hex"].format("s.essid")
    expired = f"(p.active_until <= {now} OR (d.expires_at IS NOT NULL AND d.expires_at <= {now}))"
    devices = "registration_device d JOIN registration_participant p ON p.id = d.participant_id"
    group = "'ssid' || CAST(s.id AS TEXT)"
    mac_ssids = "plan_ssid s JOIN plan_vlan v ON v.id = s.vlan_id WHERE s.authentication = 'mac-auth'"
    return {
        "radius_device": f"SELECT d.id AS id, d.mac AS mac, CASE WHEN {expired} THEN 1 ELSE 0 END AS expired"
                         f" FROM {devices}",
        "radius_device_vlan": "SELECT dv.device_id AS device_id, dv.vlan_id AS vlan_id FROM registration_device_vlans dv",
        "radius_ssid": f"SELECT s.id AS id, s.essid AS essid, {essid_hex} AS essid_hex, s.authentication AS authentication,"
                       " s.vlan_id AS vlan_id, v.vid AS vid, CASE WHEN s.wifi_password THEN 1 ELSE 0 END AS wifi_password"
                       " FROM plan_ssid s JOIN plan_vlan v ON v.id = s.vlan_id",
        # 'nas<id>' is the FreeRADIUS client's shortname (gateways.render.freeradius.nas_key).
        "radius_nas_ssid": f"SELECT 'nas' || CAST(ns.nas_id AS TEXT) AS client, ns.ssid_id AS ssid_id,"
                           f" {essid_hex} AS essid_hex FROM radius_nas_ssids ns JOIN plan_ssid s ON s.id = ns.ssid_id",
        # Negative ids for the passwords: rlm_sql orders a user's rows by id, and the two kinds never share a name.
        "radcheck": "SELECT d.id AS id, d.mac AS username, 'Auth-Type' AS attribute, ':=' AS op, 'Accept' AS value"
                    f" FROM {devices} WHERE NOT {expired}"
                    " UNION ALL SELECT -w.id AS id, w.username AS username, 'NT-Password' AS attribute, ':=' AS op,"
                    " '0x' || w.nt_hash AS value FROM certificates_wifipassword w"
                    f" JOIN registration_participant p ON p.id = w.participant_id WHERE p.active_until > {now}",
        "radreply": "SELECT 0 AS id, '' AS username, '' AS attribute, '=' AS op, '' AS value WHERE 1 = 0",
        "radusergroup": f"SELECT d.id AS id, d.mac AS username, {group} AS groupname, 0 AS priority FROM {devices}"
                        " JOIN registration_device_vlans dv ON dv.device_id = d.id"
                        f" JOIN plan_ssid s ON s.vlan_id = dv.vlan_id AND s.authentication = 'mac-auth' WHERE NOT {expired}",
        "radgroupcheck": f"SELECT s.id AS id, {group} AS groupname, 'Tmp-String-1' AS attribute, '==' AS op,"
                         f" {essid_hex} AS value FROM {mac_ssids}",
        "radgroupreply": " UNION ALL ".join(
            f"SELECT 3 * s.id + {offset} AS id, {group} AS groupname, '{attribute}' AS attribute, ':=' AS op,"
            f" {value} AS value FROM {mac_ssids}"
            for offset, (attribute, value) in enumerate((
                ("Tunnel-Type", "'VLAN'"), ("Tunnel-Medium-Type", "'IEEE-802'"),
                ("Tunnel-Private-Group-Id", "CAST(v.vid AS TEXT)"),
            ))
        ),
        "nas": "SELECT n.id AS id, n.address AS nasname, 'nas' || CAST(n.id AS TEXT) AS shortname, 'other' AS type,"
               " CAST(NULL AS INTEGER) AS ports, '' AS secret, CAST(NULL AS TEXT) AS server,"
               " CAST(NULL AS TEXT) AS community, n.name AS description FROM radius_nas n",
    }


# FreeRADIUS 3.2's radacct and radpostauth (raddb/mods-config/sql/main/<dialect>/schema.sql), radpostauth with a
# `reason` column for the plain reason of a reject, and on SQLite the station ids PostgreSQL's schema has.
TABLES = {
    "postgresql": [
        """CREATE TABLE radacct (
            RadAcctId bigserial PRIMARY KEY, AcctSessionId text NOT NULL, AcctUniqueId text NOT NULL UNIQUE,
            UserName text, Realm text, NASIPAddress inet NOT NULL, NASPortId text, NASPortType text,
            AcctStartTime timestamp with time zone, AcctUpdateTime timestamp with time zone,
            AcctStopTime timestamp with time zone, AcctInterval bigint, AcctSessionTime bigint, AcctAuthentic text,
            ConnectInfo_start text, ConnectInfo_stop text, AcctInputOctets bigint, AcctOutputOctets bigint,
            CalledStationId text, CallingStationId text, AcctTerminateCause text, ServiceType text,
            FramedProtocol text, FramedIPAddress inet, FramedIPv6Address inet, FramedIPv6Prefix inet,
            FramedInterfaceId text, DelegatedIPv6Prefix inet, Class text)""",
        "CREATE INDEX radacct_active_session_idx ON radacct (AcctUniqueId) WHERE AcctStopTime IS NULL",
        "CREATE INDEX radacct_bulk_close ON radacct (NASIPAddress, AcctStartTime) WHERE AcctStopTime IS NULL",
        "CREATE INDEX radacct_start_user_idx ON radacct (AcctStartTime, UserName)",
        "CREATE INDEX radacct_calss_idx ON radacct (Class)",
        """CREATE TABLE radpostauth (
            id bigserial PRIMARY KEY, username text NOT NULL, pass text, reply text, CalledStationId text,
            CallingStationId text, authdate timestamp with time zone NOT NULL default now(), Class text,
            reason text NOT NULL default '')""",
        "CREATE INDEX radpostauth_username_idx ON radpostauth (username)",
        "CREATE INDEX radpostauth_class_idx ON radpostauth (Class)",
    ],
    "sqlite": [
        """CREATE TABLE radacct (
            radacctid INTEGER PRIMARY KEY AUTOINCREMENT, acctsessionid varchar(64) NOT NULL default '',
            acctuniqueid varchar(32) NOT NULL default '', username varchar(64) NOT NULL default '',
            realm varchar(64) default '', nasipaddress varchar(15) NOT NULL default '', nasportid varchar(32) default NULL,
            nasporttype varchar(32) default NULL, acctstarttime datetime NULL default NULL,
            acctupdatetime datetime NULL default NULL, acctstoptime datetime NULL default NULL,
            acctinterval int(12) default NULL, acctsessiontime int(12) default NULL,
            acctauthentic varchar(32) default NULL, connectinfo_start varchar(128) default NULL,
            connectinfo_stop varchar(128) default NULL, acctinputoctets bigint(20) default NULL,
            acctoutputoctets bigint(20) default NULL, calledstationid varchar(50) NOT NULL default '',
            callingstationid varchar(50) NOT NULL default '', acctterminatecause varchar(32) NOT NULL default '',
            servicetype varchar(32) default NULL, framedprotocol varchar(32) default NULL,
            framedipaddress varchar(15) NOT NULL default '', framedipv6address varchar(45) NOT NULL default '',
            framedipv6prefix varchar(45) NOT NULL default '', framedinterfaceid varchar(44) NOT NULL default '',
            delegatedipv6prefix varchar(45) NOT NULL default '', class varchar(64) default NULL)""",
        "CREATE UNIQUE INDEX acctuniqueid ON radacct(acctuniqueid)",
        "CREATE INDEX radacct_username ON radacct(username)",
        "CREATE INDEX radacct_acctstarttime ON radacct(acctstarttime)",
        "CREATE INDEX radacct_acctstoptime ON radacct(acctstoptime)",
        "CREATE INDEX radacct_nasipaddress ON radacct(nasipaddress)",
        """CREATE TABLE radpostauth (
            id INTEGER PRIMARY KEY AUTOINCREMENT, username varchar(64) NOT NULL default '',
            pass varchar(64) NOT NULL default '', reply varchar(32) NOT NULL default '',
            calledstationid varchar(50) NOT NULL default '', callingstationid varchar(50) NOT NULL default '',
            authdate timestamp NOT NULL default CURRENT_TIMESTAMP, class varchar(64) default NULL,
            reason text NOT NULL default '')""",
        "CREATE INDEX radpostauth_username ON radpostauth(username)",
    ],
}


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in TABLES:
        raise ImproperlyConfigured(f"FreeRADIUS reads SQLite or PostgreSQL, not {connection.vendor}")
    return connection.vendor


def create_views(apps, schema_editor) -> None:
    vendor = _vendor(schema_editor.connection)
    for name, query in _views(vendor).items():
        schema_editor.execute(f"CREATE VIEW {name} AS {query}", None)
    if vendor == "postgresql":
        # The answer is stored as post-auth's query would store it (username, reply, station ids, the reason).
        # No SET clause (plan_cache_mode): a function with one costs a settings save and restore on every call,
        # and this plan is cheap enough that PostgreSQL settles on the generic one by itself.
        schema_editor.execute(
            f"CREATE FUNCTION {DECISION_FUNCTION}(p_mac text, p_ssid_hex text, p_client text, p_called text,"
            " p_calling text) RETURNS text LANGUAGE plpgsql AS $$ DECLARE decision text; BEGIN"
            f" decision := ({decision_query('p_mac', 'p_ssid_hex', 'p_client')});"
            " INSERT INTO radpostauth (username, pass, reply, calledstationid, callingstationid, reason) VALUES"
            " (p_mac, '', CASE WHEN decision LIKE 'vlan %' THEN 'Access-Accept' ELSE 'Access-Reject' END,"
            f" p_called, p_calling, {reason_of('decision')}); RETURN decision; END $$", None)


def grant_radius_login(connection: BaseDatabaseWrapper) -> bool:
    """PostgreSQL: let RADIUS_DATABASE_USER, if it exists, read the views and write radacct and radpostauth, and
    nothing else (it reads no console table, e.g. the users). The views read the tables with their owner's rights.
    Whether it was granted (no such setting or role: not)."""
    user = settings.RADIUS_DATABASE_USER
    if connection.vendor != "postgresql" or not user:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [user])
        if cursor.fetchone() is None:
            return False
        role = connection.ops.quote_name(user)
        cursor.execute(f"GRANT SELECT ON {', '.join(_views('postgresql'))} TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE ON radacct TO {role}")
        cursor.execute(f"GRANT INSERT ON radpostauth TO {role}")
        cursor.execute(f"GRANT USAGE ON SEQUENCE radacct_radacctid_seq, radpostauth_id_seq TO {role}")
    return True


def drop_views(apps, schema_editor) -> None:
    vendor = _vendor(schema_editor.connection)
    if vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {DECISION_FUNCTION}")
    for name in reversed(list(_views(vendor))):
        schema_editor.execute(f"DROP VIEW IF EXISTS {name}")


def create_tables(apps, schema_editor) -> None:
    for statement in TABLES[_vendor(schema_editor.connection)]:
        schema_editor.execute(statement, None)


def drop_tables(apps, schema_editor) -> None:
    for name in ("radpostauth", "radacct"):
        schema_editor.execute(f"DROP TABLE IF EXISTS {name}")


def drop_before_migrate(sender, using: str, **kwargs) -> None:
    with connections[using].schema_editor() as editor:
        drop_views(None, editor)


def create_after_migrate(sender, using: str, **kwargs) -> None:
    connection = connections[using]
    if "radpostauth" not in connection.introspection.table_names():
        return  # this app's tables are not migrated (yet, or any more): no views either
    with connection.schema_editor() as editor:
        drop_views(None, editor)
        create_views(None, editor)
    grant_radius_login(connection)
