"""Who may see whom. Views, selectors and consumers all ask these functions.

- staff see themselves;
- supervisors see themselves and the members of the teams they lead;
- managers and admins see everyone in their center; superusers see everyone.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import Role, Team, User


def has_role(user, *roles: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user.role in roles


def can_run_drills(user) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


def can_join_center_drill(user, center_id: int | None, *, open_to_others: bool = False) -> bool:
    """A live drill is for its own center's people unless its host opened it to others."""
    if open_to_others or center_id is None or getattr(user, "is_superuser", False):
        return True
    return user.center_id == center_id


def can_view_reports(user) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


def can_view_center_reports(user) -> bool:
    return has_role(user, Role.MANAGER, Role.ADMIN)


def can_edit_content(user) -> bool:
    return has_role(user, Role.ADMIN)


def people_visible_to(viewer: User) -> QuerySet[User]:
    people = User.objects.filter(is_active=True)
    if not getattr(viewer, "is_authenticated", False):
        return people.none()
    if viewer.is_superuser:
        return people
    if viewer.role in (Role.MANAGER, Role.ADMIN):
        return people.filter(center_id=viewer.center_id) if viewer.center_id else people.filter(pk=viewer.pk)
    if viewer.role == Role.SUPERVISOR:
        return people.filter(Q(pk=viewer.pk) | Q(team__supervisors=viewer)).distinct()
    return people.filter(pk=viewer.pk)


def teams_visible_to(viewer: User) -> QuerySet[Team]:
    teams = Team.objects.all()
    if not getattr(viewer, "is_authenticated", False):
        return teams.none()
    if viewer.is_superuser:
        return teams
    if viewer.role in (Role.MANAGER, Role.ADMIN):
        return teams.filter(center_id=viewer.center_id)
    if viewer.role == Role.SUPERVISOR:
        return teams.filter(supervisors=viewer)
    return teams.filter(pk=viewer.team_id) if viewer.team_id else teams.none()


def can_view_person(viewer: User, person: User) -> bool:
    if viewer.pk == person.pk:
        return True
    return people_visible_to(viewer).filter(pk=person.pk).exists()


def can_view_team(viewer: User, team: Team) -> bool:
    """Whether the viewer may see the team's members' individual results."""
    if viewer.role == Role.STAFF and not viewer.is_superuser:
        return False
    return teams_visible_to(viewer).filter(pk=team.pk).exists()


def role_required(*roles: str) -> Callable:
    """View decorator: 403 unless the user has one of the roles (superusers always pass)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
