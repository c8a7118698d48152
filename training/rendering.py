"""Lesson Markdown to safe HTML: Markdown renders, nh3 keeps only an allowlist, h2 become sections.

markdown-it-py (CommonMark plus GFM tables) renders in time linear in the input; Python-Markdown
took quadratic time on a run of `[` (4,000 took seconds, 20,000 hung the admin preview; issue 12,
hole 4; figures in docs/benchmarks.md).

The HTML is sanitized *after* Markdown, so raw HTML written into a lesson passes the same
allowlist as Markdown's own output. Section ids are added after sanitizing (ids are not in the
allowlist), so an author cannot forge or collide with them.
"""

import html
import re
from dataclasses import dataclass
from urllib.parse import unquote

import nh3
from django.conf import settings
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Tags dropped together with their content; nh3 keeps the text of other unknown tags.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "select"}

_H2 = re.compile(r"<h2>(.*?)</h2>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"</?(?:p|h[1-6]|li|ul|ol|tr|td|th|table|thead|tbody|blockquote|pre|br|hr)\b[^>]*>")


@dataclass(frozen=True)
class RenderedLesson:
    html: str
    sections: list[dict]  # [{"anchor": "sec-1", "title": "..."}], in reading order


def _image_sources() -> tuple[str, ...]:
    """Images only from our own static or media files: nothing from outside the intranet."""
    return tuple("/" + prefix.lstrip("/") for prefix in (settings.STATIC_URL, settings.MEDIA_URL))


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        # Browsers read %2e%2e as .. and a backslash as /: decode before looking for a way out of the folder.
        path = unquote(value)
        return value if value.startswith(_image_sources()) and ".." not in path and "\\" not in path else None
    if tag in {"th", "td"} and attribute == "align":
        return value if value in {"left", "right", "center"} else None
    return value


def sanitize(raw_html: str) -> str:
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# Raw HTML is let through to nh3, which keeps only the allowlist (as with the former renderer).
_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")
# Every link becomes an element and nh3's url_schemes alone decides which href survives: one URL policy.
_MARKDOWN.validateLink = lambda url: True
_ALIGN = re.compile(r"text-align:\s*(left|right|center)")


def _to_html(text: str) -> str:
    tokens = _MARKDOWN.parse(text)
    for token in tokens:
        # GFM tables align with style="text-align: …"; the allowlist keeps align="…" instead of style.
        if token.type in {"th_open", "td_open"} and token.attrs.get("style"):
            match = _ALIGN.search(str(token.attrs.pop("style")))
            if match:
                token.attrSet("align", match.group(1))
    return _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})


def render_markdown(text: str) -> RenderedLesson:
    clean = sanitize(_to_html(text))
    sections: list[dict] = []

    def number(match: re.Match) -> str:
        anchor = f"sec-{len(sections) + 1}"
        title = html.unescape(_TAG.sub("", match.group(1))).strip()
        sections.append({"anchor": anchor, "title": title})
        return f'<h2 id="{anchor}" data-section="{anchor}">{match.group(1)}</h2>'

    return RenderedLesson(html=_H2.sub(number, clean), sections=sections)


def plain_text(rendered_html: str) -> str:
    """The readable text of rendered lesson HTML, for search snippets."""
    return " ".join(html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", rendered_html))).split())
