from urllib.parse import urlencode

from django import template

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
