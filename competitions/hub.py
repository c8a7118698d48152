"""What one worker process keeps per live game: its local sockets, one deadline timer, the host's
heartbeat and watchdog, the coalesced tallies, and the latest frame of each screen.

None of it is needed for correctness across workers (the database is the game; every worker
keeps its own hub for the games it serves). It exists so that a broadcast, a deadline or a room of
phones connecting costs a fixed amount per worker, not per phone:

- one timer per game and worker fires at the stored deadline (not one per socket);
- the host's presence is renewed by a heartbeat of the worker that holds the host's socket, and
  every worker's watchdog pauses a running game whose host presence expired (a crashed worker or a
  Redis outage cannot leave a game running without its host);
- "N 人已作答" and arrivals are coalesced per worker: at most one tally read a TALLY_INTERVAL;
- a phone that (re)connects gets the latest frame of its screen if the worker holds that version;
- fan-out: the worker's hub, not each socket, is the member of the game's channel-layer groups,
  so a broadcast reaches each worker once (one PUBLISH on Redis, one queue entry in process)
  and the hub hands the one serialised frame to its local sockets directly: no copy, no
  per-socket queue or dispatch;
- no silent loss: every HEAL_INTERVAL the hub sends itself a probe through the layer and reads the
  game's version; a probe that did not come back (the subscription was dropped, and with it what
  was queued) or a version newer than any frame it delivered (a frame lost on the way) makes it
  rebuild the current frames once and hand them to its sockets as if they had just arrived.
"""

import asyncio
import bisect
import json
import logging
import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import rendering, selectors, services
from .hop import Hop, hop

TALLY_INTERVAL = 0.5
# How soon a worker notices that it missed something: Redis restarted empty (memberships, frames), or
# dropped this worker's pub/sub connection (a subscriber that read too slowly overflows Redis'
# `client-output-buffer-limit pubsub`, and everything queued for it is discarded; redis-py
# reconnects and resubscribes, but what was published meanwhile is gone), or a move was committed
# by a worker that died before it published the frame.
HEAL_INTERVAL = settings.LIVE_HEAL_SECONDS
LAYER_EPOCH_KEY = "live:layer-epoch"
logger = logging.getLogger(__name__)


async def layer_epoch() -> str:
    """A token kept in the cache for as long as the cache keeps its data (set once, never expires)."""
    token = await cache.aget(LAYER_EPOCH_KEY)
    if token is None:
        await cache.aadd(LAYER_EPOCH_KEY, uuid.uuid4().hex, None)
        token = await cache.aget(LAYER_EPOCH_KEY)
    return token


def group(code: str, role: str) -> str:
    """A screen's channel-layer group, named by the random join code (test databases sharing one
    Redis never cross)."""
    return f"game-{code}-{role}"


async def broadcast(code: str, competition_id: int, *, roles=rendering.ROLES) -> None:
    """Read, render and serialise each screen once; one group send per screen."""
    frames = await hop(rendering.build_frames)(competition_id=competition_id, at=timezone.now(), roles=roles)
    layer = get_channel_layer()
    for role, frame in frames.items():
        await layer.group_send(group(code, role), frame.event(role))


class GameHub:
    def __init__(self, code: str, competition_id: int):
        self.code, self.competition_id = code, competition_id
        self.sockets: set = set()
        self.by_role: dict[str, set] = {role: set() for role in rendering.ROLES}
        self.building: dict[str, asyncio.Lock] = {role: asyncio.Lock() for role in rendering.ROLES}
        self.channel: str = ""
        self.reader: asyncio.Task | None = None
        self.joined: set[str] = set()
        self.host_channels: set[str] = set()
        self.frames: dict[str, rendering.Frame] = {}
        self.revealed: rendering.Frame | None = None  # the latest play frame with the results table
        self.table: tuple[int, list, list] = (-1, [], [])  # its version, the table, its scores sorted
        self.deadline: str = ""
        self.timer: asyncio.Task | None = None
        self.watchdog: asyncio.Task | None = None
        self.tally_task: asyncio.Task | None = None
        self.arrivals_task: asyncio.Task | None = None
        self.heal_task: asyncio.Task | None = None
        self.delivering = asyncio.Lock()  # a replay and the reader never interleave their frames
        self.probes_sent = self.probe_seen = 0
        self.probe_gap = False  # a probe never came back: what was queued with it is lost too
        self.heals = 0  # how many times this hub replayed the current frames (tests, logs)

    # --- sockets ---

    async def add(self, consumer, role: str) -> None:
        self.sockets.add(consumer)
        self.by_role[role].add(consumer)
        layer = get_channel_layer()
        if not self.channel:
            self.channel = await layer.new_channel(prefix="hub.")
            self.reader = asyncio.create_task(self.read())
        if role not in self.joined:
            self.joined.add(role)
            await layer.group_add(group(self.code, role), self.channel)
        if self.watchdog is None:
            self.watchdog = asyncio.create_task(self.watch())
        if self.heal_task is None:
            self.heal_task = asyncio.create_task(self.heal())

    async def discard(self, consumer, role: str) -> None:
        self.sockets.discard(consumer)
        self.by_role[role].discard(consumer)
        layer = get_channel_layer()
        if not self.by_role[role] and role in self.joined:
            self.joined.discard(role)
            try:
                await layer.group_discard(group(self.code, role), self.channel)
            except Exception:  # Redis away: the membership lapses with it; the hub's cleanup must go on
                logger.warning("leaving the %s group of game %s failed", role, self.code, exc_info=True)
        if not self.sockets:
            for task in (self.timer, self.watchdog, self.tally_task, self.arrivals_task, self.reader, self.heal_task):
                if task:
                    task.cancel()
            if HUBS.get(self.code) is self:
                HUBS.pop(self.code, None)

    async def read(self) -> None:
        """This worker's one subscription to the game: every event is handed to the local sockets."""
        layer = get_channel_layer()
        while True:
            event = await layer.receive(self.channel)
            try:
                await self.deliver(event)
            except Exception:
                logger.exception("delivering %s of game %s failed", event.get("type"), self.code)

    async def deliver(self, event: dict) -> None:
        role = event.get("role", "")
        if event["type"] == "game.probe":
            self.probe_gap = self.probe_gap or event["n"] > self.probe_seen + 1
            self.probe_seen = max(self.probe_seen, event["n"])
            return
        async with self.delivering:
            if event["type"] == "game.frame":
                frame = rendering.Frame.from_event(event)
                known = self.frames.get(role)
                if known is not None and known.version > frame.version:
                    return  # a late copy of a frame a replay already overtook
                self.remember(role, frame)
                for consumer in list(self.by_role.get(role, ())):
                    await consumer.take_frame(frame)
            elif event["type"] == "game.text":
                for consumer in list(self.by_role.get(role, ())):
                    await consumer.take_text(event["text"])

    # --- frames ---

    def remember(self, role: str, frame: rendering.Frame) -> None:
        known = self.frames.get(role)
        if known is None or frame.version >= known.version:
            self.frames[role] = frame
        if frame.revealed and (self.revealed is None or frame.version >= self.revealed.version):
            self.revealed = frame
        self.schedule(frame.deadline)

    def frame_at(self, role: str, version: int) -> rendering.Frame | None:
        """The latest frame of this screen if it is of this version (or newer: the game moved on)."""
        frame = self.frames.get(role)
        return frame if frame is not None and frame.version >= version else None

    def result_of(self, number: int) -> tuple[int, int, dict] | None:
        """The latest reveal's (version, question, result) of one player, for the corner that goes
        with that player's next acknowledgement. The table is parsed, and its ranks prepared, once
        per worker and reveal, and only when a phone needs it: a broadcast does no per-phone work."""
        frame = self.revealed
        if frame is None:
            return None
        if self.table[0] != frame.version:
            table = json.loads(frame.text)["seats"]
            scores = sorted(score for score in table[:: rendering.SEAT_FIELDS] if score is not None)
            self.table = (frame.version, table, scores)
        _version, table, scores = self.table
        k = rendering.SEAT_FIELDS * number
        row = table[k : k + rendering.SEAT_FIELDS]
        if len(row) < rendering.SEAT_FIELDS or row[0] is None:
            return None
        rank = 1 + len(scores) - bisect.bisect_right(scores, row[0])  # 1 + the players with more points
        return frame.version, frame.gq, rendering.result_from_row(row, rank)

    # --- the server's clock: one timer per game and worker ---

    def schedule(self, deadline_iso: str) -> None:
        if deadline_iso == self.deadline and self.timer and not self.timer.done():
            return
        self.deadline = deadline_iso
        if self.timer:
            self.timer.cancel()
            self.timer = None
        if not deadline_iso:
            return
        deadline: datetime = parse_datetime(deadline_iso)
        # Workers holding no host or screen socket wait a little longer, so one worker moves first.
        delay = max(0.0, (deadline - timezone.now()).total_seconds()) + (
            0.0 if self.host_channels else 0.2 + random.random() * 0.8
        )
        self.timer = asyncio.create_task(self.fire(delay))

    async def fire(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self.timer = None
        await advance_if_overdue(self.code, self.competition_id)

    # --- no silent loss: a dropped subscription, a Redis that restarted empty, a lost frame ---

    def known_version(self) -> int:
        return max((frame.version for frame in self.frames.values()), default=-1)

    async def heal(self) -> None:
        """Every HEAL_INTERVAL (spread): did the last probe come back, is the cache's marker the
        same (Redis did not restart empty), and has this hub delivered the game's version? If not,
        join the groups again and replay the current frames to this worker's sockets."""
        try:
            marker = await layer_epoch()
        except Exception:
            marker = ""
        layer = get_channel_layer()
        version_before = -1
        while True:
            self.probes_sent += 1
            try:
                await layer.send(self.channel, {"type": "game.probe", "n": self.probes_sent})
            except Exception:
                logger.warning("game %s: probe not sent", self.code, exc_info=True)
            await asyncio.sleep(HEAL_INTERVAL * (0.5 + random.random()))
            try:
                now = await layer_epoch()
                try:
                    version = await hop(selectors.version_of)(competition_id=self.competition_id)
                except Exception:  # the database restarting: the check waits for the next round
                    logger.warning("game %s: version not read", self.code, exc_info=True)
                    version = version_before
                # A probe or a version is given one whole interval to arrive (a broadcast in
                # flight, a subscriber a little behind): only then is it lost.
                reasons = [
                    name
                    for name, missed in (
                        ("probe lost", self.probe_gap or self.probe_seen < self.probes_sent - 1),
                        ("redis restarted", now != marker),
                        ("frame lost", self.known_version() < version_before),
                    )
                    if missed
                ]
                version_before = version
                if not reasons:
                    continue
                marker, self.probe_gap, self.probe_seen = now, False, self.probes_sent - 1
                logger.warning("game %s: healing (%s)", self.code, ", ".join(reasons))
                for role in list(self.joined):
                    await layer.group_add(group(self.code, role), self.channel)
                await self.replay()
            except Exception:  # the layer or the cache is still away: the phones reconnect later
                logger.warning("game %s: the channel layer is away, closing this worker's sockets", self.code)
                for consumer in list(self.sockets):
                    try:
                        await consumer.close(code=1011)
                    except Exception:
                        logger.debug("closing a socket failed", exc_info=True)

    async def replay(self) -> None:
        """The current frame of each screen this worker serves, built once, handed to its sockets
        as if the broadcast had just arrived (a phone's own corner follows from the frame)."""
        roles = tuple(role for role in rendering.ROLES if self.by_role[role])
        if not roles:
            return
        self.heals += 1
        frames = await hop(rendering.build_frames)(competition_id=self.competition_id, at=timezone.now(), roles=roles)
        for role, frame in frames.items():
            await self.deliver(frame.event(role))

    # --- the host's presence ---

    async def watch(self) -> None:
        while True:
            await asyncio.sleep(services.HOST_HEARTBEAT_SECONDS)
            try:
                await self.heartbeat()
            except Exception:  # a failed beat (database restarting) is retried on the next one
                logger.exception("host heartbeat of game %s failed", self.code)

    async def heartbeat(self) -> None:
        at = timezone.now()
        if self.host_channels:
            # On a thread of its own, not the one thread every socket's hops queue on: behind a
            # room's answers on a loaded core that queue grew past the presence's expiry, and
            # another worker's watchdog paused a game whose host was there (the N = 2,000 stall).
            await presence_hop(services.host_still_here)(channel_names=sorted(self.host_channels), at=timezone.now())
        if await presence_hop(services.pause_if_host_gone)(competition_id=self.competition_id, at=at):
            await broadcast(self.code, self.competition_id)

    # --- coalesced tallies and arrivals ---

    def tally_soon(self) -> None:
        if self.tally_task is None or self.tally_task.done():
            self.tally_task = asyncio.create_task(self._tally())

    async def _tally(self) -> None:
        await asyncio.sleep(TALLY_INTERVAL)
        from .selectors.state import tally_state

        state = await hop(tally_state)(competition_id=self.competition_id)
        if state.everyone_answered:
            # Two last answers committing together (on two workers) each counted the other as
            # missing; these counts are committed ones, so the question closes here.
            try:
                await hop(services.close_question)(competition_id=self.competition_id, at=timezone.now())
            except services.Refused:
                pass  # closed meanwhile
            else:
                await broadcast(self.code, self.competition_id)
                return
        text = rendering.tally_frame(state)
        layer = get_channel_layer()
        for role in (rendering.HOST, rendering.SCREEN):
            await layer.group_send(group(self.code, role), {"type": "game.text", "role": role, "text": text})

    def arrivals_soon(self) -> None:
        if self.arrivals_task is None or self.arrivals_task.done():
            self.arrivals_task = asyncio.create_task(self._arrivals())

    async def _arrivals(self) -> None:
        """Who joined: the host's roster and the big screen's lobby, and the count on the phones."""
        await asyncio.sleep(TALLY_INTERVAL)
        await broadcast(self.code, self.competition_id, roles=(rendering.HOST, rendering.SCREEN))
        from .selectors.state import tally_state

        state = await hop(tally_state)(competition_id=self.competition_id)
        text = rendering.lobby_count_frame(version=state.competition.version, players=state.players)
        event = {"type": "game.text", "role": rendering.PLAY, "text": text}
        await get_channel_layer().group_send(group(self.code, rendering.PLAY), event)


HUBS: dict[str, GameHub] = {}


# The host's heartbeat and the watchdog's check: one thread (and connection) of their own, shared
# with no socket's hop. On the default pool (where PostgreSQL hops run) a room's answers kept it
# busy past the presence's expiry too (N = 5,000).
PRESENCE_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-presence")


def presence_hop(func):
    return Hop(func, thread_sensitive=False, executor=PRESENCE_THREAD)


def hub_for(code: str, competition_id: int) -> GameHub:
    hub = HUBS.get(code)
    if hub is None:
        hub = HUBS[code] = GameHub(code, competition_id)
    return hub


async def advance_if_overdue(code: str, competition_id: int) -> bool:
    at = timezone.now()
    if not await hop(services.has_overdue)(competition_id=competition_id, at=at):
        return False
    if await hop(services.advance_overdue)(competition_id=competition_id, at=at):
        await broadcast(code, competition_id)
        return True
    return False
