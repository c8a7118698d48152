"""Writes for training."""

from .models import BusinessArea


def ensure_area(*, code: str, name: str, description: str = "", sort_order: int = 0) -> BusinessArea:
    area, created = BusinessArea.objects.get_or_create(
        code=code, defaults={"name": name, "description": description, "sort_order": sort_order}
    )
    if not created and (area.name, area.description, area.sort_order) != (name, description, sort_order):
        area.name, area.description, area.sort_order = name, description, sort_order
        area.save(update_fields=["name", "description", "sort_order"])
    return area
