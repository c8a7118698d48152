"""Smoke crawl: every page each demo role can reach by clicking, on the real demo data.

Why it exists: each app tests its own pages, but nobody clicked through the whole product as
each role would. This crawl loads the demo data, logs in as staff01, sup1, manager and admin,
and walks every same-origin GET link reachable from the home page and the navigation
(breadth-first). It catches what falls between apps: a 500 behind a link another app renders,
a link shown to a role that then refuses it, a page without a <title>, demo lesson content
without its 示例内容 note, template leaks ("None", "{{", raw codes such as "single" or "staff")
in the visible text.

It stays deterministic and fast: links that log out, download files or delete things are not
followed, and at most a few URLs of each shape (digits folded, query keys sorted) are visited.
"""

import re
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

ROLES = ("staff01", "sup1", "manager", "admin")
MAX_PAGES_PER_ROLE = 250
MAX_PER_SHAPE = 3

# Links a person clicks that a crawler must not: they end the session, stream a file,
# or (in the Django admin) lead to destructive or purely technical pages.
SKIP = re.compile(
    r"^/accounts/logout/"
    r"|/export|\.xlsx$|\.csv$|\.svg$"
    r"|^/admin/logout/|^/admin/password_change/|^/admin/jsi18n/"
    r"|^/admin/.*/(delete|history)/$"
    r"|^/admin/r/"  # "view on site" redirects
    r"|^/static/|^/media/"
)

# Visible words that must never reach a Chinese page: template leaks and raw model codes.
LEAKS = re.compile(
    r"\{\{|\{%|%\}|\}\}"
    r"|\bNone\b"
    r"|\b(single|multiple|true_false|judge|staff|supervisor|manager|admin|draft|published|"
    r"pending|finished|running|lobby|easy|medium|hard)\b"
)

# Pages that show demo lesson content, which must say it is sample material (DOMAIN.md).
DEMO_CONTENT = re.compile(r"^/training/lessons/\d+/$|^/quizzes/lessons/\d+/check/$")

# Pages a role is expected to be refused even if it were to guess them.
REFUSED = {
    "staff01": [
        "/reports/",
        "/reports/weak/",
        "/reports/ratings/import/",
        "/quizzes/manage/import/",
        "/quizzes/manage/stats/",
        "/training/teams/",
    ],
    "sup1": ["/quizzes/manage/import/", "/quizzes/manage/reports/", "/reports/ratings/import/"],
    "manager": ["/quizzes/manage/import/"],
    "admin": [],
}


class _PageParser(HTMLParser):
    """Collects <a href>, whether there is a <title>, and the text a person would read."""

    _hidden = {"script", "style", "template", "textarea", "noscript"}

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.title = ""
        self.text: list[str] = []
        self._in_title = False
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        if tag == "title":
            self._in_title = True
        if tag in self._hidden:
            self._hidden_depth += 1

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in self._hidden and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._hidden_depth:
            self.text.append(data)


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    if parts.path.startswith("/admin/"):
        keys = ["…"] if keys else []  # a changelist's filter and sort links all look alike
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _normalise(href: str, base: str) -> str | None:
    href, _ = urldefrag(href)
    if not href or href.startswith(("mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if parts.netloc not in ("testserver", ""):
            return None
        href = parts.path + (f"?{parts.query}" if parts.query else "")
    elif not href.startswith("/"):
        if href.startswith("?"):
            href = urlsplit(base).path + href
        else:
            href = urlsplit(base).path.rsplit("/", 1)[0] + "/" + href
    if SKIP.search(urlsplit(href).path):
        return None
    return href


def crawl(client: Client, start_urls: list[str], *, username: str) -> tuple[dict[str, int], list[str]]:
    """Breadth-first walk; returns {url: status} and the problems found."""
    seen: dict[str, int] = {}
    shapes: dict[str, int] = {}
    problems: list[str] = []
    queue = deque((url, "(start)") for url in start_urls)
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        url, referrer = queue.popleft()
        if url in seen:
            continue
        shape = _shape(url)
        if shapes.get(shape, 0) >= MAX_PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url)
        seen[url] = response.status_code
        where = f"{url} (linked from {referrer})"
        if response.status_code >= 500:
            problems.append(f"{response.status_code} at {where}")
            continue
        if response.status_code in (403, 404):
            problems.append(f"{response.status_code} behind a link shown to this role: {where}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = _normalise(response["Location"], url)
            if target and target.startswith(("/accounts/login/", "/admin/login/")):
                problems.append(f"redirect to login behind a link shown to this role: {where}")
            elif target:
                queue.append((target, url))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _PageParser()
        parser.feed(response.content.decode())
        if not parser.title.strip():
            problems.append(f"no <title> at {url}")
        if DEMO_CONTENT.search(url) and "示例内容" not in response.content.decode():
            problems.append(f"demo lesson content without the 示例内容 note at {url}")
        # The person's own login name (the Django admin greets with it) is not a leak.
        text = re.sub(rf"\b{username}\b", "", " ".join(" ".join(parser.text).split()))
        for match in LEAKS.finditer(text):
            context = text[max(0, match.start() - 30) : match.end() + 30]
            problems.append(f"leak {match.group(0)!r} at {url}: …{context}…")
        for href in parser.links:
            target = _normalise(href, url)
            if target and target not in seen:
                queue.append((target, url))
    return seen, problems


@pytest.mark.django_db
def test_every_page_each_demo_role_can_reach_renders_cleanly():
    call_command("load_demo", stdout=StringIO())
    report: list[str] = []
    for username in ROLES:
        client = Client()
        assert client.login(username=username, password=settings.DEMO_PASSWORD), username
        seen, problems = crawl(client, ["/"], username=username)
        assert len(seen) > 10, f"{username} reached only {sorted(seen)}"
        assert any(DEMO_CONTENT.search(url) for url in seen), f"{username} never reached a lesson"
        report += [f"[{username}] {p}" for p in problems]
        for url in REFUSED[username]:
            status = client.get(url).status_code
            if status not in (403, 404):
                report.append(f"[{username}] expected 403/404 at {url}, got {status}")
    assert not report, "\n".join(report)
