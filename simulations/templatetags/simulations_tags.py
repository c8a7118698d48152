"""Small template helpers for the mock reception pages."""

from datetime import datetime

from django import template
from django.utils.translation import gettext as _

from .. import scoring

register = template.Library()


@register.filter
def iso(value: datetime | None) -> str:
    """An ISO 8601 timestamp with milliseconds, as static/js/app.js's countdown reads it."""
    return value.isoformat(timespec="milliseconds") if value else ""


@register.filter
def percent(value: float | None) -> int:
    return scoring.round_half_up((value or 0) * 100)  # 86.5 -> 87, as people round (not to even)


@register.filter
def combined_exact(run) -> str:
    """The rubric-combined score with its decimal (65.6), before it is rounded to the final 66."""
    value = scoring.combined_exact(
        overall=run.overall, rubric_ratio=run.rubric_score, weight=run.scenario.rubric_weight
    )
    return f"{value:.1f}"


@register.filter
def signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


@register.filter
def seconds(value: float) -> str:
    value = round(value)
    if value >= 60:
        return _("%(m)s分%(s)02d秒") % {"m": value // 60, "s": value % 60}
    return _("%(s)s秒") % {"s": value}


@register.filter
def duration(value: int) -> str:
    """A time limit in words: 600 -> 10 分钟, 90 -> 1 分 30 秒, 45 -> 45 秒."""
    minutes, rest = divmod(int(value), 60)
    if not minutes:
        return _("%(s)s 秒") % {"s": rest}
    if not rest:
        return _("%(m)s 分钟") % {"m": minutes}
    return _("%(m)s 分 %(s)s 秒") % {"m": minutes, "s": rest}
