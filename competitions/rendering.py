"""Frames for the three screens: HTML fragments keyed by the id of the element they fill.

A broadcast renders each screen's fragments once, from one GameState, and serialises each screen's
frame once (`build_frames`); the same text then goes to every socket of that screen's group, and
nothing else: a broadcast is one send per socket. What differs per phone (own result, points, rank)
travels inside that one frame: at reveal the play frame carries a compact table of every player's
result, indexed by the player's number (`seats_table`), and the phone's own script fills its corner
from its row with the texts of `me_texts`. A phone's own move is answered with its corner rendered
by `render_me` (a string format, no template), from the same texts.
"""

import json
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import WAGERS
from .selectors import GameState, PlayerView

HOST, SCREEN, PLAY = "host", "screen", "play"
ROLES = (HOST, SCREEN, PLAY)

FRAGMENTS = {
    HOST: {"host-controls": "host_controls", "host-stage": "host_stage", "host-roster": "host_roster"},
    SCREEN: {"screen-stage": "screen_stage", "screen-side": "screen_side"},
    PLAY: {"play-stage": "play_stage"},
}


def dumps(message: dict) -> str:
    """A frame as sent: UTF-8 JSON, no ASCII escapes (Chinese is about a tenth smaller)."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def _context(state: GameState, role: str) -> dict:
    return {
        "state": state,
        "competition": state.competition,
        "role": role,
        "server_now": timezone.localtime(state.at).isoformat(),
        "deadline": timezone.localtime(state.deadline).isoformat() if state.deadline else "",
        "paused_seconds": (state.competition.paused_remaining_ms or 0) // 1000,
        "wagers": WAGERS,
    }


def render_role(state: GameState, role: str) -> dict[str, str]:
    context = _context(state, role)
    html = {
        element_id: render_to_string(f"competitions/partials/{template}.html", context)
        for element_id, template in FRAGMENTS[role].items()
    }
    if role in (HOST, SCREEN):
        html.update(render_tally(state))
    return html


def render_tally(state) -> dict[str, str]:
    html = render_to_string("competitions/partials/tally.html", {"state": state, "competition": state.competition})
    return {"host-tally": html, "screen-tally": html}


def tally_frame(state) -> str:
    return dumps({"type": "tally", "v": state.competition.version, "html": render_tally(state)})


def lobby_count_frame(*, version: int, players: int) -> str:
    return dumps({"type": "tally", "v": version, "html": {"play-count": str(players)}})


@dataclass(frozen=True)
class Frame:
    """One screen's frame of one version: the text every socket of the screen gets, as it is sent."""

    version: int
    text: str
    gq: int
    deadline: str
    revealed: bool = False  # play: the text carries the table of results (`seats`)
    removed: frozenset[int] = frozenset()
    players: int = 0

    def event(self, role: str) -> dict:
        return {
            "type": "game.frame",
            "role": role,
            "v": self.version,
            "text": self.text,
            "gq": self.gq,
            "deadline": self.deadline,
            "revealed": self.revealed,
            "removed": list(self.removed),
            "players": self.players,
        }

    @classmethod
    def from_event(cls, event: dict) -> "Frame":
        return cls(
            version=event["v"],
            text=event["text"],
            gq=event["gq"],
            deadline=event["deadline"],
            revealed=event["revealed"],
            removed=frozenset(event["removed"]),
            players=event["players"],
        )


SEAT_FIELDS = 3  # score, points, outcome


def seats_table(state: GameState) -> list[int | None]:
    """The reveal's results for the phones, flat and indexed by Player.number: seat k's score,
    the points of this question and its outcome (0 no answer, 1 wrong, 2 right) are at
    3k, 3k+1 and 3k+2; a seat without an active player is null. About 9 bytes a player: the
    phone reads its own row and counts the higher scores for its rank."""
    if not state.results:
        return []
    table: list[int | None] = [None] * (SEAT_FIELDS * (1 + max(r["number"] for r in state.results.values())))
    for r in state.results.values():
        k = SEAT_FIELDS * r["number"]
        table[k : k + SEAT_FIELDS] = [r["score"], r["points"], (2 if r["correct"] else 1) if r["answered"] else 0]
    return table


def result_from_row(row: list[int], rank: int) -> dict:
    score, points, outcome = row
    return {"score": score, "rank": rank, "answered": outcome > 0, "correct": outcome == 2, "points": points}


def frames_for(state: GameState, *, roles=ROLES) -> dict[str, Frame]:
    version = state.competition.version
    gq = state.current.pk if state.current else 0
    deadline = state.deadline.isoformat() if state.deadline else ""
    frames = {}
    for role in roles:
        if role == PLAY:
            # The phone's script needs the question (a new one clears its corner), the number of
            # players (its rank is "of n") and, once revealed, the table of results.
            seats = seats_table(state)
            message = {"type": "state", "v": version, "gq": gq, "n": state.players, "html": render_role(state, role)}
            if seats:
                message["seats"] = seats
            frames[role] = Frame(
                version,
                dumps(message),
                gq,
                deadline,
                revealed=bool(seats),
                removed=frozenset(state.removed_ids),
                players=state.players,
            )
        else:
            text = dumps({"type": "state", "v": version, "html": render_role(state, role)})
            frames[role] = Frame(version, text, gq, deadline)
    return frames


def build_frames(*, competition_id: int, at, roles=ROLES) -> dict[str, Frame]:
    """One state read, one render and one serialisation per screen."""
    from .selectors.state import game_state

    return frames_for(game_state(competition_id=competition_id, at=at), roles=roles)


# --- A phone's own corner -------------------------------------------------------------------


def me_texts() -> dict[str, str]:
    """The corner's texts, translated: render_me formats them on the server, and the phone's script
    (static/js/live.js) formats the same ones at reveal, from the table (the play page carries them)."""
    return {
        "right": _("回答正确 +%(p)s"),
        "wrong": _("回答错误 %(p)s"),
        "silent": _("未作答 %(p)s"),
        "false_start_cost": _("抢跑扣分"),
        "none": _("本题未作答"),
        "your_answer": _("你的答案：%(a)s"),
        "false_start": _("抢跑！已扣分，本题不能再抢"),
        "won": _("你抢到了答题权，请作答"),
        "late": _("慢了一步，已被抢答"),
        "submitted": _("已提交：%(a)s，等待揭晓"),
        "wagered": _("已选分值 %(w)s"),
        "wager": _("分值 %(w)s"),
        "score": _("%(score)s 分"),
        "rank": _("第 %(rank)s 名 / %(n)s"),
    }


def _span(css: str, text: str, testid: str = "") -> str:
    attr = f' data-testid="{testid}"' if testid else ""
    return f'<span class="{css}"{attr}>{escape(text)}</span>'


def render_me(view: PlayerView) -> dict[str, str]:
    """The corner as the phone's script draws it at reveal: keep the two in step (live.js `reveal`)."""
    t = me_texts()
    result = view.result
    parts = []
    if result:
        if result["answered"]:
            if result["correct"]:
                parts.append(_span("fb ok", t["right"] % {"p": result["points"]}))
            else:
                parts.append(_span("fb bad", t["wrong"] % {"p": result["points"]}))
        elif result["points"]:
            parts.append(_span("fb bad", t["silent"] % {"p": result["points"]}))
        elif view.buzz == "false_start":
            parts.append(_span("fb bad", t["false_start_cost"]))
        else:
            parts.append(_span("fb", t["none"]))
        if view.answered:
            parts.append(_span("muted", t["your_answer"] % {"a": view.answered}, "my-answer"))
    elif view.buzz == "false_start":
        parts.append(_span("fb bad", t["false_start"]))
    elif view.buzz == "won" and not view.answered:
        parts.append(_span("fb ok", t["won"]))
    elif view.buzz == "late":
        parts.append(_span("fb", t["late"]))
    elif view.answered:
        parts.append(_span("fb", t["submitted"] % {"a": view.answered}))
    elif view.wager:
        parts.append(_span("fb", t["wagered"] % {"w": view.wager}))
    if view.wager and view.answered:
        parts.append(_span("badge badge-warn", t["wager"] % {"w": view.wager}))
    team = f' <span class="badge">{escape(view.team)}</span>' if view.team else ""
    rank = _span("me-rank", t["rank"] % {"rank": view.rank, "n": view.players}, "my-rank") if view.rank else ""
    html = (
        f'<div class="me card" data-me data-testid="me" data-gq="{view.game_question_id}"'
        f' data-answered="{escape(view.answered)}" data-wager="{view.wager or ""}" data-buzz="{escape(view.buzz)}"'
        f' data-result="{"1" if result else ""}" data-rank="{view.rank or ""}">'
        f'<div class="me-who"><strong>{escape(view.name)}</strong>{team}</div>'
        f'<div class="me-stats">{_span("me-score", t["score"] % {"score": view.score}, "my-score")}{rank}</div>'
        f'<div class="me-now" data-testid="my-status">{"".join(parts)}</div></div>'
    )
    return {"play-me": html}
