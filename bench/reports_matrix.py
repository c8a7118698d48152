"""The competency matrix at scale: 500 clerks × 1,000,000 and 10,000,000 ledger rows, SQLite and PostgreSQL.

Rows are generated in bulk SQL (INSERT … SELECT over a generated series), the mastery tallies built
by one GROUP BY, as record_result would have left them. Each figure is measured in a fresh process
pinned to one core (taskset), rounds interleaved with the baseline: the one grouped query a report
must run at least if it read the ledger directly (person × area sums over every row). Measured:
the matrix selector (period 全部, the page's default, reading the tallies; and 近90天, summing the
window's rows), and the whole page (/reports/ through the Django test client, 500 rows rendered).
Time: median of 3 calls after one warm-up (one call from 5M rows on, where the baseline alone
takes minutes); memory: the call's peak traced allocation (tracemalloc,
which numpy and pandas report to) and the process's peak RSS. The PostgreSQL database is dropped
afterwards, the SQLite file lives in a temporary directory.

    python -m bench reports_matrix            # both backends, 1M and 10M rows
    BENCH_ROWS=1000000 python -m bench reports_matrix
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from bench.common import ROOT, project_env, write_section

PEOPLE, TEAMS, AREAS = 500, 10, 9
SIZES = [int(n) for n in os.environ.get("BENCH_ROWS", "1000000,10000000").split(",")]
BACKENDS = os.environ.get("BENCH_BACKENDS", "sqlite,postgresql").split(",")
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/lianbing_h10_bench")
ROUNDS = 3
CHUNK = 1_000_000


def _run(env: dict, *args: str) -> dict:
    cmd = [sys.executable, "-m", "bench.reports_matrix", *args]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "1", *cmd]  # the measuring process on one core; the database server on the rest
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Inside the child process --------------------------------------------------------------------


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _seed() -> None:
    from accounts.models import Center, Role, Team, User
    from training.models import BusinessArea

    center = Center.objects.create(name="基准中心")
    teams = Team.objects.bulk_create(Team(center=center, name=f"班组{i:02d}") for i in range(TEAMS))
    User.objects.create(username="bench-manager", role=Role.MANAGER, center=center, full_name="主任")
    User.objects.bulk_create(
        User(username=f"c{i:04d}", full_name=f"职员{i:04d}", role=Role.STAFF, center=center, team=teams[i % TEAMS])
        for i in range(PEOPLE)
    )
    BusinessArea.objects.bulk_create(BusinessArea(code=f"a{i}", name=f"条线{i}", sort_order=i) for i in range(AREAS))


def generate(target: int) -> dict:
    """Grow the ledger to `target` rows in bulk SQL, then rebuild the tallies with one GROUP BY."""
    _setup()
    from django.db import connection, transaction

    from accounts.models import User
    from leaderboard.mastery import recency_weight
    from leaderboard.models import LedgerEntry
    from training.models import BusinessArea

    if not User.objects.filter(username="bench-manager").exists():
        _seed()
    staff = User.objects.filter(role="staff").order_by("pk")
    first_person, first_area = staff.first().pk, BusinessArea.objects.order_by("pk").first().pk
    center_id = staff.first().center_id
    first_team = staff.first().team_id  # teams were created together, people round-robin over them
    now = datetime.now(UTC)
    days = [
        (d, now - timedelta(days=d, hours=d % 7), recency_weight(now - timedelta(days=d, hours=d % 7)))
        for d in range(365)
    ]
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_days")
        at_type = "timestamptz" if vendor == "postgresql" else "datetime"
        cursor.execute(f"CREATE TABLE bench_days (d integer primary key, at {at_type}, w double precision)")
        cursor.executemany(
            "INSERT INTO bench_days (d, at, w) VALUES (%s, %s, %s)",
            [(d, connection.ops.adapt_datetimefield_value(at), w) for d, at, w in days],
        )
    have = LedgerEntry.objects.count()
    table = LedgerEntry._meta.db_table
    # A bulk load: drop the plain indexes, insert, build them again (maintaining four B-trees row by
    # row thrashed SQLite's page cache at 10M rows); the unique constraint's index stays.
    indexes = _plain_indexes(connection, table)
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -400000")  # 400 MB for this process only
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    while have < target:
        stop = min(target, have + CHUNK)
        series = (
            f"SELECT generate_series(CAST({have} AS bigint), {stop - 1}) AS x"
            if vendor == "postgresql"
            else f"WITH RECURSIVE s(x) AS (SELECT {have} UNION ALL SELECT x + 1 FROM s WHERE x < {stop - 1}) "
            "SELECT x FROM s"
        )
        mod = "%"  # no parameters are passed, so neither driver interpolates
        # x → person x mod 500, area (x div 500) mod 9, day (x · 7919) mod 365, score from a hash of x.
        # Every interpolated value is an integer of this module or a model's table name.
        sql = f"""
            INSERT INTO {table} (person_id, center_id, team_id, area_id, activity_kind, activity_id, title,
                                 score_ratio, points, occurred_at, recency_weight)
            SELECT {first_person} + (g.x {mod} {PEOPLE}), {center_id},
                   {first_team} + ((g.x {mod} {PEOPLE}) {mod} {TEAMS}),
                   {first_area} + ((g.x / {PEOPLE}) {mod} {AREAS}), 'exam', CAST(g.x AS varchar(20)), '',
                   ((g.x * 2654435761) {mod} 101) / 100.0, 10, d.at, d.w
            FROM ({series}) g JOIN bench_days d ON d.d = (g.x * 7919) {mod} 365
        """
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        have = stop
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM leaderboard_masterytally")
        cursor.execute(
            f"""INSERT INTO leaderboard_masterytally (person_id, area_id, weighted_sum, weight_sum, results, last_at)
                SELECT person_id, area_id, SUM(score_ratio * recency_weight), SUM(recency_weight), COUNT(*),
                       MAX(occurred_at)
                FROM {table} GROUP BY person_id, area_id"""
        )
        cursor.execute("DROP TABLE bench_days")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"rows": LedgerEntry.objects.count()}


def _plain_indexes(connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's non-unique indexes."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        else:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        rows = cursor.fetchall()
    return [(name, sql) for name, sql in rows if "UNIQUE" not in sql.upper()]


def _measure(fn) -> dict:
    import resource
    import time
    import tracemalloc

    from leaderboard.models import LedgerEntry

    fn()  # warm-up: imports, the database's caches
    times = []
    # At 10M rows one baseline call takes a minute or more on SQLite: one timed call per round there.
    rounds = ROUNDS if LedgerEntry.objects.count() < 5_000_000 else 1
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": statistics.median(times), "peak_mb": peak / 2**20, "rss_mb": rss}


def measure(what: str) -> dict:
    _setup()
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from leaderboard.models import LedgerEntry
    from reports.selectors import competency_matrix

    manager = User.objects.get(username="bench-manager")
    if what == "baseline":
        table = LedgerEntry._meta.db_table

        def fn():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT person_id, area_id, SUM(score_ratio * recency_weight), SUM(recency_weight), COUNT(*) "
                    f"FROM {table} GROUP BY person_id, area_id"
                )
                return cursor.fetchall()

    elif what in ("all", "90"):

        def fn():
            return competency_matrix(viewer=manager, now=timezone.now(), period=what)

    elif what == "page":
        from django.test import Client

        client = Client()
        client.force_login(manager)

        def fn():
            response = client.get("/reports/", HTTP_HOST="127.0.0.1")
            assert response.status_code == 200 and response.content.count(b'data-testid="cell"') == PEOPLE * AREAS
            return response

    else:
        raise SystemExit(f"unknown measurement {what}")
    return _measure(fn)


# --- The parent: environments, interleaving, the table --------------------------------------------

KINDS = [
    ("baseline", "基线：直接对成绩表做一次分组汇总"),
    ("all", "矩阵（全部，读掌握度汇总）"),
    ("90", "矩阵（近90天，汇总该时段成绩）"),
    ("page", "整页 /reports/（500 行渲染）"),
]


def _pg_admin(sql: str) -> None:
    base, _, name = PG_URL.rpartition("/")
    subprocess.run(["psql", f"{base}/postgres", "-qc", sql], check=True, capture_output=True)


def _bench_backend(label: str, extra: dict, done: list[dict], load) -> list[dict]:
    results = []
    with project_env(**extra) as env:
        env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
        for size in SIZES:
            _run(env, "generate", str(size))
            rounds: dict[str, list[dict]] = {kind: [] for kind, _ in KINDS}
            for _ in range(2 if size < 5_000_000 else 1):  # interleave: baseline, product, baseline, …
                for kind, _label in KINDS:
                    rounds[kind].append(_run(env, "measure", kind))
            row = {"backend": label, "rows": size}
            for kind, _label in KINDS:
                row[kind] = {
                    "seconds": statistics.median(r["seconds"] for r in rounds[kind]),
                    "peak_mb": max(r["peak_mb"] for r in rounds[kind]),
                    "rss_mb": max(r["rss_mb"] for r in rounds[kind]),
                }
            print(json.dumps(row), flush=True)
            results.append(row)
            done.append(row)
            _write(done, load)  # after each size, so a long run leaves what it measured
    return results


def main() -> None:
    load = os.getloadavg()
    done: list[dict] = []
    if "sqlite" in BACKENDS:
        _bench_backend("SQLite", {}, done, load)
    if "postgresql" in BACKENDS:
        name = PG_URL.rpartition("/")[2]
        _pg_admin(f"DROP DATABASE IF EXISTS {name}")
        _pg_admin(f"CREATE DATABASE {name}")
        try:
            _bench_backend("PostgreSQL", {"DATABASE_URL": PG_URL}, done, load)
        finally:
            _pg_admin(f"DROP DATABASE IF EXISTS {name}")


def _write(results: list[dict], load) -> None:
    lines = [
        "| backend | ledger rows | measured | time | × baseline | growth ×10 rows | peak traced memory "
        "| process peak RSS |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    by_key = {(r["backend"], r["rows"]): r for r in results}
    for r in results:
        for kind, label in KINDS:
            m = r[kind]
            smaller = by_key.get((r["backend"], r["rows"] // 10))
            growth = f"{m['seconds'] / smaller[kind]['seconds']:.2f}×" if smaller else "—"
            ratio = m["seconds"] / r["baseline"]["seconds"]
            lines.append(
                f"| {r['backend']} | {r['rows']:,} | {label} | {m['seconds'] * 1000:.0f} ms | {ratio:.3f} | {growth} | "
                f"{m['peak_mb']:.1f} MB | {m['rss_mb']:.0f} MB |"
            )
    body = f"""
{PEOPLE} clerks in {TEAMS} teams, {AREAS} business areas, one center; ledger rows spread evenly over
people and areas and over the last 365 days, generated in bulk SQL, tallies built by one GROUP BY.
Each figure: a fresh process pinned to core 1 (`taskset -c 1`), one warm-up, median of 3 calls
(1 call at 10,000,000 rows); two interleaved rounds of baseline and product (one at 10,000,000
rows), the median of their medians. The baseline is the least a report reading the ledger
directly must do: one grouped query (person × area sums) over every row. "growth ×10 rows"
compares with the same measurement at a tenth of the rows. Load average when the run began:
{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (the machine is shared; compare within a run).
Targets (issue 10): matrix ≤ 1 s and ≤ 200 MB at 1,000,000 rows.

{chr(10).join(lines)}
"""
    backends = " and ".join(dict.fromkeys(r["backend"] for r in results))
    write_section(f"Competency matrix at scale (reports, {backends})", body)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "generate":
        print(json.dumps(generate(int(sys.argv[2]))))
    elif command == "measure":
        print(json.dumps(measure(sys.argv[2])))
    else:
        raise SystemExit(f"unknown command {command}")
