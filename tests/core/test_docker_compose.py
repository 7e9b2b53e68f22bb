"""docker-compose.yml cannot run here (no Docker engine), so its commands and settings are checked against the code."""
import re
from pathlib import Path

import yaml

from gateways.agentconfig import check_console_url
from opsconsole.core.processes import console_processes
from opsconsole.nodes.local import agent_command

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SETTINGS_SOURCE = (ROOT / "opsconsole" / "settings.py").read_text()


def settings_variables() -> set[str]:
    """Every environment variable settings.py reads (directly, or as NAME / NAME_FILE through the helpers)."""
    names = set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', SETTINGS_SOURCE))
    names |= set(re.findall(r'env_bool\("([A-Z_]+)"', SETTINGS_SOURCE))
    names |= set(re.findall(r'env_list\("([A-Z_]+)"', SETTINGS_SOURCE))
    for secret in re.findall(r'env_secret\("([A-Z_]+)"', SETTINGS_SOURCE):
        names |= {secret, f"{secret}_FILE"}
    return names


def test_expected_services_are_defined():
    assert {"postgres", "redis", "web", "worker", "beat", "radius-relay", "agent"} <= set(SERVICES)


def test_console_processes_run_the_same_commands_as_make_run():
    python = "/app/.venv/bin/python"
    for spec in console_processes(python, "0.0.0.0", 8000, "/app/var"):
        assert SERVICES[spec.name]["command"] == spec.argv, spec.name


def test_the_agent_runs_the_same_command_as_make_run_with_the_config_setup_writes():
    config = SERVICES["agent"]["command"][-1]
    assert SERVICES["agent"]["command"] == agent_command("/app/.venv/bin/python", config)
    setup = SERVICES["setup"]["command"][-1]
    written = re.search(r"manage\.py agent_config (\S+) (\S+) .*--agent-url http://agent:(\d+)", setup)
    assert written and f"{written[2]}/agent.toml" == config
    # The agent reaches the console at a compose host name over plain HTTP: the config must say it may.
    arguments = re.search(r"manage\.py agent_config ([^&\"]*)", setup)[1].split()
    console_url = arguments[arguments.index("--console-url") + 1]
    check_console_url(console_url, allow_plain_http="--allow-plain-http-console" in arguments)
    assert "load_demo_nodes wide-camp-2011" in setup


def test_every_environment_variable_is_one_the_settings_read():
    known = settings_variables()
    for name, service in SERVICES.items():
        if name in ("postgres", "redis"):
            continue
        unknown = set(service.get("environment", {})) - known
        assert not unknown, f"{name} sets {unknown}, which settings.py never reads"


def test_console_services_use_the_compose_database_and_redis():
    postgres_db = SERVICES["postgres"]["environment"]["POSTGRES_DB"]
    for name in ("web", "worker", "beat", "radius-relay"):
        env = SERVICES[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://") and env["DATABASE_URL"].endswith(f"@postgres:5432/{postgres_db}")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert SERVICES[name]["depends_on"]["setup"]["condition"] == "service_completed_successfully"


def test_secret_key_comes_from_a_secret_file_not_the_file_itself():
    env = SERVICES["web"]["environment"]
    assert "SECRET_KEY" not in env and env["SECRET_KEY_FILE"].startswith("/run/secrets/")
