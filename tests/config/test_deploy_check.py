"""The production configuration passes Django's deployment checklist."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env() -> dict:
    skip = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    for line in (ROOT / "deploy/production.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    # The check needs no database; keep it off the real servers.
    env.pop("DATABASE_URL")
    env.pop("REDIS_URL")
    env["LIANBING_VAR_DIR"] = str(ROOT / "var")
    return env


def run_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = run_check(production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_without_https():
    env = production_env()
    env["HTTPS"] = "0"
    result = run_check(env)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr
