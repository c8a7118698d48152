"""Competency reads for managers: the ledger aggregated in SQL, handed to pandas as a compact frame.

A cell is a person's (or team's) average score ratio in one business area over the period;
empty where they have no result in that area yet (unknown is not the same as weak).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from django.db.models import Avg, Count, Sum

from accounts.permissions import people_visible_to
from leaderboard.models import LedgerEntry
from training.models import BusinessArea

PERIOD_DAYS = {"30": 30, "90": 90, "all": None}
WEAK_BELOW = 0.6


@dataclass(frozen=True)
class CompetencyReport:
    areas: list[str]
    people: pd.DataFrame  # index (team, name); one column per area, ratio 0..1 or NaN
    teams: pd.DataFrame  # index team; one column per area
    area_summary: pd.DataFrame  # per area: average, results, people with results, weak people
    weak: list[tuple[str, list[str]]]  # area → names below WEAK_BELOW


def _rows(viewer, *, since: datetime | None) -> pd.DataFrame:
    entries = LedgerEntry.objects.filter(person__in=people_visible_to(viewer).filter(role__in=["staff", "supervisor"]))
    if since is not None:
        entries = entries.filter(occurred_at__gte=since)
    grouped = entries.values("person_id", "person__full_name", "person__username", "person__team__name", "area__name")
    grouped = grouped.annotate(ratio=Avg("score_ratio"), results=Count("id"), points=Sum("points"))
    frame = pd.DataFrame.from_records(
        list(grouped),
        columns=[
            "person_id",
            "person__full_name",
            "person__username",
            "person__team__name",
            "area__name",
            "ratio",
            "results",
            "points",
        ],
    )
    frame["name"] = frame["person__full_name"].where(frame["person__full_name"] != "", frame["person__username"])
    frame["team"] = frame["person__team__name"].fillna("—")
    return frame


def competency_report(viewer, *, period: str, now: datetime) -> CompetencyReport:
    days = PERIOD_DAYS.get(period)
    since = now - timedelta(days=days) if days else None
    areas = list(BusinessArea.objects.order_by("sort_order", "name").values_list("name", flat=True))
    frame = _rows(viewer, since=since)
    people = frame.pivot_table(index=["team", "name"], columns="area__name", values="ratio", aggfunc="mean")
    people = people.reindex(columns=areas)
    # A team's cell weighs each member's average equally, so one busy member does not set the team's level.
    teams = frame.groupby(["team", "area__name"])["ratio"].mean().unstack().reindex(columns=areas)
    by_area = frame.groupby("area__name")
    summary = pd.DataFrame(
        {
            "average": by_area["ratio"].mean(),
            "results": by_area["results"].sum(),
            "people": by_area["person_id"].nunique(),
            "weak": by_area["ratio"].apply(lambda s: int((s < WEAK_BELOW).sum())),
        }
    ).reindex(areas)
    weak = [
        (area, sorted(frame.loc[(frame["area__name"] == area) & (frame["ratio"] < WEAK_BELOW), "name"].tolist()))
        for area in areas
    ]
    return CompetencyReport(
        areas=areas, people=people, teams=teams, area_summary=summary, weak=[(a, n) for a, n in weak if n]
    )
