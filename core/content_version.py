"""The content version, and API reads cached by it.

Every statement that writes to a content table (the apps in ``CONTENT_APPS``, except the
per-user and bookkeeping tables in ``NOT_CONTENT``) appends a row to ``core_contentchange``
through a statement-level PostgreSQL trigger, installed after each ``migrate`` for every such
table, including tables added later. The newest row is the version: it moves at commit (a
reader never sees an uncommitted row of another transaction), it covers bulk updates and raw
SQL that model signals would miss, and ids never recur, even after a rollback, so a response
cached under a version can never be taken for another version's. Writers also hold an
advisory lock (shared, so they never wait for each other) until they end; a reader that
cannot take it exclusively knows a change may still commit below the newest id, and does
not store what it computed then.

``CachedReadMixin`` keys a viewset's list and detail responses by that version, the request
(path, query, host, format), the caller (a signed-in user, or anonymous; roles and
memberships are content tables, so changing them moves the version) and today's date
(overdue changes at midnight). A hit costs one index probe for the newest change and one
cache get instead of the count, the page, the prefetches, the serializers and the renderer
(JSON answers are stored rendered; the browsable API's pages are never stored). Only 200
responses are stored; permissions are checked before the cache is consulted, as on any
request.

Only PostgreSQL carries the triggers; on SQLite (the embedded default for one machine)
nothing is cached and every read is computed.
"""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import set_response_etag

logger = logging.getLogger(__name__)

CONTENT_APPS = ("documents", "tasks", "disclosure", "departments")
# Written for one person or by the jobs; no cached response reads them.
NOT_CONTENT = {
    "tasks.notification",
    "tasks.reminder",
    "tasks.reminderemail",
    "documents.importrun",
}
TRIGGER = "content_change_trg"
FUNCTION = "core_note_content_change"


def content_tables() -> list[str]:
    tables = []
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            meta = model._meta
            if meta.label_lower in NOT_CONTENT or not meta.managed or meta.proxy:
                continue
            if model.__name__.startswith("Historical"):  # written with their own table
                continue
            tables.append(meta.db_table)
            tables.extend(
                f.remote_field.through._meta.db_table
                for f in meta.local_many_to_many
                if f.remote_field.through._meta.auto_created
            )
    # Who may see what: group membership (roles) is Django's table, not an app's.
    tables.append("auth_user_groups")
    return sorted(set(tables))


LOCK_CLASS = 0x6277  # advisory lock class of the content writers; the key is the database
NEWEST_SQL = "SELECT id, at FROM core_contentchange ORDER BY id DESC LIMIT 1"

VERSION_SQL = f"""
CREATE OR REPLACE FUNCTION core_content_version(OUT id bigint, OUT at timestamptz,
                                                OUT settled boolean)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  -- No writer of content is between its first write and its commit (writers hold the lock
  -- shared from their first content statement to their end). The SELECT below then takes a
  -- snapshot of its own, in which every id below the newest is committed or rolled back.
  settled := pg_try_advisory_lock({LOCK_CLASS}, hashtext(current_database()));
  -- (NEWEST_SQL, spelled with an alias: here id and at are also the OUT parameters)
  SELECT c.id, c.at INTO id, at FROM core_contentchange c ORDER BY c.id DESC LIMIT 1;
  IF settled THEN
    PERFORM pg_advisory_unlock({LOCK_CLASS}, hashtext(current_database()));
  END IF;
END $$
"""

NOTE_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared({LOCK_CLASS}, hashtext(current_database()));
  INSERT INTO core_contentchange DEFAULT VALUES;
  RETURN NULL;
END $$
"""


def install_triggers(using: str = "default", **_ignored) -> int:
    """Create (or replace) the functions and the trigger on every content table; run after
    each migrate, so tables added later are covered too."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return 0
    existing = set(conn.introspection.table_names())
    tables = [t for t in content_tables() if t in existing]
    with conn.cursor() as cursor:
        cursor.execute(NOTE_SQL)
        cursor.execute(VERSION_SQL)
        for table in tables:
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {conn.ops.quote_name(table)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
    return len(tables)


def enabled() -> bool:
    return connection.vendor == "postgresql" and settings.API_READ_CACHE


def current() -> tuple[str, bool]:
    """The content version — the newest change's id and time, "0" before the first write —
    and whether it is settled: no writer of content was in progress when it was read.

    A version is unique across databases too: a recreated or restored database counts ids
    from 1 again, but not at the same microsecond, so a shared cache (Redis) never serves
    one database's answer for another's. An answer computed while a writer is in progress
    is not stored: that writer may commit a change numbered below the newest one, which
    would leave the version where it is.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, at, settled FROM core_content_version()")
        change_id, at, settled = cursor.fetchone()
    return _version((change_id, at)), settled


def prune(keep: int = 1000) -> int:
    """Drop all but the newest ``keep`` change rows (only the maximum matters)."""
    from .models import ContentChange

    top = ContentChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    deleted, _ = ContentChange.objects.filter(id__lte=top - keep).delete()
    return deleted


def caller(user) -> str:
    """Whose answer: each signed-in user has answers of their own (what they may see follows
    from their groups and memberships, whose tables are content too, so changing them moves
    the version); anonymous readers share theirs."""
    return f"user:{user.pk}" if user.is_authenticated else "anonymous"


JSON = "application/json"


def cache_key(request, view_name: str, version: str, *, user=None, media_type=None) -> str:
    parts = [
        view_name,
        request.get_host(),
        request.get_full_path(),
        media_type if media_type is not None else getattr(request, "accepted_media_type", ""),
        caller(user if user is not None else request.user),
        timezone.localdate().isoformat(),
        version,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"api-read:{digest}"


def _stored_response(key: str):
    try:
        stored = cache.get(key)
    except Exception:  # the cache (Redis) is down: answer from the database
        logger.warning("API read cache unavailable; answering uncached", exc_info=True)
        return None
    if stored is None:
        return None
    content, content_type, etag = stored
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag  # as ConditionalGetMiddleware made it, not hashed again
    response["X-Read-Cache"] = "hit"
    return response


class ReadCacheMiddleware:
    """Answers a cached API read before Django REST framework runs at all.

    Only what the view itself would answer from the cache: a GET of a CachedReadMixin
    viewset's list or detail, asking for JSON, by an anonymous reader or a signed-in user
    (session, or ``Authorization: Token …`` with a token of an active user). The key is the
    one the view stores under; the answer was computed for this very caller and URL under
    this version, after the view's permission checks. Anything else — another method or
    media type, another kind of credentials, an unknown token or an inactive user, a miss —
    goes on to the view, which decides as always. The framework's pipeline (authentication
    classes, negotiation, the response's finalisation) was most of what a hit cost.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and request.path_info.startswith("/api/") and enabled():
            response = self._hit(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _hit(self, request):
        accept = request.headers.get("Accept", "*/*").strip()
        if accept not in ("*/*", JSON) or "format" in request.GET:
            return None
        view_class, action = _cached_view(request.path_info)
        if view_class is None:
            return None
        found = self._caller_and_version(request)
        if found is None:
            return None
        user, version = found
        key = cache_key(
            request, f"{view_class.__name__}.{action}", version, user=user, media_type=JSON
        )
        return _stored_response(key)

    @staticmethod
    def _caller_and_version(request):
        """The user REST framework would see and the content version, in one round trip;
        None when only the view should decide. (A stored answer is valid whether or not
        the version is settled, so the newest change is read directly.)"""
        from django.contrib.auth import get_user_model
        from rest_framework.authtoken.models import Token

        header = request.headers.get("Authorization")
        if header is None:
            with connection.cursor() as cursor:
                cursor.execute(NEWEST_SQL)
                row = cursor.fetchone()
            return request.user, _version(row)  # session (AuthenticationMiddleware) or anonymous
        keyword, _, key = header.partition(" ")
        if keyword != "Token" or not key or " " in key:
            return None
        users, tokens = get_user_model()._meta.db_table, Token._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT u.id, u.is_active, c.id, c.at FROM (SELECT 1) AS one "
                f"LEFT JOIN {tokens} t ON t.key = %s LEFT JOIN {users} u ON u.id = t.user_id "
                f"LEFT JOIN LATERAL ({NEWEST_SQL}) c ON true",
                [key],
            )
            user_id, active, *newest = cursor.fetchone()
        if user_id is None or not active:
            return None  # the view answers 401
        return SimpleNamespace(pk=user_id, is_authenticated=True), _version(newest)


@lru_cache(maxsize=4096)
def _cached_view(path: str) -> tuple[type | None, str]:
    """The CachedReadMixin viewset and action (list/retrieve) a GET of ``path`` reaches, or
    (None, ""): resolved once per path, not on every request (the URLconf does not change
    while the process runs)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return None, ""
    view_class = getattr(match.func, "cls", None)
    action = (getattr(match.func, "actions", None) or {}).get("get", "")
    if view_class is None or action not in ("list", "retrieve"):
        return None, ""
    if not issubclass(view_class, CachedReadMixin):
        return None, ""
    return view_class, action


def _version(row) -> str:
    """The version string of a (id, at) row of the newest change; "0" for none."""
    if not row or row[0] is None:
        return "0"
    return f"{row[0]}@{row[1].timestamp():.6f}"


class CachedReadMixin:
    """List and retrieve answered from the cache while the content version holds."""

    read_cache_seconds = 600

    def _cached(self, handler, request, *args, **kwargs):
        if not enabled():
            return handler(request, *args, **kwargs)
        version, settled = current()
        key = cache_key(request, f"{type(self).__name__}.{self.action}", version)
        response = _stored_response(key)
        if response is not None:
            return response
        response = handler(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if not settled:
            response["X-Read-Cache"] = "unsettled"  # computed while a writer was open
            return response
        if getattr(request.accepted_renderer, "format", "") != "json":
            return response  # the browsable API page carries per-session bits: not stored
        # Stored rendered: a hit then costs no serializer and no renderer.
        response = self.finalize_response(request, response, *args, **kwargs)
        response.render()
        set_response_etag(response)  # what ConditionalGetMiddleware would set: kept with it
        try:
            stored = (response.content, response["Content-Type"], response["ETag"])
            cache.set(key, stored, self.read_cache_seconds)
        except Exception:
            logger.warning("API read cache unavailable; response not stored", exc_info=True)
            return response
        response["X-Read-Cache"] = "miss"
        return response

    def list(self, request, *args, **kwargs):
        return self._cached(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._cached(super().retrieve, request, *args, **kwargs)
