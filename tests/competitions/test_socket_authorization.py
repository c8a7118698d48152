"""The game socket, message by message: a seat's messages act on its own game and nothing else.

test_consumers.py covers the gates (anonymous, foreign origin, the wrong seat), bad and oversized
messages and flooding; these close the remaining gaps of the security review: the big screen sending
host moves, a host of one drill reaching into another, a phone answering another drill's question,
and a removed player whose socket is still open.
"""

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from competitions import services
from competitions.models import Answer, Competition, Player
from tests.competitions.test_consumers import (
    count,
    current_id,
    game_with_players,
    host_move,
    is_error,
    open_socket,
    receive_until,
)

pytestmark = pytest.mark.django_db(transaction=True)


@sync_to_async
def host_of(game):
    return Competition.objects.get(pk=game.pk).host


@sync_to_async
def status_of(game) -> str:
    return Competition.objects.get(pk=game.pk).status


async def test_the_big_screen_cannot_send_host_moves():
    game, _players = await game_with_players(1)
    screen, connected = await open_socket(await host_of(game), game.code, "screen")
    assert connected
    await screen.receive_json_from()
    for move in ("start", "open", "reveal", "next", "end"):
        await screen.send_json_to({"type": move})
        assert (await receive_until(screen, lambda m: m["type"] == "error"))["code"] == "unknown_type"
    await screen.send_json_to({"type": "remove", "player": _players[0].pk})
    assert (await receive_until(screen, lambda m: m["type"] == "error"))["code"] == "unknown_type"
    assert await status_of(game) == "lobby"
    assert await count(Player, competition_id=game.pk, removed_at__isnull=False) == 0
    await screen.disconnect()


async def test_a_host_cannot_remove_a_player_of_another_drill():
    game_a, _ = await game_with_players(1)
    game_b, (victim,) = await game_with_players(1)
    console, _ = await open_socket(await host_of(game_a), game_a.code, "host")
    await console.receive_json_from()
    await console.send_json_to({"type": "remove", "player": victim.pk})
    refusal = await receive_until(console, lambda m: m["type"] == "error")
    assert "没有这位选手" in refusal["message"]
    assert await count(Player, pk=victim.pk, removed_at__isnull=True) == 1
    # Host moves go to the console's own drill only: starting A leaves B in its lobby.
    await console.send_json_to({"type": "start"})
    await receive_until(console, lambda m: m["type"] == "state")
    assert await status_of(game_b) == "lobby"
    await console.disconnect()


async def test_a_player_cannot_answer_a_question_of_another_drill():
    game_a, (player,) = await game_with_players(1)
    game_b, _ = await game_with_players(1)
    for game in (game_a, game_b):
        await host_move(game, "start")
        await host_move(game, "open_question")
    phone, _ = await open_socket(player.user, game_a.code, "play")
    await phone.receive_json_from()
    await phone.send_json_to({"type": "answer", "gq": await current_id(game_b), "labels": ["A"]})
    assert (await receive_until(phone, is_error("not_open")))["code"] == "not_open"
    await phone.send_json_to({"type": "buzz", "gq": await current_id(game_b)})
    await receive_until(phone, lambda m: m["type"] == "error")
    assert await count(Answer) == 0
    await phone.disconnect()


async def test_a_removed_player_whose_socket_is_still_open_cannot_answer():
    """The removal reached the database but not (yet) this worker's socket: the service refuses."""
    game, (player, _other) = await game_with_players(2)
    await host_move(game, "start")
    await host_move(game, "open_question")
    phone, _ = await open_socket(player.user, game.code, "play")
    await phone.receive_json_from()
    await sync_to_async(services.remove_player)(competition_id=game.pk, player_id=player.pk, at=timezone.now())
    await phone.send_json_to({"type": "answer", "gq": await current_id(game), "labels": ["A"]})
    assert (await receive_until(phone, lambda m: m["type"] == "error"))["code"] == "removed"
    assert await count(Answer) == 0
    await phone.disconnect()
