"""One database hop of a live-drill socket, on a connection that is kept between hops.

Channels' `database_sync_to_async` closes the connection after every call (CONN_MAX_AGE is 0 under
ASGI), so each answer opened and closed a SQLite file. Socket hops all run on asgiref's one
thread-sensitive thread, so on SQLite that thread keeps its one connection (closed only when it
broke); on PostgreSQL the connection goes back to Django's pool after each hop, as before.
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
    def thread_handler(self, loop, *args, **kwargs):
        _tidy()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            _tidy()


hop = Hop
