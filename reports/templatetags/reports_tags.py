from urllib.parse import urlencode

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

LEVEL_CLASS = {"none": "rp-empty", "thin": "rp-thin", "weak": "rp-weak-cell", "fair": "rp-fair", "good": "rp-strong"}


@register.filter
def percent(value) -> str:
    """A ratio 0..1 as a whole percent ('' for none)."""
    return "" if value is None else f"{value * 100:.0f}%"


@register.filter
def score(value) -> str:
    """A mastery 0..100 as a whole number ('' for none)."""
    return "" if value is None else f"{value:.0f}"


@register.filter
def heat(level: str) -> str:
    """A cell's colour class from its mastery level (leaderboard.mastery.level)."""
    return LEVEL_CLASS.get(level, "rp-empty")


@register.simple_tag
def sort_query(filters: dict, key: str) -> str:
    """The query string that sorts by `key`, flipping the direction when it is already the sort."""
    descending = not filters.get("descending") if filters.get("sort") == key else key != "name" and key != "team"
    params = {
        "period": filters.get("period") or "all",
        "team": filters.get("team_id") or "",
        "area": filters.get("area_id") or "",
        "sort": key,
        "dir": "desc" if descending else "asc",
    }
    return urlencode({k: v for k, v in params.items() if v != ""})


@register.simple_tag
def sort_mark(filters: dict, key: str) -> str:
    if filters.get("sort") != key:
        return ""
    return "▼" if filters.get("descending") else "▲"


@register.simple_tag
def filter_query(filters: dict) -> str:
    params = {
        "period": filters.get("period") or "all",
        "team": filters.get("team_id") or "",
        "area": filters.get("area_id") or "",
    }
    return urlencode({k: v for k, v in params.items() if v != ""})


@register.simple_tag(takes_context=True)
def matrix_cells(context, row) -> str:
    """A row's heat-map cells, each a link to its evidence (row.pairs: (cell, url)).

    Rendered here rather than by a template loop: 500 people × 9 areas are 4,500 cells, and the
    template engine's per-node cost (then format_html's per-call escaping) made the page several
    times slower (docs/benchmarks.md). Only two texts need escaping, once per row; the rest is
    numbers and URLs made of ids.
    """
    thin_title, none_text = escape(context["thin_title"]), escape(context["none_text"])
    none_inner = f'<span class="muted" aria-hidden="true">—</span><span class="sr-only">{none_text}</span>'
    parts = []
    for cell, url in row.pairs:
        level = cell.level
        url = escape(url)
        if level == "none":
            inner, title = none_inner, ""
        else:
            inner = f'{cell.mastery:.0f}<small class="muted">·{int(cell.results)}</small>'
            title = ""
            if level == "thin":
                inner += f'<span class="sr-only">{thin_title}</span>'
                title = f' title="{thin_title}"'
        parts.append(
            f'<td class="num {LEVEL_CLASS.get(level, "rp-empty")}"><a class="rp-cell" href="{url}" hx-get="{url}" '
            f'hx-target="#evidence" data-testid="cell"{title}>{inner}</a></td>'
        )
    return mark_safe("".join(parts))  # noqa: S308 (numbers, escaped URLs and the two escaped texts)
