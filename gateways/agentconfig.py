"""Reads agent.toml: who the node is, how it authenticates, and where and how each daemon is installed."""

import ipaddress
import shlex
import ssl
import sys
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gateways.signing import DEFAULT_WINDOW_SECONDS


class AgentConfigError(ValueError):
    """agent.toml cannot be used; the message is one line for the operator."""


@dataclass(frozen=True)
class ServiceSettings:
    """Where a daemon's files go in production and the shell commands that reload, health-check and tear it down.

    `{files}` in a command stands for the service's installed files, quoted for the shell; in `teardown`, run
    once files of the service go away, for copies of the files that went (the installed ones are gone by then).
    An empty command means there is nothing to run at that stage.
    """

    directory: Path
    reload: str
    health: str
    teardown: str = ""


# Prints a Kea file's configuration without its subnets (and so without their pools and reservations).
_WITHOUT_SUBNETS = shlex.quote(sys.executable) + " -c 'import json, sys; config = json.load(open(sys.argv[1])); " \
    'print(json.dumps({server: {key: value for key, value in body.items() if key not in ("subnet4", "subnet6")} ' \
    "for server, body in config.items()}))' {files}"


def kea_service(directory: Path, control_socket: str) -> ServiceSettings:
    """Kea driven through its control socket: the running Kea checks the installed file (config-test, against the
    node's real interfaces) before it reloads it (config-reload); health is status-get. Teardown gives Kea the
    removed file's configuration without subnets (config-set), and Kea writes it where it reads its configuration
    (config-write), so a restarted Kea starts, serving nothing. Each step fails, printing Kea's answer, unless
    the result is 0."""
    kea = (f"kea() {{ answer=$(printf '%s' \"$1\" | socat -t 5 - UNIX-CONNECT:{control_socket}); "
           "echo \"$answer\" | grep -q '\"result\": 0' || { echo \"$answer\"; return 1; }; }; ")
    reload = kea + """kea "$(printf '{"command": "config-test", "arguments": %s}' "$(cat {files})")" """ \
        + """&& kea '{"command": "config-reload"}'"""
    teardown = kea + f"""kea "$(printf '{{"command": "config-set", "arguments": %s}}' "$({_WITHOUT_SUBNETS})")" """ \
        + """&& kea '{"command": "config-write"}'"""
    return ServiceSettings(directory, reload=reload, health=kea + """kea '{"command": "status-get"}'""", teardown=teardown)


def _jool_tool(command: str) -> str:
    """A loop over the installed Jool files running COMMAND with $tool set to the program for each file's mode."""
    return 'for f in {files}; do case "$f" in *jool_siit.json) tool=jool_siit;; *) tool=jool;; esac; ' + command + "; done"


_SHELL_SCRIPTS = ServiceSettings(
    Path("/etc/opsconsole/iproute2"),
    reload='for f in {files}; do sh "$f" || exit 1; done',
    health="",
    teardown='for f in {files}; do sh "$f" down || exit 1; done',
)


# Debian defaults; every field can be overridden under [services.NAME] in agent.toml.
DEBIAN_SERVICES: dict[str, ServiceSettings] = {
    "unbound": ServiceSettings(
        Path("/etc/unbound/unbound.conf.d"),
        reload="unbound-control -c /etc/unbound/unbound.conf reload",
        health="unbound-control -c /etc/unbound/unbound.conf status",
        teardown="unbound-control -c /etc/unbound/unbound.conf reload",
    ),
    "tayga": ServiceSettings(
        Path("/etc/tayga"),
        reload="start-stop-daemon --stop --quiet --pidfile /run/tayga.pid --retry 5;"
        " tayga --config {files} --pidfile /run/tayga.pid",
        health="kill -0 \"$(cat /run/tayga.pid)\"",
        teardown="start-stop-daemon --stop --quiet --oknodo --pidfile /run/tayga.pid --retry 5 --remove-pidfile",
    ),
    "kea": kea_service(Path("/etc/kea"), "/run/kea/kea4-ctrl-socket"),
    "kea6": kea_service(Path("/etc/kea"), "/run/kea/kea6-ctrl-socket"),
    "radvd": ServiceSettings(
        Path("/etc"),
        reload='radvd --configtest --config {files} && kill -HUP "$(cat /run/radvd/radvd.pid)"',
        health='kill -0 "$(cat /run/radvd/radvd.pid)"',
        teardown="start-stop-daemon --stop --quiet --oknodo --pidfile /run/radvd/radvd.pid --retry 5",
    ),
    # FreeRADIUS rereads clients and sites only on a restart (HUP reloads a few modules); -XC checks the installed
    # tree with the node's real secrets file first, so a broken one never replaces the running server. The rendered
    # radiusd.conf is its main file: without the role there is no server to keep running.
    "freeradius": ServiceSettings(
        Path("/etc/freeradius/3.0"),
        reload="freeradius -XC -d /etc/freeradius/3.0 >/dev/null && systemctl restart freeradius",
        health="systemctl is-active --quiet freeradius",
        teardown="systemctl stop freeradius",
    ),
    # The rendered named.conf is BIND's main file: without it there is no resolver to keep running.
    "bind": ServiceSettings(Path("/etc/bind"), reload="rndc reload", health="rndc status", teardown="rndc stop"),
    "nftables": ServiceSettings(
        Path("/etc/nftables.d"),
        reload="for f in {files}; do nft -f \"$f\" || exit 1; done",
        health="nft list tables",
        # Each file declares its tables on lines of their own (`table ip NAME`); declaring one again before deleting
        # it makes the deletion succeed when the table is gone already.
        teardown="for f in {files}; do awk '$1 == \"table\" && NF == 3 { print; print \"delete\", $0 }' \"$f\""
                 " | nft -f - || exit 1; done",
    ),
    "iproute2": _SHELL_SCRIPTS,
    "router-linux": replace(_SHELL_SCRIPTS, directory=Path("/etc/opsconsole/router-linux")),
    # Lines for the operator to paste into the upstream router: the agent only installs them.
    "router-ios": ServiceSettings(Path("/etc/opsconsole/router-ios"), reload="", health=""),
    "jool": ServiceSettings(
        Path("/etc/jool"),
        reload=_jool_tool('{ modprobe "$tool" && "$tool" file handle "$f"; } || exit 1'),
        health=_jool_tool('"$tool" -f "$f" instance status || exit 1'),
        # Also after a failed first reload, when there is no instance (or no module) to remove.
        teardown=_jool_tool('"$tool" -f "$f" instance remove 2>/dev/null || true'),
    ),
}


@dataclass(frozen=True)
class StatsSettings:
    """How the agent gathers its daemons' statistics and runs its probes ([stats] in agent.toml).

    `run_in` prefixes the commands that need the daemons' network (nft, ip, ping, dig, curl, jool): empty on a node,
    `ip netns exec NAME` where the daemons run in a namespace. Each command may take `timeout` seconds; the whole
    gathering, probes included, `deadline` seconds, whatever hangs."""

    run_in: tuple[str, ...] = ()
    unbound_control: tuple[str, ...] = ("unbound-control", "-c", "/etc/unbound/unbound.conf")
    tayga_dynamic_map: Path | None = None  # TAYGA's data_dir/dynamic.map when not set
    timeout: float = 3.0
    deadline: float = 20.0


@dataclass(frozen=True)
class AgentConfig:
    node: str
    secret: bytes
    mode: str
    state_dir: Path
    sandbox_root: Path
    listen_host: str = "127.0.0.1"
    listen_port: int = 8740
    console_url: str = ""
    console_token: str = ""
    heartbeat_interval: float = 30.0
    clock_skew: int = DEFAULT_WINDOW_SECONDS
    read_timeout: float = 10.0
    # Both set: the agent serves HTTPS with this certificate chain and key.
    tls_certificate: Path | None = None
    tls_key: Path | None = None
    # CA bundle the heartbeat checks an https:// console against (the system's CAs when None).
    console_ca_file: Path | None = None
    services: dict[str, ServiceSettings] = field(default_factory=lambda: dict(DEBIAN_SERVICES))
    stats: StatsSettings = field(default_factory=StatsSettings)


def _typed(table: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
    value = table.get(key, default)
    if value is None:
        raise AgentConfigError(f"{key} is required")
    if isinstance(value, bool) or not isinstance(value, kind):
        raise AgentConfigError(f"{key} has the wrong type: {value!r}")
    return value


def _positive(table: dict[str, Any], key: str, default: float) -> float:
    value = float(_typed(table, key, (int, float), default))
    if value <= 0:
        raise AgentConfigError(f"{key} must be positive")
    return value


def _path(table: dict[str, Any], key: str, base: Path) -> Path | None:
    return base / _typed(table, key, str) if key in table else None


def _stays_on_this_host(host: str) -> bool:
    """Loopback, or the unspecified address, which Linux connects to this host."""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def check_console_url(url: str, allow_plain_http: bool) -> str:
    """The console's base URL; the agent's bearer token travels in clear over http:// only where that is safe."""
    url = url.rstrip("/")
    not_a_url = AgentConfigError(f"console_url {url} is not an http:// or https:// URL with a host")
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port
    except ValueError:
        raise not_a_url from None
    if parts.scheme not in ("http", "https") or not host:
        raise not_a_url
    if parts.scheme == "http" and not allow_plain_http and not _stays_on_this_host(host):
        raise AgentConfigError(
            f"console_url {url} would send the console token in clear to a host that is not loopback:"
            " use https:// or set allow_plain_http_console = true"
        )
    return url


def _console_url(table: dict[str, Any]) -> str:
    url = _typed(table, "console_url", str, "")
    allow_plain = table.get("allow_plain_http_console", False)
    if not isinstance(allow_plain, bool):
        raise AgentConfigError(f"allow_plain_http_console has the wrong type: {allow_plain!r}")
    return check_console_url(url, allow_plain) if url else url


def _secret_value(table: dict[str, Any], key: str, base: Path) -> str:
    """A secret given inline as `key` or read from the file named by `key_file`."""
    if key in table:
        value = str(_typed(table, key, str))
    elif f"{key}_file" in table:
        path = base / _typed(table, f"{key}_file", str)
        try:
            value = path.read_text().strip()
        except OSError as error:
            raise AgentConfigError(f"{key}_file {path}: {error.strerror}") from None
    else:
        return ""
    if not value:
        raise AgentConfigError(f"{key} is empty")
    return value


def _services(table: dict[str, Any]) -> dict[str, ServiceSettings]:
    services = dict(DEBIAN_SERVICES)
    for name, overrides in _typed(table, "services", dict, {}).items():
        if not isinstance(overrides, dict):
            raise AgentConfigError(f"services.{name} must be a table")
        unknown = set(overrides) - {"directory", "reload", "health", "teardown"}
        if unknown:
            raise AgentConfigError(f"services.{name} has unknown keys: {', '.join(sorted(unknown))}")
        default = services.get(name, ServiceSettings(Path("/etc") / name, "", ""))
        services[name] = ServiceSettings(
            directory=Path(_typed(overrides, "directory", str, str(default.directory))),
            reload=_typed(overrides, "reload", str, default.reload),
            health=_typed(overrides, "health", str, default.health),
            teardown=_typed(overrides, "teardown", str, default.teardown),
        )
    return services


def _stats(table: dict[str, Any]) -> StatsSettings:
    stats = _typed(table, "stats", dict, {})
    unknown = set(stats) - {"run_in", "unbound_control", "tayga_dynamic_map", "timeout", "deadline"}
    if unknown:
        raise AgentConfigError(f"stats has unknown keys: {', '.join(sorted(unknown))}")
    default = StatsSettings()
    dynamic_map = _typed(stats, "tayga_dynamic_map", str, "")
    return StatsSettings(
        run_in=tuple(shlex.split(_typed(stats, "run_in", str, ""))),
        unbound_control=tuple(shlex.split(_typed(stats, "unbound_control", str, shlex.join(default.unbound_control)))),
        tayga_dynamic_map=Path(dynamic_map) if dynamic_map else None,
        timeout=_positive(stats, "timeout", default.timeout),
        deadline=_positive(stats, "deadline", default.deadline),
    )


def parse_agent_config(table: dict[str, Any], base: Path) -> AgentConfig:
    """An AgentConfig from a parsed agent.toml; relative paths are taken from `base`."""
    known = {
        "node", "secret", "secret_file", "mode", "state_dir", "sandbox_root", "listen_host", "listen_port",
        "console_url", "console_token", "console_token_file", "heartbeat_interval", "clock_skew", "services",
        "read_timeout", "tls_certificate", "tls_key", "console_ca_file", "allow_plain_http_console", "stats",
    }  # fmt: skip
    unknown = set(table) - known
    if unknown:
        raise AgentConfigError(f"unknown keys: {', '.join(sorted(unknown))}")
    mode = _typed(table, "mode", str, "sandbox")
    if mode not in ("sandbox", "production"):
        raise AgentConfigError(f"mode must be sandbox or production, not {mode!r}")
    secret = _secret_value(table, "secret", base)
    if not secret:
        raise AgentConfigError("secret or secret_file is required")
    state_dir = base / _typed(table, "state_dir", str)
    port = _typed(table, "listen_port", int, 8740)
    if not 0 <= port <= 65535:
        raise AgentConfigError(f"listen_port {port} is out of range")
    if ("tls_certificate" in table) != ("tls_key" in table):
        raise AgentConfigError("tls_certificate and tls_key go together: give both or neither")
    return AgentConfig(
        node=_typed(table, "node", str),
        secret=secret.encode(),
        mode=mode,
        state_dir=state_dir,
        sandbox_root=base / _typed(table, "sandbox_root", str, str(state_dir / "sandbox")),
        listen_host=_typed(table, "listen_host", str, "127.0.0.1"),
        listen_port=port,
        console_url=_console_url(table),
        console_token=_secret_value(table, "console_token", base),
        heartbeat_interval=_positive(table, "heartbeat_interval", 30),
        clock_skew=_typed(table, "clock_skew", int, DEFAULT_WINDOW_SECONDS),
        read_timeout=_positive(table, "read_timeout", 10),
        tls_certificate=_path(table, "tls_certificate", base),
        tls_key=_path(table, "tls_key", base),
        console_ca_file=_path(table, "console_ca_file", base),
        services=_services(table),
        stats=_stats(table),
    )


def load_agent_config(path: Path) -> AgentConfig:
    """Read and check agent.toml, raising AgentConfigError with a one-line reason."""
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except OSError as error:
        raise AgentConfigError(f"{path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise AgentConfigError(f"{path}: {error}") from None
    try:
        return parse_agent_config(table, path.parent)
    except AgentConfigError as error:
        raise AgentConfigError(f"{path}: {error}") from None


def server_tls_context(config: AgentConfig) -> ssl.SSLContext | None:
    """The context the agent serves HTTPS with, or None for plain HTTP."""
    if config.tls_certificate is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(config.tls_certificate, config.tls_key)
    except OSError as error:  # ssl.SSLError is an OSError
        raise AgentConfigError(
            f"tls_certificate {config.tls_certificate} with tls_key {config.tls_key}: {error.strerror or error}"
        ) from None
    return context


def console_tls_context(config: AgentConfig) -> ssl.SSLContext:
    """How the heartbeat checks an https:// console: against console_ca_file, else the system's CAs."""
    try:
        return ssl.create_default_context(cafile=config.console_ca_file)
    except OSError as error:
        raise AgentConfigError(f"console_ca_file {config.console_ca_file}: {error.strerror or error}") from None
