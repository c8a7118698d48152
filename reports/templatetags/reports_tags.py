from django import template

from reports.selectors import WEAK_BELOW

register = template.Library()


@register.filter
def percent(value) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


@register.filter
def heat(value) -> str:
    """A cell's colour class: weak, fair, strong or empty."""
    if value is None:
        return "rp-empty"
    if value < WEAK_BELOW:
        return "rp-weak-cell"
    return "rp-strong" if value >= 0.85 else "rp-fair"
