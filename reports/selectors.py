"""Competency reads for the director and supervisors: mastery per person and area, and its evidence.

Every number comes from leaderboard.mastery (the one definition of mastery): the matrix hands it
the clerks the viewer may see and gets one compact frame back for a period (person × area: mastery,
results), or for all time the tallies' numbers as a dict (mastery_map: the same numbers, no frame).
Every active clerk is a row, keyed by person (namesakes stay two rows); an area without a result is
暂无成绩, never weak. docs/reports.md explains each number.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from django.db.models import Max, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, Team, User
from accounts.permissions import people_visible_to, teams_visible_to
from leaderboard.mastery import NOT_EVIDENCE, level, mastery_frame, mastery_map, mastery_series
from leaderboard.models import Badge, LedgerEntry
from training.models import BusinessArea

from . import ratings

REPORT_ROLES = (Role.STAFF, Role.SUPERVISOR)  # the clerks at the counters (supervisors serve there too)
PERIOD_DAYS = {"all": None, "90": 90, "30": 30}
PERIOD_LABELS = {"all": _("全部（近期权重更高）"), "90": _("近90天"), "30": _("近30天")}
IDLE_DAYS = 14
TREND_WEEKS = 12


@dataclass(frozen=True)
class Cell:
    mastery: float | None  # 0..100
    results: int
    area_id: int | None = None
    people: int = 0  # a team's cell: the members with a result in the area

    @property
    def level(self) -> str:
        return level(self.mastery, self.results)


NO_CELL = Cell(None, 0)


@dataclass(frozen=True)
class Area:
    id: int
    name: str

    @property
    def sort_key(self) -> str:
        return f"area-{self.id}"


@dataclass
class PersonRow:
    person_id: int
    name: str
    username: str
    team_id: int | None
    team: str
    cells: list[Cell]
    results: int  # all results behind the row in the period
    good_rate: float | None = None  # 好评率 0..1 of the resident ratings in the period
    ratings: int = 0


@dataclass
class TeamRow:
    team_id: int | None
    team: str
    cells: list[Cell]  # mastery: the mean of the members' mastery; results: all their results
    members: int


@dataclass
class Matrix:
    areas: list[Area]
    people: list[PersonRow]
    teams: list[TeamRow]
    summary: list[dict] = field(default_factory=list)  # per area: average, people, weak, thin, results
    weak: list[tuple[Area, list[PersonRow]]] = field(default_factory=list)
    since: datetime | None = None


def since_for(period: str, *, now: datetime) -> datetime | None:
    days = PERIOD_DAYS.get(period)
    return now - timedelta(days=days) if days else None


def clerks_visible_to(viewer, *, team_id: int | None = None) -> QuerySet[User]:
    """The active clerks the viewer may see in reports, optionally one team's."""
    people = people_visible_to(viewer).filter(role__in=REPORT_ROLES)
    if team_id is not None:
        people = people.filter(team_id=team_id)
    return people


def areas_for(area_id: int | None = None) -> list[Area]:
    areas = BusinessArea.objects.order_by("sort_order", "name")
    if area_id is not None:
        areas = areas.filter(pk=area_id)
    return [Area(pk, name) for pk, name in areas.values_list("pk", "name")]


def _mastery(people, *, since: datetime | None, now: datetime) -> pd.DataFrame:
    return mastery_frame(people=people, since=since, as_of=now if since else None)


def _display_name(full_name: str, username: str) -> str:
    return full_name or username


def competency_matrix(
    *,
    viewer,
    now: datetime,
    period: str = "all",
    team_id: int | None = None,
    area_id: int | None = None,
    sort: str = "team",
    descending: bool = False,
) -> Matrix:
    """Person × area and team × area mastery for the clerks the viewer may see."""
    since = since_for(period, now=now)
    areas = areas_for(area_id)
    people = clerks_visible_to(viewer, team_id=team_id)
    roster = list(
        people.order_by("team__name", "full_name", "username").values_list(
            "pk", "full_name", "username", "team_id", "team__name"
        )
    )
    if since is None:
        # All time is the tallies as they stand: looked up as dicts (mastery_map), the same numbers as
        # the frame without building one only to walk it row by row (14% of the report page, py-spy).
        cells = {
            key: Cell(m.score, m.results, key[1])
            for key, m in mastery_map(people=people).items()
            if area_id is None or key[1] == area_id
        }
    else:
        frame = _mastery(people, since=since, now=now)
        if area_id is not None:
            frame = frame[frame["area_id"] == area_id]
        cells = {
            (int(r.person_id), int(r.area_id)): Cell(float(r.mastery), int(r.results), int(r.area_id))
            for r in frame.itertuples()
        }
    totals: dict[int, int] = defaultdict(int)
    for (person_id, _area_id), cell in cells.items():
        totals[person_id] += cell.results
    good = ratings.good_rates(person_ids=[pk for pk, *_ in roster], since=since.date() if since else None)
    rows = [
        PersonRow(
            person_id=pk,
            name=_display_name(full_name, username),
            username=username,
            team_id=team_id_,
            team=team_name or "—",
            cells=[cells.get((pk, area.id)) or Cell(None, 0, area.id) for area in areas],
            results=int(totals.get(pk, 0)),
            good_rate=good.get(pk, (None, 0))[0],
            ratings=good.get(pk, (None, 0))[1],
        )
        for pk, full_name, username, team_id_, team_name in roster
    ]
    rows = sort_rows(rows, areas=areas, sort=sort, descending=descending)
    return Matrix(
        areas=areas,
        people=rows,
        teams=_team_rows(rows, areas),
        summary=_summary(rows, areas),
        weak=_weak(rows, areas),
        since=since,
    )


def sort_rows(rows: list[PersonRow], *, areas: list[Area], sort: str, descending: bool) -> list[PersonRow]:
    """Sort by team, name, results, 好评率 or an area's mastery (`area-<id>`); rows without a value go last."""
    if sort == "name":
        return sorted(rows, key=lambda r: r.name, reverse=descending)
    if sort == "results":
        return sorted(rows, key=lambda r: r.results, reverse=descending)
    index = None
    if sort.startswith("area-"):
        ids = [area.id for area in areas]
        try:
            index = ids.index(int(sort.removeprefix("area-")))
        except ValueError:
            index = None
    if index is None and sort != "good":
        return sorted(rows, key=lambda r: (r.team, r.name), reverse=descending)

    def value(row: PersonRow):
        return row.good_rate if sort == "good" else row.cells[index].mastery

    known = sorted((r for r in rows if value(r) is not None), key=value, reverse=descending)
    return known + [r for r in rows if value(r) is None]


def _team_rows(rows: list[PersonRow], areas: list[Area]) -> list[TeamRow]:
    by_team: dict[tuple, list[PersonRow]] = {}
    for row in rows:
        by_team.setdefault((row.team, row.team_id), []).append(row)
    result = []
    for (team, team_id), members in sorted(by_team.items(), key=lambda item: item[0][0]):
        cells = []
        for i in range(len(areas)):
            # Each member with a result counts once, so one busy member does not set the team's level.
            known = [m.cells[i] for m in members if m.cells[i].mastery is not None]
            if not known:
                cells.append(NO_CELL)
                continue
            mean = round(sum(c.mastery for c in known) / len(known), 1)
            cells.append(Cell(mean, sum(c.results for c in known), areas[i].id, people=len(known)))
        result.append(TeamRow(team_id=team_id, team=team, cells=cells, members=len(members)))
    return result


def _summary(rows: list[PersonRow], areas: list[Area]) -> list[dict]:
    summary = []
    for i, area in enumerate(areas):
        cells = [row.cells[i] for row in rows if row.cells[i].results]
        known = [c.mastery for c in cells]
        summary.append(
            {
                "area": area,
                "average": round(sum(known) / len(known), 1) if known else None,
                "people": len(cells),
                "results": sum(c.results for c in cells),
                "weak": sum(1 for c in cells if c.level == "weak"),
                "thin": sum(1 for c in cells if c.level == "thin"),
                "untried": len(rows) - len(cells),
            }
        )
    return summary


def _weak(rows: list[PersonRow], areas: list[Area]) -> list[tuple[Area, list[PersonRow]]]:
    weak = []
    for i, area in enumerate(areas):
        people = sorted((r for r in rows if r.cells[i].level == "weak"), key=lambda r: r.cells[i].mastery)
        if people:
            weak.append((area, people))
    return weak


# --- Evidence: the results behind one cell -----------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    kind: str
    kind_label: str
    title: str
    occurred_at: datetime
    score_ratio: float
    weight_share: float  # this result's share of the cell's mastery, 0..1
    url: str | None  # where the viewer may look at it; None when they may not


def evidence(*, viewer, person: User, area: BusinessArea, since: datetime | None, limit: int = 200) -> list[Evidence]:
    """The ledger rows behind a person's mastery of an area, newest first, each with a link if allowed."""
    from .links import evidence_url

    rows = LedgerEntry.objects.filter(person=person, area=area).exclude(activity_kind__in=NOT_EVIDENCE)
    if since is not None:
        rows = rows.filter(occurred_at__gte=since)
    rows = list(rows.order_by("-occurred_at")[:limit])
    total = sum(row.recency_weight for row in rows) or 1.0
    return [
        Evidence(
            kind=row.activity_kind,
            kind_label=row.get_activity_kind_display(),
            title=row.title,
            occurred_at=row.occurred_at,
            score_ratio=row.score_ratio,
            weight_share=row.recency_weight / total,
            url=evidence_url(viewer=viewer, entry=row),
        )
        for row in rows
    ]


# --- Trends ------------------------------------------------------------------------------------


def week_ends(*, now: datetime, weeks: int = TREND_WEEKS) -> list[datetime]:
    """The ends of the last `weeks` weeks, oldest first; the last one is now."""
    return [now - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def trend(
    *, people, now: datetime, area_id: int | None = None, weeks: int = TREND_WEEKS
) -> list[tuple[datetime, float | None]]:
    """Mean mastery of the people over their areas (or one area) as of each of the last weeks' ends."""
    ends = week_ends(now=now, weeks=weeks)
    series = mastery_series(people=people, ends=ends)
    if area_id is not None:
        series = series[series["area_id"] == area_id]
    # Each person weighs once: the mean over their areas first, then over people.
    by_end = series.groupby(["as_of", "person_id"])["mastery"].mean().groupby(level=0).mean().to_dict()
    return [(end, round(float(by_end[end]), 1) if end in by_end else None) for end in ends]


# --- Team view ---------------------------------------------------------------------------------


@dataclass
class TeamReport:
    team: Team
    matrix: Matrix
    idle: list[PersonRow]  # no result in the last IDLE_DAYS days
    last_activity: dict[int, datetime]
    trend: list[tuple[datetime, float | None]]
    bad_ratings: list
    good_rate: tuple[float | None, int]


def team_report(*, viewer, team: Team, now: datetime, period: str = "all") -> TeamReport:
    matrix = competency_matrix(viewer=viewer, now=now, period=period, team_id=team.pk)
    people = clerks_visible_to(viewer, team_id=team.pk)
    last = dict(
        LedgerEntry.objects.filter(person__in=people.values("pk"))
        .exclude(activity_kind__in=NOT_EVIDENCE)  # 帮 points come from a mentee's work, not one's own
        .values("person_id")
        .order_by()
        .annotate(last=Max("occurred_at"))
        .values_list("person_id", "last")
    )
    cutoff = now - timedelta(days=IDLE_DAYS)
    idle = [row for row in matrix.people if last.get(row.person_id) is None or last[row.person_id] < cutoff]
    ids = [row.person_id for row in matrix.people]
    return TeamReport(
        team=team,
        matrix=matrix,
        idle=idle,
        last_activity=last,
        trend=trend(people=ids, now=now),
        bad_ratings=ratings.bad_ratings(person_ids=ids, since=(now - timedelta(days=90)).date()),
        good_rate=ratings.good_rate(person_ids=ids, since=None),
    )


def teams_for(viewer) -> list[Team]:
    return list(teams_visible_to(viewer).order_by("name"))


# --- Person view -------------------------------------------------------------------------------


@dataclass
class PersonReport:
    person: User
    areas: list[tuple[Area, Cell, tuple[float | None, int]]]  # area, mastery, (好评率, ratings)
    trend: list[tuple[datetime, float | None]]
    recent: list[LedgerEntry]
    mistakes_open: int
    scenario_mistakes_open: int
    good_rate: tuple[float | None, int]
    bad_ratings: list
    badges: list[str]


def person_report(*, person: User, now: datetime) -> PersonReport:
    from quizzes.memory_selectors import book_cards
    from simulations.models import ScenarioMistake

    frame = mastery_frame(people=[person.pk])
    cells = {int(r.area_id): Cell(float(r.mastery), int(r.results)) for r in frame.itertuples()}
    by_area = ratings.good_rates_by_area(person_id=person.pk)
    areas = [(area, cells.get(area.id, NO_CELL), by_area.get(area.id, (None, 0))) for area in areas_for()]
    return PersonReport(
        person=person,
        areas=areas,
        trend=trend(people=[person.pk], now=now),
        recent=list(LedgerEntry.objects.filter(person=person).select_related("area").order_by("-occurred_at")[:12]),
        mistakes_open=book_cards(person=person).count(),  # the 错题本: cards answered wrong, not yet held
        scenario_mistakes_open=ScenarioMistake.objects.filter(person=person, mastered_at__isnull=True).count(),
        good_rate=ratings.good_rate(person_ids=[person.pk], since=None),
        bad_ratings=ratings.bad_ratings(person_ids=[person.pk], since=(now - timedelta(days=90)).date()),
        badges=badges_of(person=person),
    )


def badges_of(*, person: User) -> list[str]:
    """The person's 荣誉 (leaderboard's badges), newest first, with the area where the badge has one."""
    badges = Badge.objects.filter(person=person).select_related("area").order_by("-awarded_at")
    return [f"{b.get_kind_display()}·{b.area.name}" if b.area else str(b.get_kind_display()) for b in badges]
