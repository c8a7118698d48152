"""Reads for live games, by concern: game state (state.py), who may see what (permissions.py),
the report after the game (report.py), who a socket is and a player's own corner (seat.py)."""

from .permissions import can_view_results, competitions_for, find_by_code, is_host, played_in
from .report import HARD_POINT_BELOW, MyAnswer, QuestionReport, my_results, question_report
from .seat import PlayerView, Seat, phone_snapshot, player_corner, player_view, seat_for, version_of
from .state import LOBBY_NAMES, GameState, OptionView, Row, game_state, ranked, roster, tally, team_rows

__all__ = [
    "HARD_POINT_BELOW",
    "LOBBY_NAMES",
    "GameState",
    "MyAnswer",
    "OptionView",
    "PlayerView",
    "QuestionReport",
    "Row",
    "Seat",
    "can_view_results",
    "competitions_for",
    "find_by_code",
    "game_state",
    "is_host",
    "my_results",
    "played_in",
    "phone_snapshot",
    "player_corner",
    "player_view",
    "question_report",
    "ranked",
    "roster",
    "seat_for",
    "tally",
    "team_rows",
    "version_of",
]
