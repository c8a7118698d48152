"""Reads of the ledger: totals and the 比学赶超 boards.

Rankings are public inside a center (names, teams, points), in the spirit of 比学赶超; a person may
show as 匿名 (accounts.permissions.can_see_name), and the detail behind the points stays with the
person and those allowed to see them. The boards read the aggregates record_result keeps
(DailyPoints for a window, PointsTotal for all time), never the whole ledger.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from statistics import fmean

from django.db.models import Avg, Count, Max, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, Team, User
from accounts.permissions import people_visible_to

from .models import DailyPoints, LedgerEntry, MentorPair, PointsTotal
from .points import POLICIES

PERIODS = {"week": _("本周"), "month": _("本月"), "quarter": _("本季度"), "all": _("累计")}
# The counter staff compete; supervisors run the drills and help (帮), they are not ranked.
RANKED_ROLES = (Role.STAFF,)
ANONYMOUS = _("匿名")


@dataclass(frozen=True)
class PersonRank:
    rank: int
    person_id: int
    name: str
    team: str
    points: int
    activities: int
    anonymous: bool = False
    hidden: bool = False  # shown as 匿名 to this viewer


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
    steps: str = ""  # what would close the gap, e.g. 再完成 2 次每日一练 + 1 个课后小测


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
    """Monday 00:00, the 1st 00:00 or the quarter's first day 00:00 in Shanghai; None for all time."""
    local = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        return local - timedelta(days=local.weekday())
    if period == "month":
        return local.replace(day=1)
    if period == "quarter":
        return local.replace(month=(local.month - 1) // 3 * 3 + 1, day=1)
    return None


def _points_rows(*, center_id: int, period: str, now: datetime, area_id: int | None):
    """The aggregate rows of a board: a window's days, or the all-time totals."""
    start = period_start(period, now=now)
    if start is None:
        rows = PointsTotal.objects.filter(center_id=center_id)
    else:
        rows = DailyPoints.objects.filter(
            center_id=center_id, day__gte=start.date(), day__lte=timezone.localtime(now).date()
        )
    return rows.filter(area_id=area_id) if area_id else rows


def _ranked(rows, key):
    """Competition ranking: equal points share a rank (1, 1, 3)."""
    ranked, previous, rank = [], None, 0
    for position, row in enumerate(rows, start=1):
        if key(row) != previous:
            rank, previous = position, key(row)
        ranked.append((rank, row))
    return ranked


def ranked_people(center_id: int) -> list[dict]:
    """The center's ranked people (active clerks), as every board of a page reads them: a page that
    shows several boards reads them once and hands them to each (`roster=`)."""
    return list(
        User.objects.filter(center_id=center_id, is_active=True, role__in=RANKED_ROLES).values(
            "pk", "full_name", "username", "team_id", "team__name", "anonymous_on_boards"
        )
    )


def person_ranking(
    *, center_id: int | None, period: str, now: datetime, area_id: int | None = None, roster: list[dict] | None = None
) -> list[PersonRank]:
    """Everyone ranked in the center, with 0 points for those who have done nothing yet."""
    if center_id is None:
        return []
    sums = {
        row["person_id"]: row
        for row in _points_rows(center_id=center_id, period=period, now=now, area_id=area_id)
        .values("person_id")
        .annotate(points=Sum("points"), activities=Sum("activities"))
    }
    people = sorted(
        ranked_people(center_id) if roster is None else roster,
        key=lambda p: (
            -(sums.get(p["pk"], {}).get("points") or 0),
            -(sums.get(p["pk"], {}).get("activities") or 0),
            p["full_name"] or p["username"],
            p["pk"],
        ),
    )
    return [
        PersonRank(
            rank=rank,
            person_id=p["pk"],
            name=p["full_name"] or p["username"],
            team=p["team__name"] or "",
            points=sums.get(p["pk"], {}).get("points") or 0,
            activities=sums.get(p["pk"], {}).get("activities") or 0,
            anonymous=p["anonymous_on_boards"],
        )
        for rank, p in _ranked(people, key=lambda p: sums.get(p["pk"], {}).get("points") or 0)
    ]


def team_ranking(
    *, center_id: int | None, period: str, now: datetime, area_id: int | None = None, roster: list[dict] | None = None
) -> list[TeamRank]:
    """Teams by average points per member, so a small team can beat a big one.

    The rule (积分规则): a result counts for the team the person was in when they earned it (the
    ledger's snapshot); only active clerks count, so a departed member's points leave with them; a
    team's members in a window are its active clerks now plus the active clerks who earned points
    for it in the window (a clerk who moved counts in both teams, each with the points earned there).
    """
    if center_id is None:
        return []
    active = {p["pk"]: p["team_id"] for p in (ranked_people(center_id) if roster is None else roster)}
    members: dict[int, set[int]] = defaultdict(set)
    points: dict[int, int] = defaultdict(int)
    for person_id, team_id in active.items():
        if team_id:
            members[team_id].add(person_id)
    rows = (
        _points_rows(center_id=center_id, period=period, now=now, area_id=area_id)
        .filter(team_id__isnull=False)
        .values("team_id", "person_id")
        .annotate(points=Sum("points"))
    )
    for row in rows:
        if row["person_id"] in active:
            members[row["team_id"]].add(row["person_id"])
            points[row["team_id"]] += row["points"]
    teams = Team.objects.filter(center_id=center_id).values("pk", "name")

    def average(t) -> float:
        size = len(members[t["pk"]])
        return round(points[t["pk"]] / size, 1) if size else 0.0

    ordered = sorted(teams, key=lambda t: (-average(t), -points[t["pk"]], t["name"]))
    return [
        TeamRank(
            rank=rank,
            team_id=t["pk"],
            name=t["name"],
            members=len(members[t["pk"]]),
            points=points[t["pk"]],
            average=average(t),
        )
        for rank, t in _ranked(ordered, key=average)
    ]


def shown_to(viewer, ranking: list, *, public: bool = False) -> list:
    """The ranking as the viewer may see it: 匿名 people keep their rank and points, not their name,
    unless the viewer may see them (themselves, their supervisor, their manager). `public` (the hall
    screen) hides every 匿名 name, whoever is logged in on the TV."""
    if not any(row.anonymous for row in ranking):
        return ranking
    visible = set() if public else set(people_visible_to(viewer).values_list("pk", flat=True)) | {viewer.pk}
    return [row if not row.anonymous or row.person_id in visible else _hide(row) for row in ranking]


def _hide(row):
    changes = {"name": str(ANONYMOUS), "hidden": True}
    if hasattr(row, "team"):
        changes["team"] = ""
    return replace(row, **changes)


def neighbours(ranking: list[PersonRank], *, person_id: int, around: int = 2) -> list[PersonRank]:
    """The person's row with the `around` rows just above and just below it (邻近排名)."""
    index = next((i for i, row in enumerate(ranking) if row.person_id == person_id), None)
    if index is None:
        return []
    return ranking[max(0, index - around) : index + around + 1]


def catch_up_steps(gap: int) -> str:
    """Concrete steps that would earn `gap` points at typical results (积分规则): 每日一练 first, as
    it is the daily habit (at most two: one a day), then 课后小测, then 模拟接待."""
    if gap <= 0:
        return ""
    plan = []
    daily, lesson, simulation = POLICIES["daily"], POLICIES["lesson_check"], POLICIES["simulation"]
    n_daily = min(2, math.ceil(gap / daily.typical))
    plan.append((n_daily, daily))
    rest = gap - n_daily * daily.typical
    if rest > 0:
        n_lesson = min(3, math.ceil(rest / lesson.typical))
        plan.append((n_lesson, lesson))
        rest -= n_lesson * lesson.typical
    if rest > 0:
        plan.append((math.ceil(rest / simulation.typical), simulation))
    return _t("再完成 %(steps)s") % {"steps": " + ".join(str(p.step).format(n=n) for n, p in plan)}


def catch_target(ranking: list[PersonRank], *, person_id: int) -> CatchTarget | None:
    """The nearest person ahead (赶超 target), the points it takes to pass them, and how."""
    mine = next((row for row in ranking if row.person_id == person_id), None)
    if mine is None:
        return None
    ahead = [row for row in ranking if row.points > mine.points]
    if not ahead:
        return None
    target = min(ahead, key=lambda row: row.points)
    gap = target.points - mine.points + 1
    return CatchTarget(name=target.name, rank=target.rank, gap=gap, steps=catch_up_steps(gap))


def team_target(teams: list[TeamRank], *, team_id: int | None) -> CatchTarget | None:
    """The next team ahead by average and the points my team needs to pass it."""
    mine = next((row for row in teams if row.team_id == team_id), None)
    if mine is None or not mine.members:
        return None
    ahead = [row for row in teams if row.average > mine.average]
    if not ahead:
        return None
    target = min(ahead, key=lambda row: row.average)
    needed = math.floor(target.average * mine.members) + 1  # total points whose average beats theirs
    gap = max(1, needed - mine.points)
    return CatchTarget(name=target.name, rank=target.rank, gap=gap, steps=catch_up_steps(gap))


# --- 超: most improved ------------------------------------------------------------------------


@dataclass(frozen=True)
class Improvement:
    rank: int
    person_id: int
    name: str
    team: str
    points: int  # this month so far
    previous: int  # the same days of the previous month
    gain: int
    mastery_gain: float | None  # mean change of mastery over the areas known at both ends
    anonymous: bool = False
    hidden: bool = False


def improvement_windows(now: datetime) -> tuple[date, date, date, date]:
    """This month from the 1st to today, and the same days of the previous month (a fair race mid-month)."""
    today = timezone.localtime(now).date()
    start = today.replace(day=1)
    previous_start = (start - timedelta(days=1)).replace(day=1)
    previous_end = min(previous_start + (today - start), start - timedelta(days=1))
    return start, today, previous_start, previous_end


def most_improved(
    *,
    center_id: int | None,
    now: datetime,
    area_id: int | None = None,
    limit: int = 10,
    roster: list[dict] | None = None,
) -> list[Improvement]:
    """超: who gained most points against the same days of last month; mastery gain beside it.

    Only people who gained (gain > 0) are listed, so a newcomer who earns anything can top it.
    """
    from .mastery import mastery_now_and_then

    if center_id is None:
        return []
    start, today, previous_start, previous_end = improvement_windows(now)
    window = DailyPoints.objects.filter(center_id=center_id)
    if area_id:
        window = window.filter(area_id=area_id)

    def sums(first: date, last: date) -> dict[int, int]:
        rows = window.filter(day__gte=first, day__lte=last).values("person_id").annotate(points=Sum("points"))
        return {row["person_id"]: row["points"] for row in rows}

    now_points, before_points = sums(start, today), sums(previous_start, previous_end)
    people = {p["pk"]: p for p in (ranked_people(center_id) if roster is None else roster)}
    gains = {
        pk: now_points.get(pk, 0) - before_points.get(pk, 0)
        for pk in people
        if now_points.get(pk, 0) - before_points.get(pk, 0) > 0
    }
    if not gains:
        return []
    # Mastery only breaks ties in points gained: read it for the top `limit` and those tied with the last.
    cutoff = sorted(gains.values(), reverse=True)[:limit][-1]
    gains = {pk: gain for pk, gain in gains.items() if gain >= cutoff}
    month_start = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    # Dict lookups, not DataFrames: a few dozen (person, area) pairs (mastery_map's docstring).
    mastery_now, mastery_then = mastery_now_and_then(people=list(gains), then=month_start)
    changes: dict[int, list[float]] = defaultdict(list)
    for (person_id, each_area_id), now_mastery in mastery_now.items():
        then_mastery = mastery_then.get((person_id, each_area_id))
        if then_mastery is not None and (not area_id or each_area_id == area_id):
            changes[person_id].append(now_mastery.score - then_mastery.score)
    # The mean over the areas known at both ends, rounded as pandas rounds (half to even on the tenths).
    change = {pk: round(fmean(values) * 10) / 10 for pk, values in changes.items()}
    ordered = sorted(gains, key=lambda pk: (-gains[pk], -(change.get(pk) or 0), people[pk]["full_name"] or "", pk))[
        :limit
    ]
    return [
        Improvement(
            rank=rank,
            person_id=pk,
            name=people[pk]["full_name"] or people[pk]["username"],
            team=people[pk]["team__name"] or "",
            points=now_points.get(pk, 0),
            previous=before_points.get(pk, 0),
            gain=gains[pk],
            mastery_gain=change.get(pk),
            anonymous=people[pk]["anonymous_on_boards"],
        )
        for rank, pk in _ranked(ordered, key=lambda pk: gains[pk])
    ]


# --- 帮: the mentors' board --------------------------------------------------------------------


@dataclass(frozen=True)
class MentorRank:
    rank: int
    person_id: int
    name: str
    mentees: int
    points: int
    anonymous: bool = False
    hidden: bool = False


def mentor_ranking(*, center_id: int | None, period: str, now: datetime) -> list[MentorRank]:
    """帮 board: mentors of the center by 帮 points in the window, with their live mentees."""
    if center_id is None:
        return []
    rows = LedgerEntry.objects.filter(center_id=center_id, activity_kind="mentor")
    start = period_start(period, now=now)
    if start is not None:
        rows = rows.filter(occurred_at__gte=start)
    points = dict(rows.values("person_id").annotate(s=Sum("points")).values_list("person_id", "s"))
    live = dict(
        MentorPair.objects.filter(center_id=center_id, status="confirmed")
        .values("mentor_id")
        .annotate(n=Count("id"))
        .values_list("mentor_id", "n")
    )
    ids = set(points) | set(live)
    people = {
        p["pk"]: p
        for p in User.objects.filter(pk__in=ids, is_active=True).values(
            "pk", "full_name", "username", "anonymous_on_boards"
        )
    }
    ordered = sorted(people, key=lambda pk: (-(points.get(pk) or 0), -(live.get(pk) or 0), pk))
    return [
        MentorRank(
            rank=rank,
            person_id=pk,
            name=people[pk]["full_name"] or people[pk]["username"],
            mentees=live.get(pk, 0),
            points=points.get(pk) or 0,
            anonymous=people[pk]["anonymous_on_boards"],
        )
        for rank, pk in _ranked(ordered, key=lambda pk: points.get(pk) or 0)
    ]


def board_version(*, center_id: int | None) -> str:
    """Changes whenever a board of the center could: its newest ledger row and the pairs' latest change.

    The newest row is read from the end of an index (ledger_center_newest), so the not-modified answer
    costs a few small lookups whatever the size of the ledger; the set of 匿名 people is part of it.
    """
    newest = LedgerEntry.objects.filter(center_id=center_id).aggregate(m=Max("id"))["m"] or 0
    pairs = MentorPair.objects.filter(center_id=center_id).aggregate(m=Max("decided_at"), n=Count("id"))
    changed = pairs["m"].timestamp() if pairs["m"] else 0
    # Who chose 匿名 (a few hundred people per center): a name hidden a minute ago must not stay on screen.
    hidden = User.objects.filter(center_id=center_id, anonymous_on_boards=True).aggregate(n=Count("id"), s=Sum("id"))
    return f"{newest}-{pairs['n']}-{changed:.0f}-{hidden['n']}.{hidden['s'] or 0}"


def week_history(*, person, weeks: int = 12, now: datetime) -> list[dict]:
    """A person's points per week (Monday to Sunday, Shanghai), newest first, for their profile."""
    monday = period_start("week", now=now).date()
    first = monday - timedelta(weeks=weeks - 1)
    rows = (
        DailyPoints.objects.filter(person=person, day__gte=first)
        .values("day")
        .annotate(points=Sum("points"), activities=Sum("activities"))
    )
    by_week: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        week = row["day"] - timedelta(days=row["day"].weekday())
        by_week[week][0] += row["points"]
        by_week[week][1] += row["activities"]
    return [
        {
            "week": monday - timedelta(weeks=i),
            "points": by_week[monday - timedelta(weeks=i)][0],
            "activities": by_week[monday - timedelta(weeks=i)][1],
        }
        for i in range(weeks)
    ]
