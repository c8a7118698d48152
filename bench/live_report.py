"""The live drill benchmark's section of docs/benchmarks.md: tables of ratios, and what they show."""

LATENCY = (
    "ack p50",
    "ack p95",
    "fan-out p50",
    "fan-out p95",
    "fan-out, last phone",
    "reveal, last phone",
    "server CPU per answer",
)
SHAPE = (
    "frames per phone",
    "bytes per phone",
    "as UTF-8 JSON",
    "host frames",
    "host tally frames",
    "screen tally frames",
    "answers",
    "server memory per socket",
)


def header(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |\n|" + " --- |" * len(cells)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}×" if base else "–"


def report(
    rooms: list[dict],
    same_n: dict,
    variants: dict[str, dict | None],
    *,
    load: str,
    questions: int,
    spread: float,
    at_once: int,
) -> str:
    base = rooms[0]
    keys = ("ack_p50", "ack_p95", "fan_p50", "fan_p95", "fan_last", "reveal_last", "cpu_per_answer", "fill")
    rows = "\n".join(
        f"| {r['n']} | " + " | ".join(ratio(r[k], base[k]) for k in keys) + f" | {r['n'] / base['n']:.0f}× |"
        for r in rooms
    )
    shape = "\n".join(
        f"| {r['n']} | {r['player_frames']:.0f} (max {r['player_frames_max']}) | {r['player_bytes'] / 1024:.1f} KiB "
        f"| {r['player_bytes_utf8'] / 1024:.1f} KiB | {r['host_frames']:.0f} | {r['tally_host']:.0f} "
        f"| {r['tally_screen']:.0f} | {r['n']} | {r['rss_per_socket']:.0f} KiB |"
        for r in rooms
    )
    text = f"""
One uvicorn process as `make run` starts it (SQLite, in-memory channel layer), loopback, the
clients in one asyncio process on the same 2 cores. Per room size N: N players' sockets plus the
host console and the big screen; the host socket drives {questions} 必答 questions (start, open,
reveal, next, end). Each player answers once per question at a random moment within
{spread:.0f} s of seeing it (≈ N/{spread:.0f} answers a second); the last answer closes the question.
One run per size; the baseline is the smallest room, measured in the same run. Load average when
the run began: {load} (other work on the machine moves absolute figures; compare within a run).

{header("N", *LATENCY, "room fill time", "players")}
{rows}

Baseline (N = {base["n"]}) in this run: acknowledgement p50 {ms(base["ack_p50"])}, p95 {ms(base["ack_p95"])};
"open" → question on a phone p50 {ms(base["fan_p50"])}, p95 {ms(base["fan_p95"])}, last phone {ms(base["fan_last"])};
"reveal" → result on the last phone {ms(base["reveal_last"])}; server CPU {ms(base["cpu_per_answer"])} per answer
(everything the server did during a question, divided by its answers); {base["fill"]:.1f} s to connect
the room ({at_once} handshakes at a time). Fan-out is measured from the host sending "open" to each
phone receiving the question frame; "last phone" is the median over the questions of the slowest phone.

What each screen receives per question (medians; absolute counts, not ratios):

{header("N", *SHAPE)}
{shape}
"""
    variants = {name: room for name, room in variants.items() if room}
    skeys = ("ack_p50", "ack_p95", "fan_p50", "fan_p95", "fan_last", "reveal_last", "cpu_per_answer")
    vrows = "\n".join(
        f"| {name} | " + " | ".join(ratio(room[k], same_n[k]) for k in skeys) + " |" for name, room in variants.items()
    )
    absolute = "; ".join(
        f"{name}: ack p50 {ms(room['ack_p50'])}, p95 {ms(room['ack_p95'])}, fan-out p95 {ms(room['fan_p95'])}, "
        f"CPU {ms(room['cpu_per_answer'])} per answer"
        for name, room in [("default", same_n), *variants.items()]
    )
    text += f"""
The largest room again, changed in one respect each, as ratios against the default above at the same
N = {same_n["n"]} (one uvicorn process each):

{header("path", *LATENCY)}
| default: SQLite, in-memory layer, DB_CONN_MAX_AGE=0 | {" | ".join(["1.00×"] * len(LATENCY))} |
{vrows}

Absolute, N = {same_n["n"]}: {absolute}.
"""
    if "PostgreSQL + Redis" not in variants:
        text += "\nThe scale-out row is missing: PostgreSQL (5432) or Redis (6379) was not reachable.\n"
    return text


FINDINGS = """
### What the figures show

- **The shape holds.** A phone receives exactly 5 frames per 必答 question at every N (open, its own
  ack, close, reveal, next; the maximum equals the median): one frame per player per broadcast, no
  storm after each answer, and about 7.5 KiB per phone per question whatever the size of the room.
  The host console and the big screen receive 3 tally frames per question whether 50 or 200 answers
  arrive: "N answered" is throttled as designed. Bytes are the JSON text before permessage-deflate
  (uvicorn and browsers negotiate it, so the wire carries less). Channels' `send_json` escapes every
  Chinese character as `\\uXXXX`; as UTF-8 JSON the same messages are about 9% smaller (minor).
- **The embedded default holds 200 players** answering within 2 s on one process: the
  acknowledgement p95 stays around a tenth of a second and the question reaches the last phone
  within a tenth to a fifth of a second. Server CPU per answer does not grow with N (everything the server does in a
  question, divided by its answers), so one process on this machine has a ceiling of roughly one
  core ÷ that figure answers a second; 200 players answering inside 2 s is close to it, which is
  why the p95 figures grow faster than the room.
- **Memory**: about 160 KiB of server RSS per connected phone (≈ 32 MiB for 200).

### Problems found

1. **Every database hop of a consumer opened a new database connection** (fixed for PostgreSQL).
   `DB_CONN_MAX_AGE` defaults to 0, and Channels' `database_sync_to_async` runs
   `close_old_connections()` before and after each call, so each hop connects afresh. On PostgreSQL
   each connect forks a backend: the first run of this benchmark (2026-11-25, before the fix) put the
   200-player acknowledgement p50 at about 40× the embedded default, most of a second. Django's
   documentation advises against persistent connections under ASGI, so config/settings.py now turns
   on Django's own PostgreSQL pool (`OPTIONS["pool"]`, psycopg's pool; `DB_POOL=0` turns it off) and
   the pooled row above is back within a small factor of the embedded figure. On SQLite a connect is
   cheap but not free: a py-spy profile still put about a quarter of the server's samples in opening
   and closing SQLite connections (the kept-connection row shows the prize); Django has no pool for
   SQLite, and `CONN_MAX_AGE` leaks connections under ASGI, so that stays as it is.
2. **Each answer takes two hops, not one.** `GameConsumer.receive_json` runs `advance_if_overdue`
   (`services.has_overdue`, its own hop and so its own connection) before `services.submit_answer`
   (a second hop), about a tenth of the profile. `submit_answer` already locks the rows and refuses
   an answer past the deadline; the overdue check for a player's move could run inside the same
   hop (or only on connect and on the timers), halving the connections per answer.
3. **The in-memory channel layer deep-copies every group message once per member.**
   `InMemoryChannelLayer.send` does `deepcopy(message)`, so a broadcast to the play group copies
   the rendered HTML and, at reveal, the results dict of every player, once per phone: O(N²) work
   in one process (about 9% of the profile). It is why "reveal, last phone" grows faster than N on
   the embedded path, and why it is lower on the Redis path at the same N. The docs' plan to send
   each player's result as its own message past ~1,000 players also removes this.
4. **A phone's (re)connect rendered all three screens** (fixed). `send_full_state` called
   `rendering.build_broadcast`, which rendered the host console (with the roster of every player),
   the big screen and the phone, and kept only its own role's fragments. It now renders the
   connecting role only (`roles=(self.role,)`); `player_view` still runs four queries and the
   state read is O(N) in players, so "room fill time" still grows somewhat faster than N: a
   Wi-Fi blip that reconnects 200 phones at once keeps one process busy for a while.
5. At 200 players each host-console broadcast carries about 60 KB (the whole roster re-rendered),
   8 frames a question; harmless on a hall's LAN, worth a look past a few hundred players.
"""
