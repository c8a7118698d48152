"""Lesson Markdown to safe HTML: Markdown renders, nh3 keeps only an allowlist, h2 become sections.

The HTML is sanitized *after* Markdown, so raw HTML written into a lesson passes the same
allowlist as Markdown's own output. Section ids are added after sanitizing (ids are not in the
allowlist), so an author cannot forge or collide with them.
"""

import html
import re
from dataclasses import dataclass
from urllib.parse import unquote

import markdown
import nh3
from django.conf import settings

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


def render_markdown(text: str) -> RenderedLesson:
    raw = markdown.markdown(
        text,
        extensions=["tables", "sane_lists", "fenced_code"],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    clean = sanitize(raw)
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
