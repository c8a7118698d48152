"""WebSocket consumers: switchboards that validate, call a service and send what it returns.

GameConsumer serves all three screens of a live drill (host console, big screen, player
phone). It keeps no game state of its own beyond a player's small "me" corner, which it
rebuilds from the database on every connect. Each socket also runs a timer for the current
deadline, so the server closes a question on time whichever screens are still connected
(see docs/competitions.md).
"""

import asyncio
import json
import random
import time
import uuid
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from . import rendering, selectors, services
from .services import Refused


class PingConsumer(AsyncJsonWebsocketConsumer):
    """A health check for the socket path: answers a ping with the user's name."""

    async def connect(self):
        await self.accept()

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "user": self.scope["user"].username})
        else:
            await self.send_json({"type": "error", "message": "unknown message"})


# --- Messages: small typed schemas ------------------------------------------------------


class Invalid(Exception):
    pass


@dataclass(frozen=True)
class Empty:
    pass


@dataclass(frozen=True)
class AnswerMsg:
    gq: int
    labels: list[str] = field(default_factory=list)
    text: str = ""


@dataclass(frozen=True)
class QuestionMsg:
    gq: int


@dataclass(frozen=True)
class WagerMsg:
    gq: int
    amount: int


@dataclass(frozen=True)
class RemoveMsg:
    player: int


MAX_TEXT = 200
MAX_LABELS = 6


def parse(schema: type, content: dict):
    """Build the schema from the message, refusing missing fields and wrong types."""
    values = {}
    for spec in fields(schema):
        if spec.name not in content:
            if spec.default is MISSING and spec.default_factory is MISSING:
                raise Invalid(spec.name)
            continue
        value = content[spec.name]
        if spec.type is int and (not isinstance(value, int) or isinstance(value, bool)):
            raise Invalid(spec.name)
        if spec.type is str and (not isinstance(value, str) or len(value) > MAX_TEXT):
            raise Invalid(spec.name)
        if spec.type == list[str] and (
            not isinstance(value, list)
            or len(value) > MAX_LABELS
            or not all(isinstance(item, str) and len(item) == 1 for item in value)
        ):
            raise Invalid(spec.name)
        values[spec.name] = value
    return schema(**values)


# --- The game socket ---------------------------------------------------------------------

LAYER_EPOCH_KEY = "live:layer-epoch"


async def layer_epoch() -> str:
    """A token kept in the cache for as long as the cache keeps its data (set once, never expires)."""
    token = await cache.aget(LAYER_EPOCH_KEY)
    if token is None:
        await cache.aadd(LAYER_EPOCH_KEY, uuid.uuid4().hex, None)
        token = await cache.aget(LAYER_EPOCH_KEY)
    return token


class GameConsumer(AsyncJsonWebsocketConsumer):
    MAX_MESSAGE_BYTES = 2048
    RATE_PER_SECOND = 5.0  # token bucket: steady rate ...
    BURST = 10  # ... and how many at once
    STRIKES_BEFORE_CLOSE = 20  # a socket that keeps flooding is closed
    TALLY_INTERVAL = 0.5  # "N answered" at most twice a second per screen
    HEAL_INTERVAL = 5.0  # how soon a socket notices that Redis lost its group memberships

    host_actions = {
        "start": services.start,
        "open": services.open_question,
        "buzzing": services.open_buzzing,
        "close": services.close_question,
        "reveal": services.reveal,
        "next": services.next_question,
        "pause": services.pause,
        "resume": services.resume,
        "end": services.finish,
    }

    async def connect(self):
        self.seat = None
        self.groups_joined: list[str] = []
        self.timer: asyncio.Task | None = None
        self.tally_task: asyncio.Task | None = None
        self.heal_task: asyncio.Task | None = None
        self.tokens, self.refilled_at, self.strikes = float(self.BURST), time.monotonic(), 0
        kwargs = self.scope["url_route"]["kwargs"]
        seat = await database_sync_to_async(selectors.seat_for)(
            user=self.scope["user"], code=kwargs["code"], role=kwargs["role"]
        )
        if seat is None:
            await self.close(code=4403)
            return
        self.seat = seat
        self.role = seat.role
        self.me: selectors.PlayerView | None = None
        for group in (seat.group(seat.role),):
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()
        if self.role == rendering.HOST:
            await database_sync_to_async(services.host_connected)(competition_id=seat.competition_id)
        await self.advance_if_overdue()
        await self.send_full_state()
        self.heal_task = asyncio.create_task(self.heal_after_layer_loss())
        if self.role == rendering.PLAY:
            await self.notify_screens("game.refresh")  # the lobby and the roster show who is here

    async def disconnect(self, code):
        for task in (self.timer, self.tally_task, self.heal_task):
            if task:
                task.cancel()
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []
        if self.seat and self.role == rendering.HOST:
            paused = await database_sync_to_async(services.host_disconnected)(
                competition_id=self.seat.competition_id, at=timezone.now()
            )
            if paused:
                await self.broadcast()

    # --- Receiving: size, rate, JSON, type, schema; then a service ---------------------

    async def receive(self, text_data=None, bytes_data=None):
        if not self.seat:
            return
        if not self.take_token():
            self.strikes += 1
            if self.strikes > self.STRIKES_BEFORE_CLOSE:
                await self.close(code=4429)
                return
            await self.error("rate_limited", _("发送过快，请稍后再试。"))
            return
        if bytes_data is not None or text_data is None:
            await self.error("bad_message", _("只接受文本消息。"))
            return
        if len(text_data.encode()) > self.MAX_MESSAGE_BYTES:
            await self.error("too_large", _("消息过长。"))
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.error("bad_json", _("消息格式错误。"))
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.error("bad_message", _("消息格式错误。"))
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        handler = self.handlers().get(content["type"])
        if handler is None:
            await self.error("unknown_type", _("未知的消息类型。"))
            return
        method, schema = handler
        try:
            message = parse(schema, content)
        except Invalid:
            await self.error("invalid", _("消息内容不合规。"))
            return
        await self.advance_if_overdue()
        try:
            await method(message, content["type"])
        except Refused as refusal:
            await self.error(refusal.code, refusal.message)

    def handlers(self) -> dict:
        common = {"sync": (self.on_sync, Empty)}
        if self.role == rendering.HOST:
            return {
                **common,
                **{name: (self.on_host_action, Empty) for name in self.host_actions},
                "remove": (self.on_remove, RemoveMsg),
            }
        if self.role == rendering.PLAY:
            return {
                **common,
                "answer": (self.on_answer, AnswerMsg),
                "buzz": (self.on_buzz, QuestionMsg),
                "wager": (self.on_wager, WagerMsg),
            }
        return common

    def take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.BURST, self.tokens + (now - self.refilled_at) * self.RATE_PER_SECOND)
        self.refilled_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": message})

    # --- Handlers ----------------------------------------------------------------------

    async def on_sync(self, message, kind):
        await self.send_full_state()

    async def on_host_action(self, message, kind):
        action = self.host_actions[kind]
        await database_sync_to_async(action)(competition_id=self.seat.competition_id, at=timezone.now())
        await self.broadcast()

    async def on_remove(self, message: RemoveMsg, kind):
        await database_sync_to_async(services.remove_player)(
            competition_id=self.seat.competition_id, player_id=message.player, at=timezone.now()
        )
        await self.broadcast()

    async def on_answer(self, message: AnswerMsg, kind):
        ack = await database_sync_to_async(services.submit_answer)(
            player_id=self.seat.player_id,
            game_question_id=message.gq,
            labels=[label.upper() for label in message.labels],
            text=message.text,
            at=timezone.now(),
        )
        await self.acknowledge(ack)

    async def on_buzz(self, message: QuestionMsg, kind):
        ack = await database_sync_to_async(services.buzz)(
            player_id=self.seat.player_id, game_question_id=message.gq, at=timezone.now()
        )
        await self.acknowledge(ack)

    async def on_wager(self, message: WagerMsg, kind):
        ack = await database_sync_to_async(services.place_wager)(
            player_id=self.seat.player_id, game_question_id=message.gq, amount=message.amount, at=timezone.now()
        )
        await self.acknowledge(ack)

    async def acknowledge(self, ack: services.Ack):
        """The player's own feedback goes back with the acknowledgement of their move."""
        self.me.for_question(ack.game_question_id)
        if ack.answered:
            self.me.answered = ack.answered
        if ack.wager:
            self.me.wager = ack.wager
        if ack.buzz:
            self.me.buzz = ack.buzz
        if ack.score is not None:
            self.me.score = ack.score
        await self.send_json({"type": "ack", "html": rendering.render_me(self.me)})
        if ack.changed:
            await self.broadcast()
        elif ack.answered:
            await self.notify_screens("game.tally")

    # --- State out -----------------------------------------------------------------------

    async def send_full_state(self):
        """Everything this screen shows, at once: for a first connect and every reconnect."""
        state, payloads = await database_sync_to_async(rendering.build_broadcast)(
            competition_id=self.seat.competition_id, at=timezone.now(), roles=(self.role,)
        )
        payload = payloads[self.role]
        html = dict(payload["html"])
        if self.role == rendering.PLAY:
            self.me = await database_sync_to_async(selectors.player_view)(player_id=self.seat.player_id, state=state)
            html.update(rendering.render_me(self.me))
        await self.send_json({"type": "state", "html": html})
        self.schedule_timer(payload["deadline"])

    async def broadcast(self):
        """Render each screen once and send it to that screen's group, on every worker."""
        _state, payloads = await database_sync_to_async(rendering.build_broadcast)(
            competition_id=self.seat.competition_id, at=timezone.now()
        )
        for role, payload in payloads.items():
            await self.channel_layer.group_send(self.seat.group(role), {"type": "game.state", **payload})

    async def game_state(self, event):
        html = dict(event["html"])
        if self.role == rendering.PLAY:
            if self.seat.player_id in event["removed"]:
                await self.send_json({"type": "removed", "message": _("你已被主持人移出本场比赛。")})
                await self.close(code=4403)
                return
            self.me.for_question(event["gq"])
            result = event["results"].get(str(self.seat.player_id))
            if result:
                self.me.result = result
                self.me.score, self.me.rank = result["score"], result["rank"]
            self.me.players = event["players"]
            html.update(rendering.render_me(self.me))
        await self.send_json({"type": "state", "html": html})
        self.schedule_timer(event["deadline"])

    async def game_tally(self, event):
        self.coalesce(full=False)

    async def game_refresh(self, event):
        self.coalesce(full=True)

    def coalesce(self, *, full: bool):
        """Answers and arrivals come in bursts: refresh this screen at most twice a second."""
        self.refresh_full = getattr(self, "refresh_full", False) or full
        if self.tally_task is None or self.tally_task.done():
            self.tally_task = asyncio.create_task(self.refresh_soon())

    async def refresh_soon(self):
        await asyncio.sleep(self.TALLY_INTERVAL)
        full, self.refresh_full = self.refresh_full, False
        if full:
            await self.send_full_state()
            return
        state = await database_sync_to_async(selectors.game_state)(
            competition_id=self.seat.competition_id, at=timezone.now()
        )
        await self.send_json({"type": "tally", "html": rendering.render_tally(state)})

    async def notify_screens(self, event_type: str):
        for role in (rendering.HOST, rendering.SCREEN):
            await self.channel_layer.group_send(self.seat.group(role), {"type": event_type})

    # --- The server's clock ----------------------------------------------------------------

    async def heal_after_layer_loss(self):
        """A Redis that restarts comes back empty: every group membership is gone, and the sockets that did
        not drop would stay deaf to every broadcast (the fault test found the host console frozen). A
        marker in the cache (the same Redis) tells each socket within HEAL_INTERVAL that its layer lost its
        data: it joins its groups again and takes the full state, missed broadcasts included."""
        marker = await layer_epoch()
        while True:
            await asyncio.sleep(self.HEAL_INTERVAL * (0.5 + random.random()))  # spread over the interval
            try:
                now = await layer_epoch()
                if now == marker:
                    continue
                marker = now
                for group in self.groups_joined:
                    await self.channel_layer.group_add(group, self.channel_name)
                await self.send_full_state()
            except Exception:  # the layer or the cache is still away: let the client reconnect later
                await self.close(code=1011)
                return

    def schedule_timer(self, deadline_iso: str):
        if self.timer:
            self.timer.cancel()
            self.timer = None
        if not deadline_iso:
            return
        deadline: datetime = parse_datetime(deadline_iso)
        delay = max(0.0, (deadline - timezone.now()).total_seconds())
        # The host's and screen's sockets act first; players' sockets are the fallback,
        # spread out so that a room of phones does not hit the database at once.
        if self.role == rendering.PLAY:
            delay += 0.5 + random.random() * 1.5
        self.timer = asyncio.create_task(self.fire_at_deadline(delay))

    async def fire_at_deadline(self, delay: float):
        await asyncio.sleep(delay)
        self.timer = None  # fired: a state that arrives now must not cancel this broadcast
        await self.advance_if_overdue()

    async def advance_if_overdue(self):
        at = timezone.now()
        competition_id = self.seat.competition_id
        if not await database_sync_to_async(services.has_overdue)(competition_id=competition_id, at=at):
            return
        if await database_sync_to_async(services.advance_overdue)(competition_id=competition_id, at=at):
            await self.broadcast()
