"""Response headers and cookies: framing, sniffing, referrers, the Content-Security-Policy, and in
production (HTTPS=1) secure, HttpOnly cookies with HSTS."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.config.test_deploy_check import ROOT, production_env

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_every_page_forbids_framing_sniffing_and_foreign_referrers(staff_client):
    response = staff_client.get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_content_security_policy_allows_only_our_own_files(client):
    policy = directives(client.get(reverse("accounts:login"), HTTP_HOST="127.0.0.1"))
    assert policy["default-src"] == "default-src 'self'"
    assert policy["script-src"] == "script-src 'self'"  # no inline script, no eval
    assert policy["object-src"] == "object-src 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["form-action"] == "form-action 'self'"
    assert policy["connect-src"] == "connect-src 'self' ws://127.0.0.1 wss://127.0.0.1"


def test_the_login_page_sets_httponly_cookies(client):
    response = client.get(reverse("accounts:login"))
    assert response.cookies[settings.CSRF_COOKIE_NAME]["httponly"]
    assert response.cookies[settings.CSRF_COOKIE_NAME]["samesite"] == "Lax"


TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_no_template_has_an_inline_script_or_event_handler():
    """What keeps script-src 'self' working: every script is a file, no on*= attributes."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        html = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html):
            if "src=" not in tag:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {tag}")
        offenders += [f"{path.relative_to(TEMPLATES)}: {m}" for m in re.findall(r"\son[a-z]+\s*=", html)]
        offenders += [f"{path.relative_to(TEMPLATES)}: {m}" for m in re.findall(r"\bhx-on\S*=|javascript:", html)]
    assert not offenders


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY",
         "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
         "SECURE_REFERRER_POLICY", "DEBUG", "DEMO_MODE", "MIDDLEWARE"]
print(json.dumps({name: getattr(s, name) for name in names}))
"""


def test_production_settings_make_cookies_secure_and_httponly():
    env = production_env() | {"DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert not values["DEBUG"] and not values["DEMO_MODE"]
    assert "config.middleware.ContentSecurityPolicyMiddleware" in values["MIDDLEWARE"]
