"""Reads from a PostgreSQL replica, only where it is safe (docs/operations.md, "Beyond one machine").

With `DATABASE_REPLICA_URL` set, settings define a second alias, `replica`. Reads go there only
inside an explicit scope, `replica_reads()`, which `ReplicaReadsMiddleware` enters for a GET of
one of the public reading routes below. Everything else reads and writes the primary
(`default`): the live room (websockets), every write, every form, every request outside the
scope, tasks and management commands. A context variable, not a thread-local: Django runs sync
views in threads and async code on the event loop, and both see the value of their own request.

Inside the scope:
- a write (and `select_for_update()`, `get_or_create()`…) goes to the primary;
- a read inside a transaction on the primary stays on the primary (a service called from a
  reading page reads what it writes);
- people, sessions and the rest of Django's own apps are read from the primary: a login or a
  session written a moment ago must not be missing on the replica, nor a person logged out.
A replica that is the very database of `default` (Django's test runner makes it a TEST MIRROR)
is not used: its second connection would not see the test's transaction.

A browser that has just posted (a signature, a form, a login) reads from the primary for
`REPLICA_STICKY_SECONDS`, so that it sees what it wrote even while the replica lags.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import Resolver404, resolve

REPLICA = "replica"
# The apps whose data a reading page shows and a replica may serve a little late.
REPLICA_APPS = frozenset({"manifesto", "agora", "deliberation"})
# The public reading routes (GET and HEAD only) that read from the replica: the text, its
# history and versions, the public lists, and the whole read-only API (its namespace).
READING_ROUTES = frozenset({
    "manifesto:read",
    "manifesto:history",
    "manifesto:clause",
    "manifesto:provenance",
    "manifesto:versions",
    "manifesto:compare",
    "manifesto:version",
    "manifesto:version_text",
    "signatures:list",
    "contributions:list",
})
READING_NAMESPACES = frozenset({"api"})
STICKY_COOKIE = "coecrire_recent_write"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")

_reading = ContextVar("coecrire_replica_reads", default=False)


@contextmanager
def replica_reads():
    """Reads of the reading apps' models may come from the replica while this block runs."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def in_replica_scope() -> bool:
    return _reading.get()


def _identity(settings_dict: dict) -> tuple:
    return tuple(settings_dict.get(key) for key in ("ENGINE", "HOST", "PORT", "NAME"))


def replica_configured() -> bool:
    return REPLICA in connections.settings


def replica_available() -> bool:
    """A replica is configured and is another database than the primary."""
    if not replica_configured():
        return False
    return _identity(connections[REPLICA].settings_dict) != _identity(connections[DEFAULT_DB_ALIAS].settings_dict)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _reading.get()
            and model._meta.app_label in REPLICA_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and replica_available()
        ):
            return REPLICA
        # Explicit, not None: Django would otherwise follow an instance read from the replica.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's very rows: an object read from one may point to the other's.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica gets its schema from the primary, by replication.
        return db == DEFAULT_DB_ALIAS


def _is_reading_route(request) -> bool:
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return match.view_name in READING_ROUTES or bool(set(match.namespaces) & READING_NAMESPACES)


def recently_wrote(request) -> bool:
    try:
        until = float(request.COOKIES.get(STICKY_COOKIE, "0"))
    except ValueError:
        return False
    return until > time.time()


class ReplicaReadsMiddleware:
    """Enter the replica scope for a GET of a reading route; after a write, stick to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        if request.method in ("GET", "HEAD") and not recently_wrote(request) and _is_reading_route(request):
            with replica_reads():
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400 and settings.REPLICA_STICKY_SECONDS:
            seconds = settings.REPLICA_STICKY_SECONDS
            # The value (the window's end) decides; the cookie lives a second longer, since clients
            # count its age in whole seconds (Python's cookie jar cut 0.6 s off a 5 s window).
            response.set_cookie(
                STICKY_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds + 1,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
