"""Template tags of the lesson lists: a lesson's status badge and URL, cheap enough for every row.

The badge was a template included once per lesson row: 8% of the 业务学习 page's render (py-spy,
bench/render.py) went to setting up the include's context, for one <span>.
"""

from django import template
from django.utils.html import format_html

from lianbing.urls import pk_url

from ..selectors import Status

register = template.Library()

_BADGE_CLASS = {Status.LEARNED: " badge-ok", Status.IN_PROGRESS: " badge-info", Status.NOT_STARTED: ""}


@register.simple_tag
def status_badge(row) -> str:
    """A LessonRow's status: 未开始, 学习中 or 已学完."""
    return format_html(
        '<span class="badge status-{}{}" data-testid="status">{}</span>',
        row.status,
        _BADGE_CLASS[row.status],
        row.status_label,
    )


@register.simple_tag
def lesson_url(lesson_id) -> str:
    return pk_url("training:lesson", lesson_id)
