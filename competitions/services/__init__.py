"""The live game's state machine: every move is a transaction on rows locked for update.

Time is passed in (`at`), and it is always the server's time of receipt. A move that is not
allowed raises Refused with a message for the person who tried it; nothing is written then.
setup: create and join; host: the host's moves and the server's clock; play: the players' moves.
"""

from .base import OPEN_PHASES, WAGER_SECONDS, Refused
from .host import (
    HOST_EXPIRY_SECONDS,
    HOST_HEARTBEAT_SECONDS,
    advance_overdue,
    close_question,
    finish,
    has_overdue,
    host_left,
    host_present,
    host_seen,
    host_still_here,
    next_question,
    open_buzzing,
    open_question,
    pause,
    pause_if_host_gone,
    remove_player,
    resume,
    reveal,
    start,
)
from .play import Ack, buzz, place_wager, submit_answer
from .setup import Draw, RoundSpec, Settings, create_competition, join

__all__ = [
    "HOST_EXPIRY_SECONDS",
    "HOST_HEARTBEAT_SECONDS",
    "OPEN_PHASES",
    "WAGER_SECONDS",
    "Ack",
    "Draw",
    "Refused",
    "RoundSpec",
    "Settings",
    "advance_overdue",
    "buzz",
    "close_question",
    "create_competition",
    "finish",
    "has_overdue",
    "host_left",
    "host_still_here",
    "host_present",
    "host_seen",
    "pause_if_host_gone",
    "join",
    "next_question",
    "open_buzzing",
    "open_question",
    "pause",
    "place_wager",
    "remove_player",
    "resume",
    "reveal",
    "start",
    "submit_answer",
]
