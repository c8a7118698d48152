"""Small template helpers for the quizzes pages."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """A time limit as people say it: 20 分钟, 1 小时 30 分钟, 45 秒 (1200 秒 is nobody's unit)."""
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(_("%(n)s 小时") % {"n": hours})
    if minutes:
        parts.append(_("%(n)s 分钟") % {"n": minutes})
    if secs or not parts:
        parts.append(_("%(n)s 秒") % {"n": secs})
    return " ".join(parts)
