"""Mastery: how well a person holds a business area, 0–100, the one number every app reads.

Mastery is the weighted mean of the person's score ratios in the area, each result weighing
2^(-age / half-life) (30 days by default): a result from a month ago counts half as much as one from
today. With fewer than MASTERY_MIN_RESULTS results the number is shown as 证据不足, not as weak.

The weights are stored on each ledger row as 2^(days since MASTERY_EPOCH / half-life); the mean of a
set of rows with those weights equals the mean with 2^(-age / half-life), because the factor 2^(-now)
cancels. So mastery "now" is two running sums per person and area (MasteryTally, kept by
record_result), and mastery "as of" a past moment subtracts the rows after it: both cost the rows of
the window, never the whole ledger.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from django.conf import settings
from django.db.models import Case, Count, F, FloatField, IntegerField, Max, QuerySet, Sum, Value, When

from .models import LedgerEntry, MasteryTally

MASTERY_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
HALF_LIFE_DAYS: float = settings.MASTERY_HALF_LIFE_DAYS
MIN_RESULTS: int = settings.MASTERY_MIN_RESULTS
WEAK_BELOW: int = settings.MASTERY_WEAK_BELOW
GOOD_FROM: int = settings.MASTERY_GOOD_FROM

COLUMNS = ["person_id", "area_id", "mastery", "results", "last_at"]
# Rows that are not evidence of the person's own competence (帮 points are earned by a mentee's
# progress): they rank, but mastery leaves them out.
NOT_EVIDENCE = ("mentor",)


def recency_weight(at: datetime) -> float:
    """The stored weight of a result at `at` (see the module's docstring)."""
    return 2.0 ** ((at - MASTERY_EPOCH).total_seconds() / 86400 / HALF_LIFE_DAYS)


@dataclass(frozen=True)
class Mastery:
    score: float | None  # 0..100; None without any result
    results: int
    last_at: datetime | None = None

    @property
    def enough(self) -> bool:
        return self.results >= MIN_RESULTS

    @property
    def level(self) -> str:
        return level(self.score, self.results)


NO_MASTERY = Mastery(score=None, results=0)


def level(score: float | None, results: int) -> str:
    """`none` (no result), `thin` (too little evidence), `weak`, `fair` or `good`."""
    if not results or score is None:
        return "none"
    if results < MIN_RESULTS:
        return "thin"
    if score < WEAK_BELOW:
        return "weak"
    return "good" if score >= GOOD_FROM else "fair"


def _ids(people) -> QuerySet | list[int]:
    if isinstance(people, QuerySet):
        return people.values("pk")
    return [getattr(p, "pk", p) for p in people]


def _window_sums(person_ids, *, after: datetime | None, until: datetime | None) -> pd.DataFrame:
    rows = LedgerEntry.objects.filter(person_id__in=person_ids).exclude(activity_kind__in=NOT_EVIDENCE)
    if after is not None:
        rows = rows.filter(occurred_at__gte=after)
    if until is not None:
        rows = rows.filter(occurred_at__lte=until)
    grouped = rows.values("person_id", "area_id").annotate(
        weighted=Sum(F("score_ratio") * F("recency_weight"), output_field=FloatField()),
        weight=Sum("recency_weight"),
        n=Count("id"),
        last=Max("occurred_at"),
    )
    return pd.DataFrame.from_records(list(grouped), columns=["person_id", "area_id", "weighted", "weight", "n", "last"])


def _frame(sums: pd.DataFrame) -> pd.DataFrame:
    sums = sums[sums["n"] > 0]
    mastery = (sums["weighted"] / sums["weight"] * 100).clip(0, 100).round(1)
    return pd.DataFrame(
        {
            "person_id": sums["person_id"].astype("int64"),
            "area_id": sums["area_id"].astype("int64"),
            "mastery": mastery.astype("float64"),
            "results": sums["n"].astype("int64"),
            "last_at": sums["last"],
        },
        columns=COLUMNS,
    ).reset_index(drop=True)


def mastery_frame(
    *, people: Iterable | QuerySet, as_of: datetime | None = None, since: datetime | None = None
) -> pd.DataFrame:
    """One row per (person, area) with at least one result: person_id, area_id, mastery, results, last_at.

    `people` is a queryset of users or an iterable of users or ids. `as_of` (default: now) leaves out
    results after it; `since` keeps only results from it on (a report's period). With `as_of` and no
    `since`, last_at is the last result overall, not as of that moment.
    """
    ids = _ids(people)
    if since is not None:
        return _frame(_window_sums(ids, after=since, until=as_of))
    tallies = MasteryTally.objects.filter(person_id__in=ids).values_list(
        "person_id", "area_id", "weighted_sum", "weight_sum", "results", "last_at"
    )
    sums = pd.DataFrame.from_records(list(tallies), columns=["person_id", "area_id", "weighted", "weight", "n", "last"])
    if as_of is not None:
        later = _later_sums(ids, as_of)
        if not later.empty:
            sums = sums.merge(later, on=["person_id", "area_id"], how="left", suffixes=("", "_later")).fillna(
                {"weighted_later": 0.0, "weight_later": 0.0, "n_later": 0}
            )
            sums["weighted"] -= sums["weighted_later"]
            sums["weight"] -= sums["weight_later"]
            sums["n"] -= sums["n_later"]
            sums = sums[["person_id", "area_id", "weighted", "weight", "n", "last"]]
    return _frame(sums)


def _later_sums(ids, as_of: datetime) -> pd.DataFrame:
    rows = LedgerEntry.objects.filter(person_id__in=ids, occurred_at__gt=as_of).exclude(activity_kind__in=NOT_EVIDENCE)
    grouped = rows.values("person_id", "area_id").annotate(
        weighted=Sum(F("score_ratio") * F("recency_weight"), output_field=FloatField()),
        weight=Sum("recency_weight"),
        n=Count("id"),
    )
    return pd.DataFrame.from_records(list(grouped), columns=["person_id", "area_id", "weighted", "weight", "n"])


def mastery_series(*, people: Iterable | QuerySet, ends: list[datetime]) -> pd.DataFrame:
    """Mastery as of each of `ends` (ascending): person_id, area_id, as_of, mastery, results.

    One grouped query: each row falls into the first end at or after it, and running sums over the
    ends give mastery as of each (a trend over the last weeks for a chart). Areas a person had no
    result in by an end are absent at that end.
    """
    columns = ["person_id", "area_id", "as_of", "mastery", "results"]
    if not ends:
        return pd.DataFrame(columns=columns)
    bucket = Case(
        *[When(occurred_at__lte=end, then=Value(i)) for i, end in enumerate(ends)],
        output_field=IntegerField(),
    )
    grouped = (
        LedgerEntry.objects.filter(person_id__in=_ids(people), occurred_at__lte=ends[-1])
        .exclude(activity_kind__in=NOT_EVIDENCE)
        .annotate(bucket=bucket)
        .values("person_id", "area_id", "bucket")
        .annotate(
            weighted=Sum(F("score_ratio") * F("recency_weight"), output_field=FloatField()),
            weight=Sum("recency_weight"),
            n=Count("id"),
        )
    )
    sums = pd.DataFrame.from_records(
        list(grouped), columns=["person_id", "area_id", "bucket", "weighted", "weight", "n"]
    )
    if sums.empty:
        return pd.DataFrame(columns=columns)
    # Every (person, area) gets every bucket, so the running sums carry over weeks without results.
    keys = sums[["person_id", "area_id"]].drop_duplicates()
    grid = keys.merge(pd.DataFrame({"bucket": range(len(ends))}), how="cross")
    sums = grid.merge(sums, on=["person_id", "area_id", "bucket"], how="left").fillna(
        {"weighted": 0.0, "weight": 0.0, "n": 0}
    )
    sums = sums.sort_values(["person_id", "area_id", "bucket"])
    running = sums.groupby(["person_id", "area_id"])[["weighted", "weight", "n"]].cumsum()
    sums[["weighted", "weight", "n"]] = running
    sums = sums[sums["n"] > 0]
    return pd.DataFrame(
        {
            "person_id": sums["person_id"].astype("int64"),
            "area_id": sums["area_id"].astype("int64"),
            "as_of": [ends[int(b)] for b in sums["bucket"]],
            "mastery": (sums["weighted"] / sums["weight"] * 100).clip(0, 100).round(1).astype("float64"),
            "results": sums["n"].astype("int64"),
        },
        columns=columns,
    ).reset_index(drop=True)


def _score(weighted: float, weight: float) -> float:
    """mastery_frame's arithmetic on one pair of sums: clipped to 0..100, then numpy's round(1) (half to
    even on the tenths, which Python's round(x, 1) is not: it rounds the decimal value of the float)."""
    return round(min(max(weighted / weight * 100, 0.0), 100.0) * 10) / 10


def _tally_sums(ids) -> dict[tuple[int, int], list]:
    return {
        (person_id, area_id): [weighted, weight, n, last]
        for person_id, area_id, weighted, weight, n, last in MasteryTally.objects.filter(person_id__in=ids).values_list(
            "person_id", "area_id", "weighted_sum", "weight_sum", "results", "last_at"
        )
    }


def _minus_later(sums: dict[tuple[int, int], list], ids, as_of: datetime) -> dict[tuple[int, int], list]:
    """The sums as of `as_of`: the tallies less the rows after it (last_at stays the last overall)."""
    sums = {key: list(row) for key, row in sums.items()}
    if not sums:
        return sums
    later = (
        LedgerEntry.objects.filter(person_id__in=ids, occurred_at__gt=as_of)
        .exclude(activity_kind__in=NOT_EVIDENCE)
        .values_list("person_id", "area_id")
        .annotate(
            weighted=Sum(F("score_ratio") * F("recency_weight"), output_field=FloatField()),
            weight=Sum("recency_weight"),
            n=Count("id"),
        )
    )
    for person_id, area_id, weighted, weight, n in later:
        row = sums.get((person_id, area_id))
        if row is not None:
            row[0] -= weighted
            row[1] -= weight
            row[2] -= n
    return sums


def _masteries(sums: dict[tuple[int, int], list]) -> dict[tuple[int, int], Mastery]:
    return {
        key: Mastery(score=_score(weighted, weight), results=n, last_at=last)
        for key, (weighted, weight, n, last) in sums.items()
        if n > 0
    }


def mastery_map(*, people: Iterable | QuerySet, as_of: datetime | None = None) -> dict[tuple[int, int], Mastery]:
    """mastery_frame's numbers as a dict keyed (person_id, area_id), without pandas.

    A page that only looks mastery up (most improved, a person's areas) paid 4-5 ms a frame for
    building and merging DataFrames around a few dozen rows (bench/render.py, the 比学赶超 page);
    the same sums in plain dicts cost a small part of it. Reports, which do frame work, keep
    mastery_frame (tests/leaderboard/test_mastery.py holds the two to the same numbers).
    """
    ids = _ids(people)
    sums = _tally_sums(ids)
    return _masteries(sums if as_of is None else _minus_later(sums, ids, as_of))


def mastery_now_and_then(
    *, people: Iterable | QuerySet, then: datetime
) -> tuple[dict[tuple[int, int], Mastery], dict[tuple[int, int], Mastery]]:
    """mastery_map now and as of `then`, from one read of the tallies (two queries, not three)."""
    ids = _ids(people)
    sums = _tally_sums(ids)
    return _masteries(sums), _masteries(_minus_later(sums, ids, then))


def mastery_by_area(*, person, as_of: datetime | None = None, since: datetime | None = None) -> dict[int, Mastery]:
    """A person's mastery per area id (areas without results are absent: use .get(id, NO_MASTERY))."""
    if since is None:
        return {area_id: m for (_, area_id), m in mastery_map(people=[person], as_of=as_of).items()}
    frame = mastery_frame(people=[person], as_of=as_of, since=since)
    return {
        int(row.area_id): Mastery(
            score=float(row.mastery),
            results=int(row.results),
            last_at=None if pd.isna(row.last_at) else row.last_at,
        )
        for row in frame.itertuples(index=False)
    }


def mastery_of(*, person, area, as_of: datetime | None = None) -> Mastery:
    return mastery_by_area(person=person, as_of=as_of).get(getattr(area, "pk", area), NO_MASTERY)


def weakest_area_ids(*, person, area_ids: Iterable[int], limit: int = 3, as_of: datetime | None = None) -> list[int]:
    """The person's weakest areas among `area_ids`: known-weak first (lowest mastery), then untried ones.

    Areas with too little evidence sort by their score like the others; areas with no result at all
    come after every area with a result below GOOD_FROM, since an unknown area is not a known weak spot.
    """
    by_area = mastery_by_area(person=person, as_of=as_of)
    area_ids = list(area_ids)

    def key(area_id: int):
        m = by_area.get(area_id)
        if m is None:
            return (1, GOOD_FROM, area_ids.index(area_id))
        return (0 if m.score < GOOD_FROM else 2, m.score, area_ids.index(area_id))

    return sorted(area_ids, key=key)[:limit]


def add_to_tally(entry: LedgerEntry) -> None:
    """Add one new ledger row to its person's running sums (called inside record_result's transaction)."""
    if entry.activity_kind in NOT_EVIDENCE:
        return
    key = {"person_id": entry.person_id, "area_id": entry.area_id}
    increments = {
        "weighted_sum": F("weighted_sum") + entry.score_ratio * entry.recency_weight,
        "weight_sum": F("weight_sum") + entry.recency_weight,
        "results": F("results") + 1,
    }
    tally = MasteryTally.objects.select_for_update().filter(**key).first()
    if tally is None:
        tally, _ = MasteryTally.objects.get_or_create(**key)
    last_at = entry.occurred_at if tally.last_at is None or entry.occurred_at > tally.last_at else tally.last_at
    MasteryTally.objects.filter(pk=tally.pk).update(**increments, last_at=last_at)


def rebuild_tallies(*, person_ids: Iterable[int] | None = None) -> int:
    """Recompute weights and tallies from the ledger (after a change of half-life, or a repair)."""
    rows = LedgerEntry.objects.exclude(activity_kind__in=NOT_EVIDENCE)
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    for entry in rows.only("pk", "occurred_at").iterator(chunk_size=2000):
        LedgerEntry.objects.filter(pk=entry.pk).update(recency_weight=recency_weight(entry.occurred_at))
    tallies = MasteryTally.objects.all()
    if person_ids is not None:
        tallies = tallies.filter(person_id__in=person_ids)
    tallies.delete()
    grouped = rows.values("person_id", "area_id").annotate(
        weighted=Sum(F("score_ratio") * F("recency_weight"), output_field=FloatField()),
        weight=Sum("recency_weight"),
        n=Count("id"),
        last=Max("occurred_at"),
    )
    created = MasteryTally.objects.bulk_create(
        MasteryTally(
            person_id=g["person_id"],
            area_id=g["area_id"],
            weighted_sum=g["weighted"],
            weight_sum=g["weight"],
            results=g["n"],
            last_at=g["last"],
        )
        for g in grouped
    )
    return len(created)


__all__ = [
    "GOOD_FROM",
    "HALF_LIFE_DAYS",
    "MIN_RESULTS",
    "NO_MASTERY",
    "WEAK_BELOW",
    "Mastery",
    "level",
    "mastery_by_area",
    "mastery_frame",
    "mastery_map",
    "mastery_now_and_then",
    "mastery_of",
    "mastery_series",
    "recency_weight",
    "weakest_area_ids",
]
