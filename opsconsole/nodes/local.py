"""Sandbox agents on this machine for every loopback node: `make run` starts them beside the console."""
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from opsconsole.core.processes import ProcessSpec

from .models import GatewayNode

HEARTBEAT_SECONDS = 5


def agent_toml(node: GatewayNode, directory: Path, console_url: str, mode: str = "sandbox",
               listen_host: str | None = None, allow_plain_http_console: bool = False) -> str:
    """A fresh agent.toml for `node` with newly issued credentials, written to files beside it.

    The agent listens on its agent URL's host and port, or on `listen_host` (e.g. 0.0.0.0 in a container).
    `allow_plain_http_console` lets it send its token over http:// to a console that is not on loopback.
    """
    secret, token = node.issue_credentials()
    node.save(update_fields=["secret_encrypted", "token_hash"])
    directory.mkdir(parents=True, exist_ok=True)
    for name, value in (("push.secret", secret), ("console.token", token)):
        path = directory / name
        path.write_text(value)
        path.chmod(0o600)
    where = urlsplit(node.agent_url)
    lines = {
        "node": node.name,
        "mode": mode,
        "secret_file": "push.secret",
        "console_token_file": "console.token",
        "state_dir": "state",
        "sandbox_root": "sandbox",
        "listen_host": listen_host or where.hostname,
        "listen_port": where.port or 80,
        "console_url": console_url,
        "heartbeat_interval": HEARTBEAT_SECONDS,
    }
    if allow_plain_http_console:
        lines["allow_plain_http_console"] = True
    # JSON scalars are valid TOML scalars for these values (strings with JSON escapes, integers).
    return "".join(f"{key} = {json.dumps(value)}\n" for key, value in lines.items())


def agent_command(python: str, config: str) -> list[str]:
    """How an agent is started; docker-compose.yml runs the very same command."""
    return [python, "-m", "gateways.agent", "--config", config]


def is_local(node: GatewayNode) -> bool:
    return urlsplit(node.agent_url).hostname in ("127.0.0.1", "localhost", "::1")


def local_agent_specs(console_url: str) -> list[ProcessSpec]:
    specs = []
    for node in GatewayNode.objects.all():
        if not is_local(node):
            continue
        directory = settings.VAR_DIR / "agents" / node.name
        (directory / "agent.toml").write_text(agent_toml(node, directory, console_url))
        specs.append(ProcessSpec(f"agent {node.name}", agent_command(sys.executable, str(directory / "agent.toml"))))
    return specs
