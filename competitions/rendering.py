"""Frames for the three screens: HTML fragments keyed by the id of the element they fill.

A broadcast renders each screen's fragments once, from one GameState, and serialises each screen's
frame once (`build_frames`); the same text then goes to every socket of that screen's group. What
differs per phone (own answer, points, rank) is not in the shared frame: at reveal the play frame
carries a compact table of every player's result, which each phone's consumer looks up (parsed once
per process) to send that phone a small personal "me" frame, formatted by `render_me` without a
template.
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
    results: str = ""  # play: the compact table of every player's result, JSON, once revealed
    removed: tuple[int, ...] = ()
    players: int = 0

    def event(self, role: str) -> dict:
        return {
            "type": "game.frame",
            "role": role,
            "v": self.version,
            "text": self.text,
            "gq": self.gq,
            "deadline": self.deadline,
            "results": self.results,
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
            results=event["results"],
            removed=tuple(event["removed"]),
            players=event["players"],
        )


def results_table(state: GameState) -> str:
    """{player id: [score, rank, answered, correct, points]}: about 25 bytes a player."""
    if not state.results:
        return ""
    return dumps(
        {
            str(pid): [r["score"], r["rank"], int(r["answered"]), int(r["correct"]), r["points"]]
            for pid, r in state.results.items()
        }
    )


def result_from_table(row: list) -> dict:
    score, rank, answered, correct, points = row
    return {"score": score, "rank": rank, "answered": bool(answered), "correct": bool(correct), "points": points}


def frames_for(state: GameState, *, roles=ROLES) -> dict[str, Frame]:
    version = state.competition.version
    gq = state.current.pk if state.current else 0
    deadline = state.deadline.isoformat() if state.deadline else ""
    frames = {}
    for role in roles:
        text = dumps({"type": "state", "v": version, "html": render_role(state, role)})
        if role == PLAY:
            frames[role] = Frame(
                version,
                text,
                gq,
                deadline,
                results=results_table(state),
                removed=tuple(state.removed_ids),
                players=state.players,
            )
        else:
            frames[role] = Frame(version, text, gq, deadline)
    return frames


def build_frames(*, competition_id: int, at, roles=ROLES) -> dict[str, Frame]:
    """One state read, one render and one serialisation per screen."""
    from .selectors.state import game_state

    return frames_for(game_state(competition_id=competition_id, at=at), roles=roles)


# --- A phone's own corner, formatted without a template (it is sent to each phone) -----------


def _span(css: str, text: str, testid: str = "") -> str:
    attr = f' data-testid="{testid}"' if testid else ""
    return f'<span class="{css}"{attr}>{escape(text)}</span>'


def render_me(view: PlayerView) -> dict[str, str]:
    result = view.result
    parts = []
    if result:
        if result["answered"]:
            if result["correct"]:
                parts.append(_span("fb ok", _("回答正确 +%(p)s") % {"p": result["points"]}))
            else:
                parts.append(_span("fb bad", _("回答错误 %(p)s") % {"p": result["points"]}))
        elif result["points"]:
            parts.append(_span("fb bad", _("未作答 %(p)s") % {"p": result["points"]}))
        elif view.buzz == "false_start":
            parts.append(_span("fb bad", _("抢跑扣分")))
        else:
            parts.append(_span("fb", _("本题未作答")))
        if view.answered:
            parts.append(_span("muted", _("你的答案：%(a)s") % {"a": view.answered}, "my-answer"))
    elif view.buzz == "false_start":
        parts.append(_span("fb bad", _("抢跑！已扣分，本题不能再抢")))
    elif view.buzz == "won" and not view.answered:
        parts.append(_span("fb ok", _("你抢到了答题权，请作答")))
    elif view.buzz == "late":
        parts.append(_span("fb", _("慢了一步，已被抢答")))
    elif view.answered:
        parts.append(_span("fb", _("已提交：%(a)s，等待揭晓") % {"a": view.answered}))
    elif view.wager:
        parts.append(_span("fb", _("已选分值 %(w)s") % {"w": view.wager}))
    if view.wager and view.answered:
        parts.append(_span("badge badge-warn", _("分值 %(w)s") % {"w": view.wager}))
    team = f' <span class="badge">{escape(view.team)}</span>' if view.team else ""
    rank = (
        _span("me-rank", _("第 %(rank)s 名 / %(n)s") % {"rank": view.rank, "n": view.players}, "my-rank")
        if view.rank
        else ""
    )
    html = (
        f'<div class="me card" data-me data-testid="me" data-answered="{escape(view.answered)}"'
        f' data-wager="{view.wager or ""}" data-buzz="{escape(view.buzz)}" data-result="{"1" if result else ""}">'
        f'<div class="me-who"><strong>{escape(view.name)}</strong>{team}</div>'
        f'<div class="me-stats">{_span("me-score", _("%(score)s 分") % {"score": view.score}, "my-score")}{rank}</div>'
        f'<div class="me-now" data-testid="my-status">{"".join(parts)}</div></div>'
    )
    return {"play-me": html}
