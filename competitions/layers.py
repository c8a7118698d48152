"""The in-process channel layer for the embedded default: a broadcast costs what a broadcast costs.

Channels' InMemoryChannelLayer deep-copies every message once per member and scans every queue of
every channel on every send and receive (expiry), so a group send to 1,000 phones was quadratic.
Game events carry only an already serialised frame (a str) and small immutable values, so here a
member gets a shallow copy of the event, and expiry is cleaned at most once a second.
"""

import asyncio
import contextlib
import time

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer


class SharedMemoryChannelLayer(InMemoryChannelLayer):
    CLEAN_EVERY = 1.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cleaned_at = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._cleaned_at >= self.CLEAN_EVERY:
            self._cleaned_at = now
            super()._clean_expired()

    def _put(self, channel: str, message: dict) -> None:
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        queue.put_nowait((time.time() + self.expiry, dict(message)))

    async def send(self, channel, message):
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        try:
            self._put(channel, message)
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    async def group_send(self, group, message):
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        for channel in list(self.groups.get(group, {})):
            with contextlib.suppress(asyncio.QueueFull):  # a full phone misses it and resyncs on the gap
                self._put(channel, message)
