"""Reads of the ledger: totals and the 比学赶超 rankings.

Rankings are public inside a center (names, teams, points), in the spirit of 比学赶超;
the detail behind the points stays with the person and those allowed to see them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, Team, User

from .models import LedgerEntry

PERIODS = {"week": _("本周"), "month": _("本月"), "all": _("累计")}
# The counter staff compete; supervisors run the drills and help (帮), they are not ranked.
RANKED_ROLES = (Role.STAFF,)


@dataclass(frozen=True)
class PersonRank:
    rank: int
    person_id: int
    name: str
    team: str
    points: int
    activities: int


@dataclass(frozen=True)
class TeamRank:
    rank: int
    team_id: int
    name: str
    members: int
    points: int
    average: float


@dataclass(frozen=True)
class CatchTarget:
    name: str
    rank: int
    gap: int  # points needed to pass them


def entries_for(person) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(person=person).select_related("area")


def person_totals(person) -> dict:
    totals = LedgerEntry.objects.filter(person=person).aggregate(
        points=Sum("points"), activities=Count("id"), average=Avg("score_ratio")
    )
    return {
        "points": totals["points"] or 0,
        "activities": totals["activities"],
        "average": totals["average"],
    }


def period_start(period: str, *, now: datetime) -> datetime | None:
    """Monday 00:00 or the 1st 00:00 in the center's time zone; None for all time."""
    local = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        return local - timedelta(days=local.weekday())
    if period == "month":
        return local.replace(day=1)
    return None


def _ranked(rows, key):
    """Competition ranking: equal points share a rank (1, 1, 3)."""
    ranked, previous, rank = [], None, 0
    for position, row in enumerate(rows, start=1):
        if key(row) != previous:
            rank, previous = position, key(row)
        ranked.append((rank, row))
    return ranked


def person_ranking(*, center_id: int | None, period: str, now: datetime) -> list[PersonRank]:
    """Everyone ranked in the center, with 0 points for those who have done nothing yet."""
    if center_id is None:
        return []
    in_period = Q(ledger_entries__center_id=center_id)
    start = period_start(period, now=now)
    if start is not None:
        in_period &= Q(ledger_entries__occurred_at__gte=start)
    people = (
        User.objects.filter(center_id=center_id, is_active=True, role__in=RANKED_ROLES)
        .annotate(
            period_points=Sum("ledger_entries__points", filter=in_period, default=0),
            period_activities=Count("ledger_entries", filter=in_period),
        )
        .values("pk", "full_name", "username", "team__name", "period_points", "period_activities")
        .order_by("-period_points", "-period_activities", "full_name", "pk")
    )
    return [
        PersonRank(
            rank=rank,
            person_id=row["pk"],
            name=row["full_name"] or row["username"],
            team=row["team__name"] or "",
            points=row["period_points"],
            activities=row["period_activities"],
        )
        for rank, row in _ranked(people, key=lambda r: r["period_points"])
    ]


def team_ranking(*, center_id: int | None, period: str, now: datetime) -> list[TeamRank]:
    """Teams by average points per member, so a small team can beat a big one."""
    if center_id is None:
        return []
    in_period = Q(members__ledger_entries__center_id=center_id, members__role__in=RANKED_ROLES)
    start = period_start(period, now=now)
    if start is not None:
        in_period &= Q(members__ledger_entries__occurred_at__gte=start)
    teams = Team.objects.filter(center_id=center_id).annotate(
        points=Sum("members__ledger_entries__points", filter=in_period, default=0),
        size=Count("members", filter=Q(members__is_active=True, members__role__in=RANKED_ROLES), distinct=True),
    )
    rows = sorted(
        ({"pk": t.pk, "name": t.name, "members": t.size, "points": t.points} for t in teams),
        key=lambda r: (-(r["points"] / r["members"] if r["members"] else 0), r["name"]),
    )
    return [
        TeamRank(
            rank=rank,
            team_id=row["pk"],
            name=row["name"],
            members=row["members"],
            points=row["points"],
            average=round(row["points"] / row["members"], 1) if row["members"] else 0.0,
        )
        for rank, row in _ranked(rows, key=lambda r: round(r["points"] / r["members"], 1) if r["members"] else 0)
    ]


def catch_target(ranking: list[PersonRank], *, person_id: int) -> CatchTarget | None:
    """The nearest person ahead (赶超 target) and the points it takes to pass them."""
    mine = next((row for row in ranking if row.person_id == person_id), None)
    if mine is None:
        return None
    ahead = [row for row in ranking if row.points > mine.points]
    if not ahead:
        return None
    target = min(ahead, key=lambda row: row.points)
    return CatchTarget(name=target.name, rank=target.rank, gap=target.points - mine.points + 1)
