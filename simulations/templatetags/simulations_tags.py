"""Small template helpers for the mock reception pages."""

from datetime import datetime

from django import template

register = template.Library()


@register.filter
def iso(value: datetime | None) -> str:
    """An ISO 8601 timestamp with milliseconds, as static/js/app.js's countdown reads it."""
    return value.isoformat(timespec="milliseconds") if value else ""


@register.filter
def percent(value: float | None) -> int:
    return round((value or 0) * 100)


@register.filter
def signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


@register.filter
def seconds(value: float) -> str:
    value = round(value)
    return f"{value // 60}分{value % 60:02d}秒" if value >= 60 else f"{value}秒"
