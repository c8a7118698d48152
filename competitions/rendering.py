"""HTML fragments for the three screens, keyed by the id of the element they fill.

A broadcast renders each screen's fragments once, from one GameState, and sends the same
HTML to every socket of that screen's group; only the small "me" corner of a phone is
rendered per player, from data that travelled in the broadcast (no query per player).
"""

from dataclasses import asdict

from django.template.loader import render_to_string
from django.utils import timezone

from .models import WAGERS
from .selectors import GameState, PlayerView

HOST, SCREEN, PLAY = "host", "screen", "play"
ROLES = (HOST, SCREEN, PLAY)

FRAGMENTS = {
    HOST: {"host-controls": "host_controls", "host-stage": "host_stage", "host-roster": "host_roster"},
    SCREEN: {"screen-stage": "screen_stage", "screen-side": "screen_side"},
    PLAY: {"play-stage": "play_stage"},
}


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
    return {
        element_id: render_to_string(f"competitions/partials/{template}.html", context)
        for element_id, template in FRAGMENTS[role].items()
    }


def render_tally(state: GameState) -> dict[str, str]:
    html = render_to_string("competitions/partials/tally.html", {"state": state, "competition": state.competition})
    return {"host-tally": html, "screen-tally": html}


def render_me(view: PlayerView) -> dict[str, str]:
    return {"play-me": render_to_string("competitions/partials/play_me.html", {"me": view})}


def results_payload(state: GameState) -> dict[str, dict]:
    """Per-player results as plain JSON for the channel layer (keys must be strings)."""
    return {str(player_id): result for player_id, result in state.results.items()}


def view_payload(view: PlayerView) -> dict:
    return asdict(view)


def build_broadcast(*, competition_id: int, at, roles=ROLES) -> tuple[GameState, dict[str, dict]]:
    """One state read and one render per screen: what each role's group is sent.

    A (re)connecting screen asks for its own role only, so 200 phones coming back after a Wi-Fi
    blip do not each render the host console's roster (bench/live_drill.py, "room fill time").
    """
    from .selectors import game_state

    state = game_state(competition_id=competition_id, at=at)
    return state, broadcast_payloads(state, roles=roles)


def broadcast_payloads(state: GameState, *, roles=ROLES) -> dict[str, dict]:
    common = {
        "gq": state.current.pk if state.current else 0,
        "deadline": state.deadline.isoformat() if state.deadline else "",
        "status": state.competition.status,
    }
    payloads = {role: {**common, "html": render_role(state, role)} for role in roles}
    for role in {HOST, SCREEN} & set(roles):
        payloads[role]["html"].update(render_tally(state))
    if PLAY in payloads:
        payloads[PLAY].update(
            results=results_payload(state),
            removed=state.removed_ids,
            players=state.players,
        )
    return payloads
