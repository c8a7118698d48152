"""Charts drawn on the server as SVG: no script, no CDN, nothing the strict CSP must allow.

They print as vectors and read on a projector (large type, thick lines, the 60/85 thresholds drawn).
Text is escaped with format_html; colours come from classes in static/css/reports.css.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from leaderboard.mastery import GOOD_FROM, WEAK_BELOW

LEVEL_CLASS = {"none": "ch-none", "thin": "ch-thin", "weak": "ch-weak", "fair": "ch-fair", "good": "ch-good"}


def bar_chart(rows: list[tuple[str, float | None, str]], *, title: str) -> SafeString:
    """Horizontal bars, one per (label, mastery 0..100 or None, level)."""
    label_w, bar_w, row_h, top = 150, 420, 34, 30  # the value text needs ~150 px right of a full bar
    height = top + row_h * max(1, len(rows)) + 30
    width = label_w + bar_w + 170
    x_of = lambda v: label_w + bar_w * v / 100  # noqa: E731
    grid = format_html_join(
        "",
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" class="ch-threshold"/>'
        '<text x="{0}" y="{3}" class="ch-axis" text-anchor="middle">{4}</text>',
        ((x_of(v), top - 6, height - 24, height - 8, v) for v in (0, WEAK_BELOW, GOOD_FROM, 100)),
    )
    bars = []
    for i, (label, value, level) in enumerate(rows):
        y = top + i * row_h
        text_y = y + row_h / 2 + 6
        bars.append(
            format_html('<text x="{}" y="{}" class="ch-label" text-anchor="end">{}</text>', label_w - 8, text_y, label)
        )
        if value is None:
            bars.append(
                format_html('<text x="{}" y="{}" class="ch-muted">{}</text>', label_w + 6, text_y, _("暂无成绩"))
            )
            continue
        bars.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" rx="3" class="{}"/>'
                '<text x="{}" y="{}" class="ch-value">{}</text>',
                label_w,
                y + 5,
                f"{max(bar_w * value / 100, 2):.1f}",
                row_h - 10,
                LEVEL_CLASS.get(level, "ch-fair"),
                f"{x_of(value) + 6:.1f}",
                text_y,
                f"{value:.0f}" + (_("（证据不足）") if level == "thin" else ""),
            )
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}{}</svg>',
        width,
        height,
        title,
        title,
        grid,
        mark_safe("".join(bars)),  # noqa: S308 (every part above is format_html output)
    )


def line_chart(points: list[tuple[datetime, float | None]], *, title: str) -> SafeString:
    """A 0..100 line over the weeks (a gap where there was no result yet), thresholds dashed."""
    left, right, top, bottom, width, height = 44, 16, 16, 34, 640, 240
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(points) - 1)
    x_of = lambda i: left + plot_w * i / n  # noqa: E731
    y_of = lambda v: top + plot_h * (1 - v / 100)  # noqa: E731
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="ch-threshold"/>'
            '<text x="{}" y="{}" class="ch-axis" text-anchor="end">{}</text>',
            left,
            f"{y_of(v):.1f}",
            width - right,
            f"{y_of(v):.1f}",
            left - 6,
            f"{y_of(v) + 5:.1f}",
            v,
        )
        for v in (0, WEAK_BELOW, GOOD_FROM, 100)
    ]
    for i, (end, _value) in enumerate(points):
        if i % 2 == len(points) % 2 - 1 or i == len(points) - 1:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="ch-axis" text-anchor="middle">{}</text>',
                    f"{x_of(i):.1f}",
                    height - 10,
                    f"{timezone.localtime(end):%m-%d}",
                )
            )
    segments, current = [], []
    for i, (_end, value) in enumerate(points):
        if value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((x_of(i), y_of(value), value))
    if current:
        segments.append(current)
    for segment in segments:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in segment)
        parts.append(format_html('<polyline points="{}" class="ch-line"/>', path))
        parts.extend(
            format_html(
                '<circle cx="{}" cy="{}" r="4" class="ch-dot"><title>{}</title></circle>',
                f"{x:.1f}",
                f"{y:.1f}",
                f"{v:.0f}",
            )
            for x, y, v in segment
        )
    if not segments:
        parts.append(
            format_html('<text x="{}" y="{}" class="ch-muted">{}</text>', left + 10, top + plot_h / 2, _("暂无成绩"))
        )
    else:
        x, y, v = segments[-1][-1]
        parts.append(
            format_html('<text x="{}" y="{}" class="ch-value">{}</text>', f"{x - 4:.1f}", f"{y - 10:.1f}", f"{v:.0f}")
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        title,
        mark_safe("".join(parts)),  # noqa: S308 (every part above is format_html output)
    )
