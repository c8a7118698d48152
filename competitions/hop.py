"""One database hop of a live-drill socket, on a connection that is kept between hops.

Channels' `database_sync_to_async` closes the connection after every call (CONN_MAX_AGE is 0 under
ASGI), so each answer opened and closed a SQLite file. On SQLite the hops of every socket run on
asgiref's one thread-sensitive thread, which keeps its one connection (closed only when it broke):
SQLite serialises writers anyway. On PostgreSQL they run on the default pool's threads and the
connection goes back to Django's pool after each hop: a hop is mostly waiting for the server's
replies, and on one thread a room's answers queued behind each other's round trips (py-spy of a
worker at N = 5,000: a third of its samples in psycopg's `Connection.wait`, acks p95 19 s at
N = 2,000). A socket still awaits its own hops in order; answers take no lock on the game.
"""

from asgiref.sync import SyncToAsync
from django.db import connections


def _tidy() -> None:
    for conn in connections.all(initialized_only=True):
        if conn.vendor == "sqlite":
            if conn.connection is not None and conn.errors_occurred and not conn.is_usable():
                conn.close()
        else:
            conn.close_if_unusable_or_obsolete()


class Hop(SyncToAsync):
    def __init__(self, func, thread_sensitive: bool | None = None, **kwargs):
        if thread_sensitive is None:
            thread_sensitive = connections["default"].vendor == "sqlite"
        super().__init__(func, thread_sensitive=thread_sensitive, **kwargs)

    def thread_handler(self, loop, *args, **kwargs):
        _tidy()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            _tidy()


hop = Hop
