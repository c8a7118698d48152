"""Property tests (hypothesis) for every message type of the game socket, from every seat.

For any sequence of messages (well-formed, damaged or random; every type the consumer knows and some it
does not): no exception escapes the consumer (the socket stays open and answers `sync` with the full
state), every refusal is an error reply with a code and a message, and a sequence refused throughout
writes nothing (answers, wagers, buzzes, removals, the game's phase).
"""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competitions import services
from competitions.consumers import GameConsumer
from competitions.models import Answer, Buzz, Competition, Player, RoundKind, Wager
from tests.competitions.factories import join_players, make_game
from tests.competitions.test_consumers import open_socket
from tests.quizzes.factories import make_question

pytestmark = pytest.mark.django_db(transaction=True)

CURRENT = "@current-question@"
# Every type any seat's consumer dispatches, plus a few it must not.
TYPES = sorted({"sync", "answer", "buzz", "wager", "remove", *GameConsumer.host_actions, "hack", "", "SYNC"})
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELD_VALUES = st.one_of(
    JSON,
    st.lists(st.sampled_from(["A", "B", "C", "D", "a", "AB", "", "中"]), max_size=8),
    st.sampled_from([0, -1, 1, 2**31, 2**63, 10, 20, 30, True, "1", None]),
    st.just(CURRENT),  # replaced by the id of the question on the screen: reaches the services' own rules
)
MESSAGES = st.one_of(
    st.fixed_dictionaries(
        {"type": st.sampled_from(TYPES)},
        optional={name: FIELD_VALUES for name in ("gq", "labels", "text", "amount", "player")},
    ).map(json.dumps),
    JSON.map(json.dumps),
    st.text(min_size=1, max_size=60),  # (the test client cannot send an empty frame)
    st.just("长" * 3000),
)


@sync_to_async
def snapshot(game) -> tuple:
    competition = Competition.objects.get(pk=game.pk)
    current = competition.current
    return (
        Answer.objects.filter(game_question__competition=game).count(),
        Wager.objects.filter(game_question__competition=game).count(),
        Buzz.objects.filter(game_question__competition=game).count(),
        Player.objects.filter(competition=game, removed_at__isnull=False).count(),
        competition.status,
        competition.current_id,
        current.phase if current else None,
    )


async def play(user, game, seat: str, messages: list[str]) -> None:
    before = await snapshot(game)
    socket, connected = await open_socket(user, game.code, seat)
    assert connected
    try:
        assert (await socket.receive_json_from(timeout=5))["type"] == "state"
        replies = []
        current = (await snapshot(game))[5]
        for text in messages:
            await socket.send_to(text_data=text.replace(f'"{CURRENT}"', str(current)))
            await socket.send_json_to({"type": "sync"})
            while True:  # everything up to the answer to our sync
                reply = await socket.receive_json_from(timeout=5)
                replies.append(reply)
                if reply["type"] == "state":
                    break
        errors = [reply for reply in replies if reply["type"] == "error"]
        assert all(reply.get("code") and str(reply.get("message", "")).strip() for reply in errors)
        if len(errors) == len(messages):  # every message refused: nothing may have changed
            assert await snapshot(game) == before
    finally:
        await socket.disconnect()


@pytest.fixture
def game(db, monkeypatch):
    monkeypatch.setattr(GameConsumer, "BURST", 1000)  # about content, not rate (the rate has its own tests)
    rounds = [
        (RoundKind.REQUIRED, [make_question(), make_question()]),
        (RoundKind.BUZZER, [make_question()]),
        (RoundKind.RISK, [make_question()]),
    ]
    game = make_game(rounds=rounds, seconds=600)
    players = join_players(game, 2)
    from django.utils import timezone

    services.start(competition_id=game.pk, at=timezone.now())
    services.open_question(competition_id=game.pk, at=timezone.now())
    return game, players


SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@SETTINGS
@given(messages=st.lists(MESSAGES, min_size=1, max_size=6))
def test_any_messages_from_a_phone(game, messages):
    competition, (player, _other) = game
    asyncio.run(play(player.user, competition, "play", messages))


@SETTINGS
@given(messages=st.lists(MESSAGES, min_size=1, max_size=6))
def test_any_messages_from_the_host(game, messages):
    competition, _players = game
    asyncio.run(play(competition.host, competition, "host", messages))


@SETTINGS
@given(messages=st.lists(MESSAGES, min_size=1, max_size=6))
def test_any_messages_from_the_big_screen(game, messages):
    competition, _players = game
    asyncio.run(play(competition.host, competition, "screen", messages))
