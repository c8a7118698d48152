"""Whole pages served again to the same person while nothing they were rendered from has changed.

A decorated view's 200 response is stored under a key made of everything the render depends on that is
not in the database (the view and full path, the person's own row, language, the htmx headers, the
CSRF secret the page's token belongs to, a time bucket), together with the version of every table its
SQL read. A write to a table (any INSERT/UPDATE/DELETE on any connection: ORM, bulk update, raw SQL)
bumps that table's version after its transaction commits, so the next request renders again. The
versions are read *before* a miss renders: a write that commits during the render leaves the entry
stale rather than wrong. docs/caching.md says what it keys on, when it is off and what it costs.
"""

import hashlib
import logging
import re
import secrets
import threading
import time
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils import timezone

log = logging.getLogger(__name__)

ALIAS = "pages"
VERSION_PREFIX = "v:"
ANY = "*"  # a write whose table could not be told: every entry depends on it
EVERYONE = "all"  # a personal table's generation: every write not made through writes_of() bumps it
# Django quotes every table name; raw SQL may not. FROM ( of a subquery is not a table.
READ_TABLES = re.compile(r'\b(?:FROM|JOIN)\s+"?([A-Za-z_]\w*)', re.IGNORECASE)
WRITE_TABLES = re.compile(
    r'\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?"?([A-Za-z_]\w*)',
    re.IGNORECASE,
)
# Statements that neither read nor change rows.
QUIET = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "PRAGMA", "SET ", "SHOW", "EXPLAIN")
# The request headers a decorated view looks at besides the path (django-htmx's request.htmx).
HTMX_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_HX_BOOSTED", "HTTP_HX_HISTORY_RESTORE_REQUEST")

_local = threading.local()  # per request thread: the tables its render read, its own version bumps
_all_tables: frozenset[str] | None = None
_personal_tables: frozenset[str] | None = None
# A bump that could not reach the cache (Redis away): until one gets through, this process bumps `*`
# first, so no page read before the lost write is served again; meanwhile writes do not wait for it.
_lost = {"since": None, "retry_at": 0.0}
RETRY_SECONDS = 1.0


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE", False)


def _cache():
    return caches[ALIAS]


def bucket_seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 60)


# --- Versions ---------------------------------------------------------------------------------


def _tables_of(names) -> frozenset[str]:
    from django.apps import apps

    return frozenset(apps.get_model(name)._meta.db_table.lower() for name in names)


_untracked: frozenset[str] | None = None


def untracked_tables() -> frozenset[str]:
    """settings.PAGE_CACHE_UNTRACKED: tables whose writes bump nothing (a live drill's answers must not
    wait for the cache); a render that reads one of them is never stored."""
    global _untracked
    if _untracked is None:
        _untracked = _tables_of(getattr(settings, "PAGE_CACHE_UNTRACKED", ()))
    return _untracked


def known_tables() -> frozenset[str]:
    """The tables that have a version (a render that reads any other is not stored)."""
    global _all_tables
    if _all_tables is None:
        from django.apps import apps

        every = frozenset(m._meta.db_table.lower() for m in apps.get_models(include_auto_created=True))
        _all_tables = (every - untracked_tables()) | {ANY}
    return _all_tables


def personal_tables() -> frozenset[str]:
    """settings.PAGE_CACHE_PERSONAL: tables with a per-person partition (in settings, not in the
    decorators, so that a command or a shell that never loads the URLs bumps them the same way)."""
    global _personal_tables
    if _personal_tables is None:
        from django.apps import apps

        names = getattr(settings, "PAGE_CACHE_PERSONAL", ())
        _personal_tables = frozenset(apps.get_model(name)._meta.db_table.lower() for name in names)
    return _personal_tables


@contextmanager
def writes_of(person_id: int, *models):
    """A service vouches that inside this block it writes only `person_id`'s rows of these models
    (tables in PAGE_CACHE_PERSONAL). Their writes then bump the person's partition and the table's
    version, but not the table-wide generation: the pages other people read as their own stay."""
    tables = frozenset(m._meta.db_table.lower() for m in models)
    outer = getattr(_local, "writer", None)
    _local.writer = (person_id, tables)
    try:
        yield
    finally:
        _local.writer = outer


def _write_keys(tables: set[str]) -> set[str]:
    """The version names a write to these tables bumps."""
    personal = personal_tables() & tables
    if not personal:
        return tables
    writer = getattr(_local, "writer", None)
    names = set(tables)
    for table in personal:
        if writer is not None and table in writer[1]:
            names.add(f"{table}:{writer[0]}")
        else:
            names.add(f"{table}:{EVERYONE}")
    return names


def _fresh() -> int:
    # A version that starts anywhere, never at 0: a version key dropped by the cache and made again
    # cannot come back with the value an old entry was stored with.
    return secrets.randbits(60) + 1


def bump(tables) -> None:
    """The tables' rows changed (called after the commit). Never raises and never waits for a cache
    that is away (a live drill's answers must not): a lost bump is made up by bumping `*`."""
    if _lost["since"] is not None:
        if time.monotonic() < _lost["retry_at"]:
            return
        _lost["since"] = None
        tables = {*tables, ANY}
    cache = _cache()
    own = getattr(_local, "own", None)
    for table in tables:
        key = VERSION_PREFIX + table
        try:
            try:
                value = cache.incr(key)
            except ValueError:  # never written, or dropped by the cache
                cache.add(key, _fresh(), None)
                value = None
            if own is not None:
                count, _last = own.get(table, (0, None))
                own[table] = (count + 1, value)
        except Exception:
            log.exception("page cache: could not bump the version of %s", table)
            _lost["since"], _lost["retry_at"] = time.monotonic(), time.monotonic() + RETRY_SECONDS
            return


def snapshot(extra=()) -> dict[str, int]:
    """Every table's version (and the viewer's partitions), before a miss renders (one get_many;
    missing ones are made)."""
    cache = _cache()
    keys = [VERSION_PREFIX + t for t in (*known_tables(), *extra)]
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        for key in missing:
            cache.add(key, _fresh(), None)
        found |= cache.get_many(missing)
    return {k[len(VERSION_PREFIX) :]: v for k, v in found.items()}


# --- The connection wrapper -------------------------------------------------------------------


def track(execute, sql, params, many, context):
    """connection.execute_wrappers: note the tables a recorded render reads; bump the tables every
    write changes, after its transaction commits (at once in autocommit)."""
    head = sql.lstrip()[:9].upper()
    if head.startswith("SELECT"):
        reading = getattr(_local, "reading", None)
        if reading is not None:
            reading.update(t.lower() for t in READ_TABLES.findall(sql))
        return execute(sql, params, many, context)
    if head.startswith(QUIET):
        return execute(sql, params, many, context)
    if head.startswith("WITH"):  # a CTE reads, and may write
        reading = getattr(_local, "reading", None)
        if reading is not None:
            reading.update(t.lower() for t in READ_TABLES.findall(sql))
    result = execute(sql, params, many, context)
    found = {t.lower() for t in WRITE_TABLES.findall(sql)}
    tables = found - untracked_tables()
    if (head.startswith("WITH") and not found) or (found and not tables):
        return result
    _after_commit(context["connection"], _write_keys(tables) if tables else {ANY})
    return result


def _after_commit(connection, tables: set[str]) -> None:
    if getattr(settings, "PAGE_CACHE_EAGER_BUMPS", False):
        # Tests: the test's own transaction never commits, so on_commit would never run.
        bump(tables)
    if not connection.in_atomic_block:
        bump(tables)  # autocommit: already committed (or manual transactions: the best we can do)
        return
    # One on_commit per table and transaction. Django replaces run_on_commit after a commit, a
    # rollback and a savepoint rollback (which drops the callbacks inside it): then register again.
    pending = getattr(connection, "_page_cache_pending", None)
    if pending is None or pending[0] is not connection.run_on_commit:
        pending = (connection.run_on_commit, set())
        connection._page_cache_pending = pending
    new = tables - pending[1]
    if new:
        pending[1].update(new)
        connection.on_commit(lambda: bump(new), robust=True)


def install(sender=None, connection=None, **kwargs) -> None:
    """connection_created: every connection of every process (server, commands, shell) reports its
    writes, or a page could outlive a change made elsewhere."""
    if connection is not None and enabled() and track not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, track)


def forget_everything(**kwargs) -> None:
    """setting_changed (tests): a page may show a setting, which is in no table."""
    if enabled():
        bump({ANY})


# --- The decorator ----------------------------------------------------------------------------


def _key(request, view_id: str) -> str | None:
    csrf_secret = request.META.get("CSRF_COOKIE")
    if not csrf_secret:
        return None  # the render mints a secret and sets its cookie: nothing to serve it again to
    # The user comes from the cache (accounts.backends), not from SQL: its row is part of the key.
    # Read from the object itself, not through request.user's lazy wrapper (a tenth of a hit's time).
    user = getattr(request.user, "_wrapped", request.user)
    row = user.__dict__
    person = tuple(row.get(f.attname) for f in user._meta.concrete_fields)
    bucket = int(timezone.now().timestamp() // bucket_seconds())
    material = "\x00".join(
        (
            view_id,
            request.get_full_path(),
            request.META.get("HTTP_HOST", ""),
            "s" if request.is_secure() else "",
            getattr(request, "LANGUAGE_CODE", ""),
            *(request.META.get(h, "") for h in HTMX_HEADERS),
            csrf_secret,
            str(bucket),
            repr(person),
        )
    )
    return "p:" + hashlib.blake2b(material.encode(), digest_size=20).hexdigest()


def _messages_pending(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0  # len() does not mark them as seen


def _bypass(request) -> bool:
    return (
        not enabled()
        or request.method not in ("GET", "HEAD")
        or not request.user.is_authenticated
        or "HTTP_IF_NONE_MATCH" in request.META  # the view answers 304 itself, cheaply
        or "HTTP_IF_MODIFIED_SINCE" in request.META
        or getattr(_local, "reading", None) is not None  # a decorated view called by another
        or _messages_pending(request)
    )


def _replay(entry) -> HttpResponse:
    _keys, _versions, status, headers, content, _csrf_used = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _storable(request, response, *, csrf_secret, session_before) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
        and request.META.get("CSRF_COOKIE") == csrf_secret  # not rotated (a login, for one)
        and not _messages_pending(request)
        and dict(request.session.items()) == session_before
    )


def cached_page(view=None, *, own_writes=(), personal=()):
    """Serve the view's page from the page cache while its tables and its key are unchanged.

    For GET pages a person opens often whose content depends only on the key (see _key) and the
    database. A hit skips the view entirely, its writes included. A render that writes a table it
    also read is not stored (its page may show the row before the write), unless the view names the
    model in own_writes: it vouches that the page shows its own write (the lesson page records the
    opening in LessonProgress and shows that progress; the open page's heartbeats count the reading
    time, a hit only skips the opening's gap).

    personal: models (of PAGE_CACHE_PERSONAL) of which the view vouches to read only the viewer's own
    rows; the page then depends on the viewer's partition of the table, not on everyone's writes."""
    if view is None:
        return lambda v: cached_page(v, own_writes=own_writes, personal=personal)
    view_id = f"{view.__module__}.{view.__qualname__}"
    credited = frozenset(m._meta.db_table.lower() for m in own_writes)
    own_rows = frozenset(m._meta.db_table.lower() for m in personal)
    if own_rows - personal_tables():
        raise ImproperlyConfigured(f"{view_id}: {sorted(own_rows)} must be in settings.PAGE_CACHE_PERSONAL")

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if _bypass(request):
            return view(request, *args, **kwargs)
        key = _key(request, view_id)
        if key is None:
            return view(request, *args, **kwargs)
        cache = _cache()
        if _lost["since"] is not None:
            bump(())  # made up for, or not yet: then no page is served from the cache
            if _lost["since"] is not None:
                return view(request, *args, **kwargs)
        try:
            entry = cache.get(key)
            current = cache.get_many(entry[0]) if entry is not None else None
        except Exception:
            log.exception("page cache: could not read %s", request.path)
            return view(request, *args, **kwargs)
        if entry is not None:
            keys, versions = entry[0], entry[1]
            if all(current.get(k) == v for k, v in zip(keys, versions, strict=True)):
                if entry[5]:  # the render used the token: the middleware renews the cookie, as after a render
                    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
                return _replay(entry)
        return _render(request, view, args, kwargs, key=key, credited=credited, own_rows=own_rows)

    return wrapped


def _render(request, view, args, kwargs, *, key: str, credited: frozenset[str], own_rows: frozenset[str]):
    cache = _cache()
    csrf_secret = request.META.get("CSRF_COOKIE")
    session_before = dict(request.session.items())
    viewer = request.user.pk

    def names(table: str) -> tuple[str, ...]:
        return (f"{table}:{EVERYONE}", f"{table}:{viewer}") if table in own_rows else (table,)

    try:
        before = snapshot(name for table in own_rows for name in names(table))
    except Exception:
        log.exception("page cache: could not read the versions for %s", request.path)
        return view(request, *args, **kwargs)
    _local.reading, _local.own = set(), {}
    try:
        response = view(request, *args, **kwargs)
    finally:
        read, own = _local.reading, _local.own
        _local.reading = _local.own = None
    if not _storable(request, response, csrf_secret=csrf_secret, session_before=session_before):
        return response
    read.add(ANY)
    versions = {}
    for table in read:
        for name in names(table):
            if name not in before:
                return response  # a table we hold no version of (raw SQL on something else)
            version = before[name]
            if name in own:
                # The render wrote a table it read. Stored only if the view vouched for it, and only
                # when no other write came between the snapshot and the render's own bumps.
                count, last = own[name]
                if table not in credited or last is None or last != version + count:
                    return response
                version = last
            versions[name] = version
    keys = tuple(VERSION_PREFIX + t for t in sorted(versions))
    entry = (
        keys,
        tuple(versions[k[len(VERSION_PREFIX) :]] for k in keys),
        response.status_code,
        list(response.items()),
        response.content,
        bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")),
    )
    try:
        cache.set(key, entry, bucket_seconds() + 1)
    except Exception:
        log.exception("page cache: could not store %s", request.path)
    return response
