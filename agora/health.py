"""Health endpoints for the proxy and the monitoring (docs/operations.md).

- /healthz: liveness. The process's event loop answers; touches nothing else, so a database
  outage does not get every process restarted at once.
- /readyz: readiness. The database answers a query on a connection of its own, Redis answers
  a PING, and a message sent through the channel layer comes back to THIS process's live hub
  (its reader is alive). The checks run at once, each within READY_TIMEOUT seconds. 200 when
  all pass, 503 otherwise; the body names the failing checks, never a person, a host or a
  connection string.
- /metrics: the Prometheus exposition (agora.metrics), for the monitoring only: nginx serves
  it to the loopback only (deploy/nginx.conf); with METRICS_TOKEN set the application also
  requires `Authorization: Bearer <token>`.

They are served by `guard`, a small ASGI application in front of Django (config/asgi.py), not
by Django views: Django runs its synchronous middleware in the process's single database
thread, which a stalled database blocks (measured: /readyz through Django did not answer
within 10 s during a PostgreSQL outage). A probe must answer exactly when that happens.
"""

import asyncio
import hmac
import json
import logging
import time

from django.conf import settings

from agora import metrics

log = logging.getLogger(__name__)

READY_TIMEOUT = 2.0  # seconds, per check (the checks run concurrently)
PATHS = {"/healthz", "/readyz", "/metrics"}
LIBPQ_OPTIONS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "options", "application_name"}


# ---------------------------------------------------------------------- checks


async def check_database() -> None:
    """SELECT 1 on a connection of its own (not the pool, not the database thread, both of which an outage blocks)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        import psycopg

        options = {
            "dbname": database.get("NAME") or "",
            "user": database.get("USER") or None,
            "password": database.get("PASSWORD") or None,
            "host": database.get("HOST") or None,
            "port": database.get("PORT") or None,
        }
        tls = {k: v for k, v in (database.get("OPTIONS") or {}).items() if k in LIBPQ_OPTIONS}
        connection = await psycopg.AsyncConnection.connect(
            connect_timeout=max(1, int(READY_TIMEOUT)), **{k: v for k, v in options.items() if v is not None}, **tls
        )
        try:
            await connection.execute("SELECT 1")
        finally:
            await connection.close()
    else:
        import sqlite3

        def query():
            with sqlite3.connect(database["NAME"], timeout=READY_TIMEOUT) as connection:
                connection.execute("SELECT 1").fetchone()

        await asyncio.to_thread(query)


async def check_redis() -> None:
    if not settings.REDIS_URL:
        return  # The embedded default (in-memory layer and cache) has no Redis to check.
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=READY_TIMEOUT)
    try:
        await client.ping()
    finally:
        await client.aclose()


async def check_channel_layer() -> None:
    from agora import hub as live_hub

    await live_hub.get().probe(READY_TIMEOUT)


CHECKS = {"database": check_database, "redis": check_redis, "channel_layer": check_channel_layer}


async def _run(name: str, check) -> tuple[str, str, float]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), READY_TIMEOUT)
        outcome = "ok"
    except asyncio.TimeoutError:
        outcome = "timeout"
        log.warning("readyz: %s did not answer within %.1f s", name, READY_TIMEOUT)
    except Exception as exc:
        outcome = "error"
        # The exception's class only: its text may carry a host name or a connection string.
        log.warning("readyz: %s failed (%s)", name, type(exc).__name__)
    return name, outcome, time.perf_counter() - started


async def readiness() -> tuple[bool, dict]:
    results = await asyncio.gather(*(_run(name, check) for name, check in CHECKS.items()))
    ready = all(outcome == "ok" for _name, outcome, _seconds in results)
    return ready, {
        "status": "ok" if ready else "unavailable",
        "checks": {name: {"status": outcome, "ms": round(seconds * 1000, 1)} for name, outcome, seconds in results},
    }


# ---------------------------------------------------------------------- ASGI


async def _respond(send, status: int, body: bytes, content_type: str, extra: list | None = None) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-cache, no-store, must-revalidate, max-age=0"),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _authorised(scope) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return True
    given = dict(scope.get("headers") or []).get(b"authorization", b"")
    return hmac.compare_digest(given, f"Bearer {token}".encode())


async def serve(scope, receive, send) -> None:
    path = scope["path"]
    if scope["method"] not in ("GET", "HEAD"):
        return await _respond(send, 405, b"GET only.\n", "text/plain; charset=utf-8", [(b"allow", b"GET, HEAD")])
    if path == "/healthz":
        return await _respond(send, 200, b"ok\n", "text/plain; charset=utf-8")
    if path == "/readyz":
        ready, body = await readiness()
        return await _respond(send, 200 if ready else 503, json.dumps(body).encode(), "application/json")
    if not _authorised(scope):
        return await _respond(send, 401, b"A bearer token is required.\n", "text/plain; charset=utf-8",
                              [(b"www-authenticate", b"Bearer")])
    from prometheus_client import CONTENT_TYPE_LATEST

    await _respond(send, 200, metrics.exposition(), CONTENT_TYPE_LATEST)


def guard(django_app):
    """The HTTP application: the health paths here, everything else to Django."""

    async def app(scope, receive, send):
        if scope["type"] == "http" and scope["path"] in PATHS:
            return await serve(scope, receive, send)
        return await django_app(scope, receive, send)

    return app
