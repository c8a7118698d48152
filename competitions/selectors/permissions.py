"""Who may see which drill: the pages and sockets ask these."""

from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.permissions import can_run_drills, can_view_person, has_role

from ..models import Competition


def is_host(user, competition: Competition) -> bool:
    return competition.host_id == user.pk or bool(getattr(user, "is_superuser", False))


def can_view_results(user, competition: Competition) -> bool:
    """The host, and managers (and admins) who can see the host."""
    if is_host(user, competition):
        return True
    return has_role(user, Role.MANAGER, Role.ADMIN) and can_view_person(user, competition.host)


def played_in(user, competition: Competition) -> bool:
    """A player of the drill (not removed) sees their own results and the podium."""
    return competition.players.filter(user_id=user.pk, removed_at=None).exists()


def competitions_for(user) -> QuerySet[Competition]:
    """Drills a person may open from the list: hosted ones, ones visible as a manager, ones played."""
    qs = Competition.objects.select_related("host")
    if has_role(user, Role.MANAGER, Role.ADMIN):
        from accounts.permissions import people_visible_to

        return qs.filter(Q(host=user) | Q(host__in=people_visible_to(user)) | Q(players__user=user)).distinct()
    if can_run_drills(user):
        return qs.filter(Q(host=user) | Q(players__user=user)).distinct()
    return qs.filter(players__user=user, players__removed_at=None)


def find_by_code(code: str) -> Competition | None:
    return Competition.objects.filter(code=code).first()
