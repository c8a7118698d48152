"""The game socket: who may connect, what a bad or greedy socket gets, and the server's authority."""

import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from competitions import services
from competitions.consumers import GameConsumer
from competitions.models import Answer, Competition, GameQuestion, Player, Wager
from config.asgi import application
from tests.competitions.factories import join_players, make_game
from tests.conftest import make_user

ORIGIN = (b"origin", b"http://127.0.0.1")
pytestmark = pytest.mark.django_db(transaction=True)


def cookie_for(user) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode())


async def open_socket(user, code: str, role: str, origin=ORIGIN):
    headers = [origin]
    if user is not None:
        headers.append(await sync_to_async(cookie_for)(user))
    communicator = WebsocketCommunicator(application, f"/ws/competitions/{code}/{role}/", headers=headers)
    connected, _code = await communicator.connect()
    return communicator, connected


async def receive_until(communicator, predicate, timeout=5):
    """Skip messages until one matches (a state push may come before the reply we want)."""
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if predicate(message):
            return message


def is_error(code):
    return lambda m: m["type"] == "error" and m["code"] == code


def html_of(message) -> str:
    return " ".join(message.get("html", {}).values())


@sync_to_async
def game_with_players(n=2, **kwargs):
    game = make_game(**kwargs)
    players = join_players(game, n)
    return game, players


@sync_to_async
def host_move(game, move, **kwargs):
    getattr(services, move)(competition_id=game.pk, at=timezone.now(), **kwargs)


@sync_to_async
def count(model, **filters):
    return model.objects.filter(**filters).count()


@sync_to_async
def current_id(game) -> int:
    return Competition.objects.get(pk=game.pk).current_id


# --- Gates --------------------------------------------------------------------------------


async def test_anonymous_and_foreign_origin_sockets_are_refused():
    game, (player,) = await game_with_players(1)
    anonymous, connected = await open_socket(None, game.code, "play")
    assert not connected
    foreign, connected = await open_socket(player.user, game.code, "play", origin=(b"origin", b"http://evil.example"))
    assert not connected
    for communicator in (anonymous, foreign):
        await communicator.disconnect()


async def test_only_players_play_and_only_the_host_hosts_or_shows_the_big_screen():
    game, (player,) = await game_with_players(1)
    stranger = await sync_to_async(make_user)(Role.STAFF)
    other_supervisor = await sync_to_async(make_user)(Role.SUPERVISOR)
    refused = [
        await open_socket(stranger, game.code, "play"),
        await open_socket(player.user, game.code, "host"),
        await open_socket(player.user, game.code, "screen"),
        await open_socket(other_supervisor, game.code, "host"),
        await open_socket(player.user, "999999", "play"),
    ]
    assert [connected for _c, connected in refused] == [False] * 5
    host = await sync_to_async(lambda: Competition.objects.get(pk=game.pk).host)()
    accepted = [await open_socket(player.user, game.code, "play"), await open_socket(host, game.code, "screen")]
    assert [connected for _c, connected in accepted] == [True, True]
    for communicator, _connected in refused + accepted:
        await communicator.disconnect()


async def test_a_removed_player_is_closed_and_cannot_come_back():
    game, (player, other) = await game_with_players(2)
    phone, _ = await open_socket(player.user, game.code, "play")
    await phone.receive_json_from()
    host = await sync_to_async(lambda: Competition.objects.get(pk=game.pk).host)()
    console, _ = await open_socket(host, game.code, "host")
    await console.receive_json_from()
    await console.send_json_to({"type": "remove", "player": player.pk})
    removed = await receive_until(phone, lambda m: m["type"] == "removed")
    assert "移出" in removed["message"]
    assert (await phone.receive_output(timeout=2))["type"] == "websocket.close"
    again, connected = await open_socket(player.user, game.code, "play")
    assert not connected
    for communicator in (console, again):
        await communicator.disconnect()


# --- Messages -----------------------------------------------------------------------------


async def test_bad_messages_get_an_error_the_socket_stays_open_and_nothing_is_written(monkeypatch):
    monkeypatch.setattr(GameConsumer, "BURST", 50)  # this test is about content, not rate
    game, (player, _other) = await game_with_players(2)
    await host_move(game, "start")
    await host_move(game, "open_question")
    gq = await current_id(game)
    phone, _ = await open_socket(player.user, game.code, "play")
    await phone.receive_json_from()
    cases = [
        ("{not json", "bad_json"),
        (json.dumps(["answer"]), "bad_message"),
        (json.dumps({"type": "hack", "gq": gq}), "unknown_type"),
        (json.dumps({"type": "start"}), "unknown_type"),  # a host move from a phone
        (json.dumps({"type": "answer", "gq": str(gq), "labels": ["A"]}), "invalid"),
        (json.dumps({"type": "answer", "gq": gq, "labels": "A"}), "invalid"),
        (json.dumps({"type": "answer", "gq": gq, "labels": [1]}), "invalid"),
        (json.dumps({"type": "answer", "labels": ["A"]}), "invalid"),
        (json.dumps({"type": "wager", "gq": gq, "amount": True}), "invalid"),
        (json.dumps({"type": "answer", "gq": gq, "labels": ["A"], "text": "长" * 3000}), "too_large"),
    ]
    for text, code in cases:
        await phone.send_to(text_data=text)
        reply = await receive_until(phone, lambda m: m["type"] == "error")
        assert reply["code"] == code, text[:40]
    await phone.send_to(bytes_data=b"\x00\x01")
    assert (await receive_until(phone, lambda m: m["type"] == "error"))["code"] == "bad_message"
    assert await count(Answer) == 0
    await phone.send_json_to({"type": "sync"})  # still open and answering
    assert (await receive_until(phone, lambda m: m["type"] == "state"))["html"]
    await phone.disconnect()


async def test_a_flooding_socket_is_throttled_then_closed_and_others_are_unaffected(monkeypatch):
    monkeypatch.setattr(GameConsumer, "RATE_PER_SECOND", 0.001)  # no refill during the test
    game, (flooder, calm) = await game_with_players(2)
    noisy, _ = await open_socket(flooder.user, game.code, "play")
    quiet, _ = await open_socket(calm.user, game.code, "play")
    await noisy.receive_json_from()
    await quiet.receive_json_from()
    for _ in range(GameConsumer.BURST):
        await noisy.send_json_to({"type": "sync"})
    await noisy.send_json_to({"type": "sync"})
    await receive_until(noisy, is_error("rate_limited"))
    for _ in range(GameConsumer.STRIKES_BEFORE_CLOSE + 1):
        await noisy.send_json_to({"type": "sync"})
    while (output := await noisy.receive_output(timeout=3))["type"] != "websocket.close":
        pass
    assert output["code"] == 4429
    await quiet.send_json_to({"type": "sync"})
    assert (await receive_until(quiet, lambda m: m["type"] in ("state", "error")))["type"] == "state"
    await quiet.disconnect()


# --- Server authority ---------------------------------------------------------------------


async def test_answers_not_open_late_or_twice_are_refused_over_the_socket():
    game, (player, other, third) = await game_with_players(3)
    await host_move(game, "start")
    gq = await current_id(game)
    phone, _ = await open_socket(player.user, game.code, "play")
    await phone.receive_json_from()
    await phone.send_json_to({"type": "answer", "gq": gq, "labels": ["A"]})
    assert (await receive_until(phone, lambda m: m["type"] == "error"))["code"] == "not_open"
    await host_move(game, "open_question")
    await phone.send_json_to({"type": "answer", "gq": gq, "labels": ["A"]})
    ack = await receive_until(phone, lambda m: m["type"] == "ack")
    assert "已提交" in html_of(ack)
    await phone.send_json_to({"type": "answer", "gq": gq, "labels": ["B"]})
    assert (await receive_until(phone, lambda m: m["type"] == "error"))["code"] == "duplicate"
    # The deadline passes while nobody's timer has fired yet: the late answer is refused in its
    # own hop, and the socket then closes the question.
    await sync_to_async(GameQuestion.objects.filter(pk=gq).update)(deadline=timezone.now() - timedelta(seconds=1))
    late, _ = await open_socket(other.user, game.code, "play")
    await late.receive_json_from()
    await late.send_json_to({"type": "answer", "gq": gq, "labels": ["A"]})
    assert (await receive_until(late, lambda m: m["type"] == "error"))["code"] == "too_late"
    await receive_until(late, lambda m: m["type"] == "state" and "作答截止" in html_of(m))
    assert await count(Answer, game_question_id=gq) == 1
    await phone.disconnect()
    await late.disconnect()


async def test_correct_answers_reach_players_only_at_reveal_with_their_own_result():
    game, (player, other) = await game_with_players(2)
    host = await sync_to_async(lambda: Competition.objects.get(pk=game.pk).host)()
    console, _ = await open_socket(host, game.code, "host")
    await console.receive_json_from()
    phone, _ = await open_socket(player.user, game.code, "play")
    await phone.receive_json_from()
    seen = []
    for move in ("start", "open"):
        await console.send_json_to({"type": move})
        seen.append(await receive_until(phone, lambda m: m["type"] == "state"))
    gq = await current_id(game)
    await phone.send_json_to({"type": "answer", "gq": gq, "labels": ["A"]})
    seen.append(await receive_until(phone, lambda m: m["type"] == "ack"))
    await console.send_json_to({"type": "close"})
    seen.append(await receive_until(phone, lambda m: m["type"] == "state"))
    assert all("data-correct" not in html_of(m) and "解析" not in html_of(m) for m in seen)
    host_view = await receive_until(console, lambda m: m["type"] == "state" and "仅主持人可见" in html_of(m))
    assert "<strong>A</strong>" in html_of(host_view)
    await console.send_json_to({"type": "reveal"})
    revealed = await receive_until(phone, lambda m: m["type"] == "state")
    assert 'data-correct="1"' in html_of(revealed)
    number = await sync_to_async(lambda: Player.objects.get(pk=player.pk).number)()
    # The phone's own result is its row of the shared frame's table: score, points, right.
    assert revealed["seats"][3 * number : 3 * number + 3] == [10, 10, 2]
    await console.disconnect()
    await phone.disconnect()


async def test_the_server_closes_the_question_at_its_deadline_without_the_host():
    game, (player,) = await game_with_players(1, seconds=5)
    await host_move(game, "start")
    await host_move(game, "open_question")
    gq = await current_id(game)
    await sync_to_async(GameQuestion.objects.filter(pk=gq).update)(deadline=timezone.now() + timedelta(seconds=0.3))
    phone, _ = await open_socket(player.user, game.code, "play")  # schedules its timer on connect
    await phone.receive_json_from()
    closed = await receive_until(phone, lambda m: m["type"] == "state" and "作答截止" in html_of(m), timeout=10)
    assert closed["html"]["play-stage"]
    assert (await sync_to_async(GameQuestion.objects.get)(pk=gq)).phase == "closed"
    await phone.disconnect()


async def test_host_leaving_pauses_the_game_and_players_are_told_then_the_host_resumes_elsewhere():
    game, (player,) = await game_with_players(1)
    await host_move(game, "start")
    host = await sync_to_async(lambda: Competition.objects.get(pk=game.pk).host)()
    laptop, _ = await open_socket(host, game.code, "host")
    await laptop.receive_json_from()
    phone, _ = await open_socket(player.user, game.code, "play")
    await phone.receive_json_from()
    await laptop.disconnect()
    told = await receive_until(phone, lambda m: m["type"] == "state" and "主持人连接中断" in html_of(m))
    assert told
    tablet, _ = await open_socket(host, game.code, "host")
    first = await tablet.receive_json_from()
    assert "继续比赛" in html_of(first)
    await tablet.send_json_to({"type": "resume"})
    resumed = await receive_until(phone, lambda m: m["type"] == "state")
    assert "主持人连接中断" not in html_of(resumed)
    await tablet.disconnect()
    await phone.disconnect()


async def test_groups_are_left_on_disconnect():
    game, (player,) = await game_with_players(1)
    phone, _ = await open_socket(player.user, game.code, "play")
    await phone.receive_json_from()
    layer = get_channel_layer()
    group = f"game-{game.code}-play"
    assert len(layer.groups.get(group, {})) == 1
    await phone.disconnect()
    assert len(layer.groups.get(group, {})) == 0


async def test_a_reconnecting_phone_gets_its_score_and_its_wager_back_at_once():
    from competitions.models import RoundKind
    from tests.quizzes.factories import make_question

    question = await sync_to_async(make_question)()
    game, (player,) = await game_with_players(1, rounds=[(RoundKind.RISK, [question])])
    await sync_to_async(Player.objects.filter(pk=player.pk).update)(score=37)
    await host_move(game, "start")
    await host_move(game, "open_question")
    gq = await current_id(game)
    phone, _ = await open_socket(player.user, game.code, "play")
    await phone.receive_json_from()
    await phone.send_json_to({"type": "wager", "gq": gq, "amount": 20})
    await receive_until(phone, lambda m: m["type"] == "ack")
    await phone.disconnect()
    again, _ = await open_socket(player.user, game.code, "play")
    assert (await again.receive_json_from())["type"] == "state"
    mine = await again.receive_json_from()
    assert "37 分" in mine["html"]["play-me"] and 'data-wager="20"' in mine["html"]["play-me"]
    assert await count(Wager) == 1
    await again.disconnect()
