"""SQLite with a small pool of open connections, for Django under ASGI.

Under ASGI every request runs its sync code in a thread of its own (asgiref gives each request a
fresh single-thread executor), and Django's connections are per thread: CONN_MAX_AGE cannot keep a
connection between requests, so every request opened the database file again, ran the PRAGMAs and
registered Django's SQL functions (bench/pages.py; 5% of the server's time on the home page).
Django's own pool (5.1+) is PostgreSQL only. Here Django still "closes" the connection at the end
of every request (CONN_MAX_AGE=0, request_finished), and closing hands the sqlite3 connection back
to a pool kept per database file, rolled back and ready; the next request's connect takes it
instead of opening the file. A connection is used by one thread at a time (the pool hands it out
to one wrapper only), which is why Django opens SQLite connections with check_same_thread=False.

OPTIONS["pool_size"] (DB_POOL_MAX_SIZE in settings) bounds the idle connections kept; 0 turns
pooling off. An in-memory database is never pooled (closing it would lose it; Django keeps it).
"""

import queue
import threading

from django.db import DatabaseError
from django.db.backends.sqlite3 import base

_pools: dict[str, queue.LifoQueue] = {}
_lock = threading.Lock()


def pool_for(name: str, size: int) -> queue.LifoQueue:
    with _lock:
        pool = _pools.get(name)
        if pool is None:
            pool = _pools[name] = queue.LifoQueue(maxsize=size)
        return pool


def discard_pools() -> None:
    """Close every idle pooled connection (tests that delete a database file, shutdown)."""
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        while True:
            try:
                pool.get_nowait().close()
            except queue.Empty:
                break


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        self.pool_size = int(params.pop("pool_size", 0))
        return params

    def _pool(self) -> queue.LifoQueue | None:
        if getattr(self, "pool_size", 0) <= 0 or self.is_in_memory_db():
            return None
        return pool_for(str(self.settings_dict["NAME"]), self.pool_size)

    def get_new_connection(self, conn_params):
        # The pool of the file this connection belongs to, fixed now: the NAME in settings_dict
        # may change before it closes (the test runner switching to the test database).
        self._connection_pool = pool = self._pool()
        if pool is not None:
            try:
                return pool.get_nowait()
            except queue.Empty:
                pass
        return super().get_new_connection(conn_params)

    def _close(self):
        conn, pool = self.connection, getattr(self, "_connection_pool", None)
        if conn is None:
            return None
        if pool is None:
            return super()._close()
        try:
            with self.wrap_database_errors:
                if conn.in_transaction:
                    conn.rollback()
            pool.put_nowait(conn)
        except (queue.Full, DatabaseError):
            return super()._close()
        return None
