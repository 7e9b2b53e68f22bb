"""DEBUG=false passes `check --deploy`; the development key, testserver and a missing key never reach production."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "console.example.org"}


def run(env: dict, *argv: str) -> subprocess.CompletedProcess:
    # Only the variables a deployment would have: not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE of this process.
    unset = ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run([sys.executable, *argv], cwd=REPOSITORY, capture_output=True, text=True, timeout=120,
                          env={**base, "DJANGO_SETTINGS_MODULE": "opsconsole.settings", **env})


def test_production_settings_pass_the_deploy_check():
    result = run(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_development_key():
    result = run({**PRODUCTION, "SECRET_KEY": "dev-only-insecure-key-change-me"}, "manage.py", "check")
    assert result.returncode != 0 and "SECRET_KEY is the development key" in result.stderr


def test_production_needs_a_secret_key():
    result = run({"DEBUG": "false"}, "manage.py", "check")
    assert result.returncode != 0 and "set SECRET_KEY or SECRET_KEY_FILE" in result.stderr


def test_testserver_is_not_a_default_host():
    result = run({}, "-c", "import django; from django.conf import settings; django.setup(); print(settings.ALLOWED_HOSTS)")
    assert result.returncode == 0, result.stderr
    assert "testserver" not in result.stdout and "127.0.0.1" in result.stdout


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_code(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
