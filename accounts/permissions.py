"""Who may do what, and who may see whom: the one home of these rules.

Views, selectors, home panels and consumers ask the named rules below (`can_run_drills(user)`),
never a list of roles of their own; a view guards itself with `@rule_required(can_...)`.

- staff see themselves;
- supervisors see themselves and the members of the teams they lead;
- managers and content admins see everyone in their center; superusers see everyone.
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


# --- What a person may do (superusers may do everything) -------------------------------------


def is_learner(user) -> bool:
    """Keeps a learning record of their own (继续学习, 已学完 N 课时): counter staff and supervisors."""
    return has_role(user, Role.STAFF, Role.SUPERVISOR) and not user.is_superuser


def can_run_drills(user) -> bool:
    """Hosts a live 大练兵 and shows its big screen."""
    return has_role(user, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


def can_join_center_drill(user, center_id: int | None, *, open_to_others: bool = False) -> bool:
    """A live drill is for its own center's people unless its host opened it to others."""
    if open_to_others or center_id is None or getattr(user, "is_superuser", False):
        return True
    return user.center_id == center_id


def can_view_reports(user) -> bool:
    """Opens the competency reports (scoped by people_visible_to)."""
    return has_role(user, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


def sees_whole_center(user) -> bool:
    """Sees everyone of their own center (people_visible_to, teams_visible_to): managers and content admins."""
    return has_role(user, Role.MANAGER, Role.ADMIN)


def can_view_center_reports(user) -> bool:
    """Reports and drill results at the level of the whole center, beyond any one team."""
    return sees_whole_center(user)


def can_follow_learning(user) -> bool:
    """Follows other people's learning (team progress, a person's lessons), scoped by people_visible_to."""
    return has_role(user, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


def can_score_rubrics(user) -> bool:
    """Scores the rubric of a live mock reception they watched (never their own run)."""
    return has_role(user, Role.SUPERVISOR, Role.MANAGER)


def can_assign_training(user) -> bool:
    """Who may turn a report's 难点 into a 难点培训 paper for a team they see (teams_visible_to)."""
    return has_role(user, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


def can_import_ratings(user) -> bool:
    """The center's 好差评 file is the director's business (and the content admin's who runs imports)."""
    return has_role(user, Role.MANAGER, Role.ADMIN)


def can_view_person_report(viewer, person) -> bool:
    """A person's competency page: their own, their supervisor's teams', the center's for managers."""
    return can_view_person(viewer, person)


def can_edit_content(user) -> bool:
    """Writes lessons, questions and scenarios; imports and exports the bank."""
    return has_role(user, Role.ADMIN)


# --- Whom a person may see ----------------------------------------------------------------------


def people_visible_to(viewer: User) -> QuerySet[User]:
    people = User.objects.filter(is_active=True)
    if not getattr(viewer, "is_authenticated", False):
        return people.none()
    if viewer.is_superuser:
        return people
    if sees_whole_center(viewer):
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
    if sees_whole_center(viewer):
        return teams.filter(center_id=viewer.center_id)
    if viewer.role == Role.SUPERVISOR:
        return teams.filter(supervisors=viewer)
    return teams.filter(pk=viewer.team_id) if viewer.team_id else teams.none()


def can_view_person(viewer: User, person: User) -> bool:
    if viewer.pk == person.pk:
        return True
    return people_visible_to(viewer).filter(pk=person.pk).exists()


def can_see_name(viewer: User, person: User) -> bool:
    """Whether the viewer sees the person's name on a center-wide board (匿名 otherwise)."""
    return not person.anonymous_on_boards or can_view_person(viewer, person)


def can_manage_pairs(user: User, team: Team | None) -> bool:
    """Who confirms, declines and ends 师徒结对 for a mentee of `team`: its supervisors and the center's manager."""
    if team is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if user.role == Role.MANAGER:
        return user.center_id == team.center_id
    if user.role == Role.SUPERVISOR:
        return team.supervisors.filter(pk=user.pk).exists()
    return False


# --- Guarding views -------------------------------------------------------------------------------


def rule_required(rule: Callable[[User], bool]) -> Callable:
    """View decorator: 403 unless the named rule (one of the can_* functions above) allows the user."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def role_required(*roles: str) -> Callable:
    """View decorator: 403 unless the user has one of the roles (superusers always pass).

    Being replaced by rule_required with a named rule (reports and competitions still use it)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
