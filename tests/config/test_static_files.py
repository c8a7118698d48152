"""Static files: after collectstatic, pages link content-hashed names that WhiteNoise serves
compressed with far-future cache headers; without it (a fresh checkout) pages still work."""

import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

FOREVER = "max-age=315360000, public, immutable"


def stylesheet(html: str) -> str:
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)


def test_after_collectstatic_pages_link_hashed_files_cached_for_ever_and_compressed(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--noinput", "-v0")
        client = Client()  # a new handler: WhiteNoise scans STATIC_ROOT when it starts
        page = client.get(reverse("accounts:login"))
        css = stylesheet(page.content.decode())
        assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", css), css
        served = client.get(css, HTTP_ACCEPT_ENCODING="gzip")
        assert served.status_code == 200
        assert served["Cache-Control"] == FOREVER
        assert served["Content-Encoding"] == "gzip"
        # The plain name still answers (an old page in a cache), but only for a short while.
        plain = client.get("/static/css/app.css")
        assert plain.status_code == 200
        assert "immutable" not in plain["Cache-Control"]


def test_without_collectstatic_pages_link_plain_names_that_are_served(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path / "empty"):
        client = Client()
        page = client.get(reverse("accounts:login"))
        assert page.status_code == 200
        css = stylesheet(page.content.decode())
        assert css == "/static/css/app.css"
        served = client.get(css)
        assert served.status_code == 200
        assert b"".join(served.streaming_content)
