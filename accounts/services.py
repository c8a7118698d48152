"""Writes for accounts: creating centers, teams and people with a consistent role."""

from django.db import transaction

from .models import Center, Role, Team, User


def ensure_center(*, name: str, district: str = "") -> Center:
    center, _ = Center.objects.get_or_create(name=name, defaults={"district": district})
    return center


def ensure_team(*, center: Center, name: str) -> Team:
    team, _ = Team.objects.get_or_create(center=center, name=name)
    return team


@transaction.atomic
def ensure_person(
    *,
    username: str,
    full_name: str,
    role: str,
    center: Center | None,
    team: Team | None = None,
    password: str | None = None,
) -> tuple[User, bool]:
    """Create the person if missing; an existing person keeps their password and history."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"full_name": full_name, "role": role, "center": center, "team": team},
    )
    if created:
        user.is_staff = role == Role.ADMIN  # content admins work in the Django admin
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    return user, created
