"""WebSocket consumers: switchboards that validate, call a service and send what it returns.

GameConsumer serves all three screens of a live drill (host console, big screen, player
phone). It keeps no game state of its own beyond a player's small "me" corner, which it
rebuilds from the player's own rows on every connect and brings up to date from the hub's latest
frames when it answers the player's own move (a broadcast is one send per socket, nothing more).
The worker's hub (hub.py) holds the one deadline timer per game, the host's heartbeat, the
coalesced tallies and the latest frames (see docs/competitions.md, "The socket protocol").
"""

import asyncio
import json
import logging
import time
from dataclasses import MISSING, dataclass, field, fields

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rendering, selectors, services
from .hop import hop
from .hub import advance_if_overdue, broadcast, hub_for
from .services import Refused

logger = logging.getLogger(__name__)


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
MAX_DEPTH = 4  # our messages nest two deep (an object holding a list); anything deeper is refused


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Nesting deeper than `limit` outside strings, found before json.loads recurses into it."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


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


class GameConsumer(AsyncJsonWebsocketConsumer):
    MAX_MESSAGE_BYTES = 2048
    RATE_PER_SECOND = 5.0  # token bucket: steady rate ...
    BURST = 10  # ... and how many at once
    STRIKES_BEFORE_CLOSE = 20  # a socket that keeps flooding is closed

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

    INBOX = 64  # frames waiting for this socket's consumer; past that a flood is dropped

    async def __call__(self, scope, receive, send):
        """Take frames off the socket as they arrive and stamp them, whatever the consumer is busy
        with: an answer's time is when it arrived, not when the consumer got round to it."""
        inbox: asyncio.Queue = asyncio.Queue()

        async def pump():
            while True:
                message = await receive()
                kind = message.get("type")
                if kind == "websocket.receive":
                    if inbox.qsize() >= self.INBOX:
                        continue
                    message["received_at"] = timezone.now()
                inbox.put_nowait(message)
                if kind == "websocket.disconnect":
                    return

        pumping = asyncio.create_task(pump())
        try:
            return await super().__call__(scope, inbox.get, send)
        finally:
            pumping.cancel()

    async def connect(self):
        self.seat = None
        self.hub = None
        self.me: selectors.PlayerView | None = None
        self.me_version = -1  # the game version self.me is up to date with
        self.frame_at = timezone.now()
        self.tokens, self.refilled_at, self.strikes = float(self.BURST), time.monotonic(), 0
        kwargs = self.scope["url_route"]["kwargs"]
        seat = await hop(selectors.seat_for)(user=self.scope["user"], code=kwargs["code"], role=kwargs["role"])
        if seat is None:
            await self.close(code=4403)
            return
        self.seat = seat
        self.role = seat.role
        self.hub = hub_for(seat.code, seat.competition_id)
        await self.accept()
        await self.hub.add(self, self.role)
        if self.role == rendering.HOST:
            self.hub.host_channels.add(self.channel_name)
            await hop(services.host_seen)(
                competition_id=seat.competition_id, channel_names=[self.channel_name], at=timezone.now()
            )
        await self.send_snapshot()
        if self.role == rendering.PLAY:
            self.hub.arrivals_soon()  # the lobby, the roster and the phones' count show who is here

    async def disconnect(self, code):
        if not self.seat:
            return
        if self.role == rendering.HOST:
            # First, whatever fails below: a channel left in this list is renewed by every heartbeat,
            # and a host who is gone would stay present (the drill would never pause for them).
            self.hub.host_channels.discard(self.channel_name)
        await self.hub.discard(self, self.role)
        if self.role == rendering.HOST:
            paused = await hop(services.host_left)(
                competition_id=self.seat.competition_id, channel_name=self.channel_name, at=timezone.now()
            )
            if paused:
                await broadcast(self.seat.code, self.seat.competition_id)
        self.seat = None

    # --- Receiving: size, rate, JSON, type, schema; then a service ---------------------

    async def websocket_receive(self, message):
        self.frame_at = message.get("received_at") or timezone.now()
        await super().websocket_receive(message)

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
        if too_deep(text_data):
            await self.error("bad_json", _("消息格式错误。"))
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):
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
        try:
            await method(message, content["type"])
        except Refused as refusal:
            await self.error(refusal.code, refusal.message)
            if refusal.code in ("too_late", "not_open", "not_running"):
                await advance_if_overdue(self.seat.code, self.seat.competition_id)

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
        await self.send(text_data=rendering.dumps({"type": "error", "code": code, "message": message}))

    # --- Handlers ----------------------------------------------------------------------

    async def on_sync(self, message, kind):
        await self.send_snapshot()

    async def on_host_action(self, message, kind):
        action = self.host_actions[kind]
        await advance_if_overdue(self.seat.code, self.seat.competition_id)
        await hop(action)(competition_id=self.seat.competition_id, at=self.frame_at)
        await broadcast(self.seat.code, self.seat.competition_id)

    async def on_remove(self, message: RemoveMsg, kind):
        await hop(services.remove_player)(
            competition_id=self.seat.competition_id, player_id=message.player, at=self.frame_at
        )
        await broadcast(self.seat.code, self.seat.competition_id)

    async def on_answer(self, message: AnswerMsg, kind):
        ack = await hop(services.submit_answer)(
            player_id=self.seat.player_id,
            game_question_id=message.gq,
            labels=[label.upper() for label in message.labels],
            text=message.text,
            at=self.frame_at,
        )
        await self.acknowledge(ack)

    async def on_buzz(self, message: QuestionMsg, kind):
        ack = await hop(services.buzz)(player_id=self.seat.player_id, game_question_id=message.gq, at=self.frame_at)
        await self.acknowledge(ack)

    async def on_wager(self, message: WagerMsg, kind):
        ack = await hop(services.place_wager)(
            player_id=self.seat.player_id, game_question_id=message.gq, amount=message.amount, at=self.frame_at
        )
        await self.acknowledge(ack)

    def refresh_me(self) -> None:
        """Bring the corner up to date with the broadcasts since it was read: the question moved
        on, the number of players, and the score and rank of the latest reveal (the phone drew
        them itself from the shared frame; the server catches up only when it answers this phone)."""
        frame = self.hub.frames.get(rendering.PLAY)
        if frame is None or frame.version <= self.me_version:
            return
        known, self.me_version = self.me_version, frame.version
        self.me.for_question(frame.gq)
        self.me.players = frame.players
        revealed = self.hub.result_of(self.seat.number)
        if revealed is not None and revealed[0] > known:
            _version, gq, result = revealed
            self.me.score, self.me.rank = result["score"], result["rank"]
            if gq == self.me.game_question_id:
                self.me.result = result

    async def acknowledge(self, ack: services.Ack):
        """The player's own feedback goes back with the acknowledgement of their move."""
        self.refresh_me()
        self.me.for_question(ack.game_question_id)
        if ack.answered:
            self.me.answered = ack.answered
        if ack.wager:
            self.me.wager = ack.wager
        if ack.buzz:
            self.me.buzz = ack.buzz
        if ack.score is not None:
            self.me.score = ack.score
        html = rendering.render_me(self.me)
        await self.send(text_data=rendering.dumps({"type": "ack", "html": html}))
        if ack.close:
            try:
                await hop(services.close_question)(competition_id=self.seat.competition_id, at=self.frame_at)
            except Refused:
                return  # another answer closed it first
            await broadcast(self.seat.code, self.seat.competition_id)
        elif ack.changed:
            await broadcast(self.seat.code, self.seat.competition_id)
        elif ack.answered:
            self.hub.tally_soon()

    # --- State out -----------------------------------------------------------------------

    async def send_snapshot(self):
        """This screen's whole current state at once (connect, reconnect, sync, a version gap):
        the worker's latest frame of this version if it has one, and a phone's own corner from
        its own rows; no read of the room."""
        competition_id = self.seat.competition_id
        if self.role == rendering.PLAY:
            version, self.me = await hop(selectors.phone_snapshot)(
                competition_id=competition_id, player_id=self.seat.player_id
            )
            self.me_version = version
        else:
            version = await hop(selectors.version_of)(competition_id=competition_id)
        frame = self.hub.frame_at(self.role, version)
        if frame is None:
            async with self.hub.building[self.role]:  # a room reconnecting at once builds it once
                frame = self.hub.frame_at(self.role, version)
                if frame is None:
                    frames = await hop(rendering.build_frames)(
                        competition_id=competition_id, at=timezone.now(), roles=(self.role,)
                    )
                    frame = frames[self.role]
                    self.hub.remember(self.role, frame)
        await self.send(text_data=frame.text)
        if self.role == rendering.PLAY and self.me is not None:
            self.refresh_me()  # the frame sent may be newer than the rows read (a reveal meanwhile)
            await self.send(text_data=rendering.dumps({"type": "me", "html": rendering.render_me(self.me)}))
        self.hub.schedule(frame.deadline)

    async def take_frame(self, frame: rendering.Frame):
        """A broadcast, handed over by the worker's hub: the shared frame as it was serialised, and
        nothing else (a phone draws its own result from the frame's table)."""
        if not self.seat:
            return
        try:
            if self.role == rendering.PLAY and self.seat.player_id in frame.removed:
                await self.send(
                    text_data=rendering.dumps({"type": "removed", "message": _("你已被主持人移出本场比赛。")})
                )
                await self.close(code=4403)
                return
            await self.send(text_data=frame.text)
        except Exception:  # a socket closing under us: it resyncs when it comes back
            logger.warning("frame not delivered to a %s socket of game %s", self.role, self.seat.code, exc_info=True)

    async def take_text(self, text: str):
        """A tally or lobby count: already serialised, sent as it is."""
        if self.seat:
            try:
                await self.send(text_data=text)
            except Exception:
                logger.warning("tally not delivered to a %s socket", self.role, exc_info=True)
