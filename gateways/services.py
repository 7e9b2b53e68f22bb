"""Where each daemon's files are installed and how the agent reloads and health-checks it."""

import shlex
import subprocess
import time
from pathlib import Path, PurePosixPath

from gateways.agentconfig import AgentConfig, ServiceSettings
from gateways.render import RenderedFile

COMMAND_TIMEOUT_SECONDS = 30
HEALTH_ATTEMPTS = 5
HEALTH_PAUSE_SECONDS = 0.3


def installed_path(config: AgentConfig, file: RenderedFile) -> Path:
    """Sandbox: the rendered path under the sandbox root. Production: the path without its
    first directory (the daemon's name) under that service's directory, so "unbound/x.conf"
    lands in /etc/unbound/unbound.conf.d/x.conf on Debian."""
    relative = PurePosixPath(file.path)
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"rendered path {file.path} leaves the configuration root")
    if config.mode == "sandbox":
        return config.sandbox_root / relative
    inside = PurePosixPath(*relative.parts[1:]) if len(relative.parts) > 1 else relative
    return service_settings(config, file.service).directory / inside


def service_settings(config: AgentConfig, service: str) -> ServiceSettings:
    try:
        return config.services[service]
    except KeyError:
        raise ValueError(f"agent.toml has no settings for service {service}") from None


def run_service_command(command: str, files: list[Path]) -> tuple[bool, str]:
    """Run a reload or health command through the shell; (succeeded, what it said)."""
    if not command:
        return True, "nothing to run"
    script = command.replace("{files}", " ".join(shlex.quote(str(path)) for path in files))
    try:
        finished = subprocess.run(
            ["sh", "-c", script], capture_output=True, text=True, timeout=COMMAND_TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        return False, f"{command!r} did not finish within {COMMAND_TIMEOUT_SECONDS} s"
    said = (finished.stdout + finished.stderr).strip()
    if finished.returncode != 0:
        return False, f"exit {finished.returncode}: {said or 'no output'}"
    return True, said or "ok"


def health_check(command: str, files: list[Path]) -> tuple[bool, str]:
    """A daemon may need a moment after a reload, so a failing check is tried a few times."""
    ok, said = run_service_command(command, files)
    for _ in range(HEALTH_ATTEMPTS - 1):
        if ok:
            break
        time.sleep(HEALTH_PAUSE_SECONDS)
        ok, said = run_service_command(command, files)
    return ok, said
