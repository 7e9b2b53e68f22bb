"""Secrets a node's roles need, fetched by its agent from the console and kept in files only root reads.

Intents and their revisions carry no secret: the console answers GET /api/nodes/<node>/secrets/ only to the
node's own bearer token, with only what that node's roles need, over the same channel as the heartbeat (https,
or http on loopback only, see agentconfig.check_console_url). The agent writes them (mode 0600) where the
rendered configuration includes them, just before it applies an intent that needs them.
"""

from __future__ import annotations

import shutil
import ssl
from pathlib import Path
from typing import Any, Callable

import httpx

from gateways.agentconfig import AgentConfig
from gateways.apply import _write_atomically
from gateways.intent import validate_intent
from gateways.render.freeradius import TLS_FILES, render_secrets
from gateways.signing import bearer_header

TIMEOUT_SECONDS = 10


class SecretsUnavailable(RuntimeError):
    """The console did not hand over the secrets this intent needs."""


def secrets_file(config: AgentConfig, path: str) -> Path:
    """Where a role's secrets file lives on this node (under the sandbox root in sandbox mode)."""
    return config.sandbox_root / path.lstrip("/") if config.mode == "sandbox" else Path(path)


def write_tls_files(directory: Path, files: dict[str, str], group: str | None = None) -> list[Path]:
    """The eap module's files into DIRECTORY, each atomically; the key readable by GROUP (FreeRADIUS's user reads it
    after dropping root) and nobody else. Files not named in FILES (an old CRL under an old hash) are removed."""
    (directory / "ca").mkdir(parents=True, exist_ok=True)  # the eap module's ca_path, even without a CRL
    written = []
    for name, content in sorted(files.items()):
        if not TLS_FILES.fullmatch(name):
            raise ValueError(f"{name!r} is not a file of the eap module")
        path = directory / name
        _write_atomically(path, content.encode(), 0o640 if name == "server.key" else 0o644)
        if group is not None:
            shutil.chown(path, group=group)
        written.append(path)
    for stale in (directory / "ca").glob("*"):
        if stale not in written:
            stale.unlink()
    return written


def write_radius_secrets(role: dict, radius: dict, where: Callable[[str], Path], group: str | None = None) -> list[Path]:
    """The secrets file and the TLS files of a radius ROLE from RADIUS (what the console's secrets API gives for the
    role), at the paths WHERE maps the role's paths to; the paths written. Raises ValueError on a malformed answer."""
    content = render_secrets({int(nas): secret for nas, secret in radius["nas"].items()}, radius["database_password"])
    path = where(role["secrets_file"])
    _write_atomically(path, content.encode(), 0o600)
    return [path, *write_tls_files(where(role["tls_dir"]), dict(radius["tls"]), group)]


def install_secrets(config: AgentConfig, intent: dict[str, Any], verify: ssl.SSLContext | bool = True) -> list[Path]:
    """Fetch and write the secrets files of the intent's roles; the paths written. Raises SecretsUnavailable."""
    role = validate_intent(intent)["roles"].get("radius")
    if role is None:
        return []
    if not (config.console_url and config.console_token):
        raise SecretsUnavailable("the radius role needs secrets, but this agent has no console_url and console_token")
    url = f"{config.console_url}/api/nodes/{config.node}/secrets/"
    try:
        response = httpx.get(url, headers=bearer_header(config.console_token), verify=verify, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        group = role["run_as"] if config.mode != "sandbox" and role["run_as"] != "root" else None
        return write_radius_secrets(role, response.json()["secrets"]["radius"], lambda path: secrets_file(config, path),
                                    group)
    except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise SecretsUnavailable(f"cannot fetch this node's secrets from {url}: {error}") from None
