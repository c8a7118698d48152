"""The 比学赶超 boards at 10k, 100k, 1M and 10M ledger rows, on SQLite and PostgreSQL.

One 500-person center (3 teams, 9 areas). The ledger grows at a constant pace (≈1,430 results a
day, i.e. 2.9 per person), so a bigger ledger is a longer history: the week's rows stay the same
while all time grows, which is exactly what "the week board costs what the week's rows cost" needs
to show. Rows are written in bulk SQL (INSERT … SELECT from a generated series), and the aggregates
record_result keeps (DailyPoints, PointsTotal, MasteryTally) are rebuilt the same way.

Timed in the worker process (pinned to one core with taskset when available), median of 5 runs,
baseline and product interleaved: the baseline is the board query before issue 9 (a grouped join of
the people with every ledger row of the center), run up to 1M rows. Figures are server time of the
selector or of the whole view (Django test client: routing, query, template), not network time.

    python -m bench.leaderboard_scale [sizes...]     # default 10000 100000 1000000 10000000

Each size's row is kept in var/bench_leaderboard_scale.json as it is measured, and the section of
docs/benchmarks.md is rewritten from it, so a long 10M run can be a run of its own.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time

from bench.common import ROOT, bench_env, manage, write_section

PEOPLE, TEAMS, AREAS = 500, 3, 9
PER_DAY = 1430
SIZES = [10_000, 100_000, 1_000_000, 10_000_000]
BASELINE_UP_TO = 1_000_000
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = "lianbing_h9_bench"


def _median(fn, runs: int = 5) -> float:
    fn()  # warm the caches once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


# --- worker: runs inside Django -------------------------------------------------------------------


def _setup_world():
    from accounts.models import Center, Role, Team, User
    from training.models import BusinessArea

    center = Center.objects.create(name="压测中心")
    teams = [Team.objects.create(center=center, name=f"班组{i}") for i in range(TEAMS)]
    areas = [BusinessArea.objects.create(code=f"bench-{i}", name=f"条线{i}", sort_order=i) for i in range(AREAS)]
    User.objects.bulk_create(
        User(username=f"p{i:03d}", full_name=f"人员{i:03d}", role=Role.STAFF, center=center, team=teams[i % TEAMS])
        for i in range(PEOPLE)
    )
    people = list(User.objects.filter(center=center).order_by("pk").values_list("pk", "team_id"))
    return center, people, [a.pk for a in areas]


def _grow(
    vendor: str, *, center_id: int, first_person: int, first_team: int, first_area: int, start: int, end: int
) -> None:
    """Rows start+1..end; row x happens x / PER_DAY days before now (so row 1 is the newest)."""
    from django.db import connection

    with connection.cursor() as cur:
        if vendor == "sqlite":
            cur.execute(  # only integers of this module go into the SQL
                f"""
                WITH RECURSIVE s(x) AS (SELECT {start + 1} UNION ALL SELECT x + 1 FROM s WHERE x < {end})
                INSERT INTO leaderboard_ledgerentry
                  (person_id, center_id, team_id, area_id, activity_kind, activity_id, title, score_ratio,
                   points, occurred_at, recency_weight)
                SELECT {first_person} + (x % {PEOPLE}), {center_id}, {first_team} + ((x % {PEOPLE}) % {TEAMS}),
                       {first_area} + ((x / 7) % {AREAS}),
                       CASE x % 4 WHEN 0 THEN 'daily' WHEN 1 THEN 'practice' WHEN 2 THEN 'exam' ELSE 'simulation' END,
                       'b' || x, '', (x % 101) / 100.0, x % 80,
                       strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || (x * 86400.0 / {PER_DAY}) || ' seconds'), 1.0
                FROM s
                """,  # noqa: S608 (only this module's integers go into the SQL)
            )
        else:
            cur.execute(
                f"""
                INSERT INTO leaderboard_ledgerentry
                  (person_id, center_id, team_id, area_id, activity_kind, activity_id, title, score_ratio,
                   points, occurred_at, recency_weight)
                SELECT {first_person} + (x % {PEOPLE}), {center_id}, {first_team} + ((x % {PEOPLE}) % {TEAMS}),
                       {first_area} + ((x / 7) % {AREAS}),
                       (ARRAY['daily', 'practice', 'exam', 'simulation'])[x % 4 + 1],
                       'b' || x, '', (x % 101) / 100.0, x % 80,
                       now() - make_interval(secs => x * 86400.0 / {PER_DAY}), 1.0
                FROM generate_series({start + 1}, {end}) AS x
                """,  # noqa: S608
            )


def _rebuild_aggregates(vendor: str) -> None:
    from django.db import connection

    day = "date(occurred_at, '+8 hours')" if vendor == "sqlite" else "(occurred_at AT TIME ZONE 'Asia/Shanghai')::date"
    with connection.cursor() as cur:
        for table in ("leaderboard_dailypoints", "leaderboard_pointstotal", "leaderboard_masterytally"):
            cur.execute(f"DELETE FROM {table}")  # noqa: S608
        cur.execute(
            f"""INSERT INTO leaderboard_dailypoints (person_id, center_id, team_id, area_id, day, points, activities)
            SELECT person_id, center_id, team_id, area_id, {day}, SUM(points), COUNT(*)
            FROM leaderboard_ledgerentry GROUP BY person_id, center_id, team_id, area_id, {day}""",  # noqa: S608
        )
        cur.execute(
            """INSERT INTO leaderboard_pointstotal (person_id, center_id, team_id, area_id, points, activities)
            SELECT person_id, center_id, team_id, area_id, SUM(points), COUNT(*)
            FROM leaderboard_ledgerentry GROUP BY person_id, center_id, team_id, area_id"""
        )
        cur.execute(
            """INSERT INTO leaderboard_masterytally (person_id, area_id, weighted_sum, weight_sum, results, last_at)
            SELECT person_id, area_id, SUM(score_ratio * recency_weight), SUM(recency_weight),
                   COUNT(*), MAX(occurred_at)
            FROM leaderboard_ledgerentry GROUP BY person_id, area_id"""
        )
        cur.execute("ANALYZE")


def _baseline_week(center_id: int, now):
    """The week board as it was before issue 9: people joined with all their ledger rows."""
    from django.db.models import Count, Q, Sum

    from accounts.models import User
    from leaderboard.selectors import period_start

    in_period = Q(ledger_entries__center_id=center_id, ledger_entries__occurred_at__gte=period_start("week", now=now))
    return list(
        User.objects.filter(center_id=center_id, is_active=True, role="staff")
        .annotate(
            p=Sum("ledger_entries__points", filter=in_period, default=0), n=Count("ledger_entries", filter=in_period)
        )
        .values("pk", "p", "n")
        .order_by("-p")
    )


def _plan(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "; ".join(row[-1] for row in cur.fetchall())
        cur.execute("EXPLAIN " + sql, params)
        return "; ".join(row[0].strip() for row in cur.fetchall() if "Scan" in row[0] or "Index" in row[0])


def _timings(center_id: int, client, now) -> dict:
    from leaderboard import selectors

    def page(query: str, **headers):
        response = client.get(f"/leaderboard/?{query}", headers=headers)
        if response.status_code not in (200, 304):
            raise RuntimeError(f"board answered {response.status_code}")
        return response

    def poll():
        return page("period=week", **{"If-None-Match": page("period=week")["ETag"]})

    return {
        "week": lambda: selectors.person_ranking(center_id=center_id, period="week", now=now),
        "month": lambda: selectors.person_ranking(center_id=center_id, period="month", now=now),
        "quarter": lambda: selectors.person_ranking(center_id=center_id, period="quarter", now=now),
        "all": lambda: selectors.person_ranking(center_id=center_id, period="all", now=now),
        "teams_week": lambda: selectors.team_ranking(center_id=center_id, period="week", now=now),
        "improved": lambda: selectors.most_improved(center_id=center_id, now=now),
        "page_week": lambda: page("period=week"),
        "page_all": lambda: page("period=all"),
        "not_modified": poll,  # two requests: the page, then its poll answered 304
    }


def worker(sizes: list[int]) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from leaderboard import selectors
    from leaderboard.models import DailyPoints

    vendor = connection.vendor
    center, people, areas = _setup_world()
    viewer = User.objects.get(pk=people[250][0])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(viewer)
    done = 0
    for size in sizes:
        t0 = time.perf_counter()
        _grow(
            vendor,
            center_id=center.pk,
            first_person=people[0][0],
            first_team=people[0][1],
            first_area=areas[0],
            start=done,
            end=size,
        )
        done = size
        _rebuild_aggregates(vendor)
        load_s = time.perf_counter() - t0
        timings = _timings(center.pk, client, timezone.now())
        now = timezone.now()
        week_days = DailyPoints.objects.filter(
            center_id=center.pk, day__gte=selectors.period_start("week", now=now).date()
        )
        plan = _plan(*week_days.values("person_id").query.sql_with_params())
        row = {
            "vendor": vendor,
            "size": size,
            "load_s": round(load_s, 1),
            "week_agg_rows": week_days.count(),
            "plan": plan,
        }
        for name, fn in timings.items():
            if size <= BASELINE_UP_TO:  # interleaved: baseline, product, baseline, product ...
                base, product = [], []
                for _ in range(3):
                    base.append(_median(lambda: _baseline_week(center.pk, timezone.now()), runs=1))
                    product.append(_median(fn, runs=3))
                row[name] = statistics.median(product)
                row.setdefault("baseline_week", statistics.median(base))
            else:
                row[name] = _median(fn)
        print(json.dumps(row), flush=True)


# --- driver -----------------------------------------------------------------------------------------


RESULTS = ROOT / "var" / "bench_leaderboard_scale.json"


def _save(row: dict, load: str) -> list[dict]:
    """Keep every size's latest row (a 10M run may be a run of its own) and rewrite the section."""
    rows = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    rows = [r for r in rows if (r["vendor"], r["size"]) != (row["vendor"], row["size"])] + [row | {"load": load}]
    rows.sort(key=lambda r: (r["vendor"] != "sqlite", r["size"]))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=1))
    _write(rows)
    return rows


def _run(env: dict, sizes: list[int], load: str) -> None:
    cmd = [sys.executable, "-m", "bench.leaderboard_scale", "--worker", *map(str, sizes)]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "1", *cmd]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:  # one JSON line per size, saved as it comes
        if line.startswith("{"):
            row = json.loads(line)
            print(
                f"{row['vendor']} {row['size']:,}: week {row['week']:.1f} ms, page {row['page_week']:.1f} ms",
                flush=True,
            )
            _save(row, load)
    if proc.wait() != 0:
        raise RuntimeError("worker failed")


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def main(sizes: list[int] | None = None) -> None:
    import tempfile

    sizes = sizes or SIZES
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="lianbing-bench-") as var_dir:
        env = bench_env(var_dir)
        manage(env, "migrate", "--noinput", "-v0")
        _run(env, sizes, load)
    _pg(f"DROP DATABASE IF EXISTS {PG_NAME}")
    _pg(f"CREATE DATABASE {PG_NAME}")
    try:
        with tempfile.TemporaryDirectory(prefix="lianbing-bench-") as var_dir:
            env = bench_env(var_dir, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{PG_NAME}", DB_POOL="0")
            manage(env, "migrate", "--noinput", "-v0")
            _run(env, sizes, load)
    finally:
        _pg(f"DROP DATABASE IF EXISTS {PG_NAME}")


def _write(rows: list[dict]) -> None:
    def fmt(ms):
        return f"{ms:.1f}"

    lines = []
    for vendor in ("sqlite", "postgresql"):
        mine = [r for r in rows if r["vendor"] == vendor]
        if not mine:
            continue
        title = "SQLite" if vendor == "sqlite" else "PostgreSQL"
        loads = ", ".join(sorted({r["load"] for r in mine}))
        lines += [
            f"\n**{title}** (ms of server time, median; × = growth since the previous size; "
            f"load average when the run(s) began: {loads})\n",
            "| ledger rows | week board | month | quarter | all time | team week | most improved | page (week) "
            "| page (all) | page + 304 poll | before issue 9: week board | week ÷ before | week's aggregate rows |",
            "| --- " * 13 + "|",
        ]
        previous = None
        for r in mine:
            growth = f" ({r['week'] / previous['week']:.2f}×)" if previous else ""
            base = r.get("baseline_week")
            ratio = f"{r['week'] / base:.3f}" if base else "—"
            cells = [f"{r['size']:,}", fmt(r["week"]) + growth]
            cells += [fmt(r[k]) for k in ("month", "quarter", "all", "teams_week", "improved", "page_week", "page_all")]
            cells += [fmt(r["not_modified"]), fmt(base) if base else "(not run)", ratio, f"{r['week_agg_rows']:,}"]
            lines.append("| " + " | ".join(cells) + " |")
            previous = r
        lines.append(f"\nWeek board's query plan at {mine[-1]['size']:,} rows: `{mine[-1]['plan']}`")
    body = f"""
500 people in one center (3 teams, 9 areas); the ledger grows at a constant pace of {PER_DAY:,}
results a day, so a bigger ledger is a longer history and the week holds the same rows at every
size. Rows written in bulk SQL, aggregates rebuilt the way record_result keeps them; then each
board timed in-process (worker pinned with taskset), median of interleaved runs. "before issue 9"
is the old week-board query (people joined with every ledger row), run up to 1M rows.
The machine's 2 cores are shared with other work: compare within a row (baseline and product were
interleaved in the same run), and read growth between sizes as a shape, not a precise factor.
{chr(10).join(lines)}
"""
    write_section("比学赶超 boards: data scale", body)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--worker":
        worker([int(a) for a in args[1:]])
    else:
        main([int(a) for a in args] or None)
