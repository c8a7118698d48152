"""Issue 11, items 1–4 at test scale: one frame per broadcast whatever N, one hop per answer, the
answer's time taken when its frame arrived, versioned frames, and the host's derived presence."""

import asyncio
import json
import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competitions import consumers, hub, rendering, services
from competitions.hop import hop
from competitions.models import Answer, Competition, GameQuestion, HostPresence, Status
from tests.competitions.factories import join_players, make_game
from tests.competitions.test_consumers import open_socket, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


async def room(n: int, **kwargs):
    game = await sync_to_async(make_game)(**kwargs)
    players = await sync_to_async(join_players)(game, n)
    host = await sync_to_async(lambda: Competition.objects.get(pk=game.pk).host)()
    console, _ = await open_socket(host, game.code, "host")
    await receive_until(console, lambda m: m["type"] == "state")
    phones = []
    for player in players:
        phone, _ = await open_socket(player.user, game.code, "play")
        await receive_until(phone, lambda m: m["type"] == "state")
        phones.append(phone)
    return game, players, console, phones


async def close_all(*sockets):
    for socket in sockets:
        await socket.disconnect()


@pytest.mark.parametrize("n", [1, 6])
async def test_a_broadcast_renders_and_serialises_each_screen_once_whatever_the_room(monkeypatch, n):
    game, _players, console, phones = await room(n)
    rendered, serialised = [], []
    real_render, real_frames = rendering.render_role, rendering.frames_for
    monkeypatch.setattr(rendering, "render_role", lambda state, role: rendered.append(role) or real_render(state, role))
    monkeypatch.setattr(rendering, "frames_for", lambda state, **kw: serialised.append(1) or real_frames(state, **kw))
    await console.send_json_to({"type": "start"})
    texts = []
    for phone in phones:
        while (output := await phone.receive_output(timeout=5))["text"].find('"type":"state"') < 0:
            pass
        texts.append(output["text"])
    assert sorted(rendered) == sorted(rendering.ROLES) and serialised == [1]  # 3 renders, 1 build, for any n
    assert len(set(texts)) == 1  # every phone got the very same frame
    layer = get_channel_layer()
    assert len(layer.groups[hub.group(game.code, rendering.PLAY)]) == 1  # the worker's hub, not n sockets
    await close_all(console, *phones)


async def test_an_answer_is_one_hop_without_a_lock_on_the_game(monkeypatch):
    game, players, console, phones = await room(3)
    await console.send_json_to({"type": "start"})
    await console.send_json_to({"type": "open"})
    await receive_until(phones[0], lambda m: m["type"] == "state" and "answer-A" in str(m.get("html")))
    gq = await sync_to_async(lambda: Competition.objects.get(pk=game.pk).current_id)()
    hops = []
    real_hop = consumers.hop

    def counting(fn):
        hops.append(getattr(fn, "__name__", repr(fn)))
        return real_hop(fn)

    monkeypatch.setattr(consumers, "hop", counting)
    await phones[0].send_json_to({"type": "answer", "gq": gq, "labels": ["A"]})
    await receive_until(phones[0], lambda m: m["type"] == "ack")
    assert hops == ["submit_answer"]
    await close_all(console, *phones)


def _answer_sql(game, player):
    with CaptureQueriesContext(connection) as queries:
        services.submit_answer(
            player_id=player.pk, game_question_id=game.current_id, labels=["A"], text="", at=timezone.now()
        )
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
def test_the_answer_transaction_takes_no_exclusive_lock_and_few_queries():
    game = make_game()
    players = join_players(game, 3)
    services.start(competition_id=game.pk, at=timezone.now())
    services.open_question(competition_id=game.pk, at=timezone.now())
    game.refresh_from_db()
    _answer_sql(game, players[0])  # warms the worker's question cache
    sql = _answer_sql(game, players[1])
    assert not any("FOR UPDATE" in statement for statement in sql)
    assert len([s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE", "BEGIN"))]) <= 5


async def test_an_answer_that_arrived_before_the_deadline_counts_though_the_server_was_slow(monkeypatch):
    """The answer's time is taken when its frame came off the socket: a busy database that gets to
    it after the deadline (and after the timer closed the question) still counts it."""
    game, players, console, phones = await room(2, seconds=5)
    await console.send_json_to({"type": "start"})
    await console.send_json_to({"type": "open"})
    await receive_until(phones[0], lambda m: m["type"] == "state" and "answer-A" in str(m.get("html")))
    gq = await sync_to_async(lambda: Competition.objects.get(pk=game.pk).current_id)()
    deadline = timezone.now() + timedelta(seconds=0.4)
    await sync_to_async(GameQuestion.objects.filter(pk=gq).update)(deadline=deadline)
    from competitions import selectors

    real_snapshot = selectors.phone_snapshot

    def slow_snapshot(**kwargs):
        import time

        time.sleep(0.8)  # the consumer is busy with the frame before (the deadline passes meanwhile)
        return real_snapshot(**kwargs)

    monkeypatch.setattr(selectors, "phone_snapshot", slow_snapshot)
    await phones[0].send_json_to({"type": "sync"})
    await phones[0].send_json_to({"type": "answer", "gq": gq, "labels": ["A"]})
    reply = await receive_until(phones[0], lambda m: m["type"] in ("ack", "error"), timeout=10)
    assert reply["type"] == "ack"
    answer = await sync_to_async(Answer.objects.get)(game_question_id=gq)
    assert answer.received_at < deadline
    await close_all(console, *phones)


async def test_every_state_frame_carries_the_next_version_and_a_sync_returns_the_current_one():
    game, _players, console, phones = await room(1)
    seen = []
    for move in ("start", "open", "close", "reveal"):
        await console.send_json_to({"type": move})
        frame = await receive_until(phones[0], lambda m: m["type"] == "state")
        seen.append(frame["v"])
    assert seen == list(range(seen[0], seen[0] + 4))
    await phones[0].send_json_to({"type": "sync"})
    snapshot = await receive_until(phones[0], lambda m: m["type"] == "state")
    assert snapshot["v"] == seen[-1]
    await close_all(console, *phones)


async def test_a_host_whose_worker_died_expires_and_another_workers_watchdog_pauses_the_game():
    game, _players, console, phones = await room(1)
    await console.send_json_to({"type": "start"})
    await receive_until(phones[0], lambda m: m["type"] == "state")
    await console.disconnect()  # its disconnect pauses; resume as if the host were on a worker that later died
    await receive_until(phones[0], lambda m: m["type"] == "state" and "主持人连接中断" in str(m.get("html")))
    await sync_to_async(services.resume)(competition_id=game.pk, at=timezone.now())
    stale = timezone.now() - timedelta(seconds=services.HOST_EXPIRY_SECONDS + 1)
    await sync_to_async(HostPresence.objects.create)(competition_id=game.pk, channel_name="dead-worker", seen_at=stale)
    await hub.HUBS[game.code].heartbeat()  # the phone's worker beats: no host is fresh
    told = await receive_until(phones[0], lambda m: m["type"] == "state" and "主持人连接中断" in str(m.get("html")))
    assert told
    assert (await sync_to_async(Competition.objects.get)(pk=game.pk)).status == Status.PAUSED
    await asyncio.sleep(0)
    await close_all(*phones)


async def test_a_heartbeat_racing_the_hosts_disconnect_does_not_bring_the_host_back():
    """The heartbeat reads the worker's host sockets, then renews them on the presence thread; a host
    socket closing in between has its row deleted by its disconnect. The heartbeat must not create it
    again: it did, and a drill whose host left stayed unpaused for the whole expiry (the fault test
    timed out waiting for the pause)."""
    game, _players, console, phones = await room(1)
    await console.send_json_to({"type": "start"})
    await receive_until(phones[0], lambda m: m["type"] == "state")
    game_hub = hub.HUBS[game.code]
    (channel,) = game_hub.host_channels
    await console.disconnect()  # deletes the row and pauses
    await sync_to_async(services.resume)(competition_id=game.pk, at=timezone.now())
    game_hub.host_channels.add(channel)  # the heartbeat's list, read before the disconnect
    await game_hub.heartbeat()
    assert not await sync_to_async(HostPresence.objects.filter(channel_name=channel).exists)()
    assert not await sync_to_async(services.host_present)(competition_id=game.pk, at=timezone.now())
    game_hub.host_channels.discard(channel)
    await close_all(*phones)


async def test_a_host_leaving_while_the_layer_fails_is_gone_and_the_drill_pauses(monkeypatch):
    """A host socket closed during a Redis outage: leaving the group raises. Its presence must still
    go (the channel out of the heartbeat's list, the row deleted, the drill paused); it stayed, and
    the heartbeat kept a gone host present for good (the fault test's missing pause)."""
    game, _players, console, phones = await room(1)
    await console.send_json_to({"type": "start"})
    await receive_until(phones[0], lambda m: m["type"] == "state")
    game_hub = hub.HUBS[game.code]
    (channel,) = game_hub.host_channels
    layer = get_channel_layer()

    async def redis_away(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(layer, "group_discard", redis_away)
    await console.disconnect()
    monkeypatch.undo()
    assert channel not in game_hub.host_channels
    assert not await sync_to_async(HostPresence.objects.filter(channel_name=channel).exists)()
    assert (await sync_to_async(Competition.objects.get)(pk=game.pk)).status == Status.PAUSED
    await close_all(*phones)


async def test_the_hosts_heartbeat_does_not_wait_behind_the_sockets_busy_database_thread():
    """Every socket's hop runs on one thread; behind a room's answers on a loaded core that queue
    grew past the presence's expiry, and another worker's watchdog paused a game whose host was
    there (the scale-out stall at N = 2,000). The heartbeat renews on a thread of its own."""
    game, _players, console, phones = await room(1)
    await console.send_json_to({"type": "start"})
    await receive_until(phones[0], lambda m: m["type"] == "state")
    before = timezone.now()
    # The sockets' hops, busy for 3 s: more of them than threads (one on SQLite, the default pool's
    # on PostgreSQL).
    busy = [asyncio.create_task(hop(time.sleep)(3.0)) for _ in range(1 if connection.vendor == "sqlite" else 12)]
    await asyncio.sleep(0.1)
    await asyncio.wait_for(hub.HUBS[game.code].heartbeat(), timeout=2.0)
    seen = await sync_to_async(
        lambda: list(HostPresence.objects.filter(competition_id=game.pk).values_list("seen_at", flat=True)),
        thread_sensitive=False,
    )()
    assert seen and min(seen) >= before
    await asyncio.gather(*busy)
    await close_all(console, *phones)


async def test_the_last_answers_on_two_workers_still_close_the_question(monkeypatch):
    """On PostgreSQL two last answers committing together each count the other as missing; the
    worker's coalesced tally, which reads committed counts, closes the question then."""
    from competitions.services import play

    monkeypatch.setattr(play, "_everyone_answered", lambda current: False)  # both saw N - 1
    game, _players, console, phones = await room(2)
    await console.send_json_to({"type": "start"})
    await console.send_json_to({"type": "open"})
    gq = None
    for phone in phones:
        frame = await receive_until(phone, lambda m: m["type"] == "state" and "answer-A" in str(m.get("html")))
        gq = gq or await sync_to_async(lambda: Competition.objects.get(pk=game.pk).current_id)()
        assert frame
    for phone in phones:
        await phone.send_json_to({"type": "answer", "gq": gq, "labels": ["A"]})
        await receive_until(phone, lambda m: m["type"] == "ack")
    closed = await receive_until(console, lambda m: m["type"] == "state" and "揭晓答案" in str(m.get("html")), 5)
    assert closed
    await close_all(console, *phones)


async def _answer_all(console, phones, game, labels):
    """Start, open, let each phone answer (a label, or None: silent), close; return the gq."""
    await console.send_json_to({"type": "start"})
    await console.send_json_to({"type": "open"})
    for phone in phones:
        await receive_until(phone, lambda m: m["type"] == "state" and "answer-A" in str(m.get("html")))
    gq = await sync_to_async(lambda: Competition.objects.get(pk=game.pk).current_id)()
    for phone, label in zip(phones, labels, strict=True):
        if label:
            await phone.send_json_to({"type": "answer", "gq": gq, "labels": [label]})
            await receive_until(phone, lambda m: m["type"] == "ack")
    if not all(labels):
        await console.send_json_to({"type": "close"})
    for phone in phones:
        await receive_until(phone, lambda m: m["type"] == "state" and "作答截止" in str(m.get("html")))
    return gq


def _row(frame: dict, number: int) -> list:
    k = rendering.SEAT_FIELDS * number
    return frame["seats"][k : k + rendering.SEAT_FIELDS]


@pytest.mark.parametrize("n", [1, 6])
async def test_the_reveal_is_one_send_per_phone_and_each_phone_finds_its_own_result_in_it(monkeypatch, n):
    """Before issue 11's reveal fix each phone got the shared frame and then its own `me` frame (2N
    sends); now the shared frame carries the table and nothing else is sent, whatever N."""
    game, players, console, phones = await room(n)
    labels = (["A", "B", None] * n)[:n]  # right, wrong, silent
    await _answer_all(console, phones, game, labels)
    sent: list[tuple[str, str]] = []
    real_send = consumers.GameConsumer.send

    async def counting(self, text_data=None, bytes_data=None, close=False):
        if self.role == rendering.PLAY and '"type":"tally"' not in (text_data or ""):
            sent.append((self.channel_name, (text_data or "")[:20]))
        await real_send(self, text_data=text_data, bytes_data=bytes_data, close=close)

    monkeypatch.setattr(consumers.GameConsumer, "send", counting)
    await console.send_json_to({"type": "reveal"})
    frames = [await receive_until(phone, lambda m: m["type"] == "state") for phone in phones]
    assert len(sent) == n and len({channel for channel, _text in sent}) == n  # one send per phone
    assert all(text.startswith('{"type":"state"') for _channel, text in sent)
    assert len({json.dumps(frame, sort_keys=True) for frame in frames}) == 1  # the same frame for all
    numbers = [await sync_to_async(lambda p=p: type(p).objects.get(pk=p.pk).number)() for p in players]
    assert sorted(numbers) == list(range(n))
    for number, label in zip(numbers, labels, strict=True):
        score, points, outcome = _row(frames[0], number)
        assert outcome == {"A": 2, "B": 1, None: 0}[label]
        assert points == {"A": 10, "B": -5, None: 0}[label] and score == points
    await close_all(console, *phones)


async def test_a_phone_reconnecting_after_the_reveal_gets_its_own_result_at_once():
    game, players, console, phones = await room(2)
    await _answer_all(console, phones, game, ["A", "B"])
    await phones[1].disconnect()
    await console.send_json_to({"type": "reveal"})
    await receive_until(phones[0], lambda m: m["type"] == "state")
    again, _ = await open_socket(players[1].user, game.code, "play")
    frame = await again.receive_json_from()
    number = await sync_to_async(lambda: type(players[1]).objects.get(pk=players[1].pk).number)()
    assert frame["type"] == "state" and _row(frame, number)[1:] == [-5, 1]  # the table has its row
    mine = await again.receive_json_from()  # and its corner, from its own rows
    assert (
        mine["type"] == "me"
        and "回答错误 -5" in mine["html"]["play-me"]
        and 'data-result="1"' in mine["html"]["play-me"]
    )
    await close_all(console, phones[0], again)


async def test_the_reply_to_an_answer_after_a_reveal_shows_the_score_and_rank_of_that_reveal():
    """The server no longer sends each phone its corner at reveal: the corner of the next reply
    is brought up to date from the reveal's table (score 10, first of two), not the connect's."""
    game, _players, console, phones = await room(2)
    await _answer_all(console, phones, game, ["A", "B"])
    await console.send_json_to({"type": "reveal"})
    await receive_until(phones[0], lambda m: m["type"] == "state" and "seats" in m)
    await console.send_json_to({"type": "next"})
    await console.send_json_to({"type": "open"})
    await receive_until(phones[0], lambda m: m["type"] == "state" and "answer-A" in str(m.get("html")))
    gq = await sync_to_async(lambda: Competition.objects.get(pk=game.pk).current_id)()
    await phones[0].send_json_to({"type": "answer", "gq": gq, "labels": ["B"]})
    corner = (await receive_until(phones[0], lambda m: m["type"] == "ack"))["html"]["play-me"]
    assert "10 分" in corner and "第 1 名 / 2" in corner and "已提交：B" in corner
    assert f'data-gq="{gq}"' in corner
    await close_all(console, *phones)
