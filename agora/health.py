"""Health endpoints for the proxy and the monitoring (docs/operations.md).

- /healthz: liveness. The process answers HTTP; touches nothing else, so a database outage
  does not get every process restarted at once.
- /readyz: readiness. The database answers a query, Redis answers a PING, and a message sent
  through the channel layer comes back to THIS process's live hub (its reader is alive).
  Each check has its own short timeout and they run at once: the answer takes at most
  READY_TIMEOUT seconds. 200 when all pass, 503 otherwise; the body names the failing checks,
  never a person or a connection string.
- /metrics: the Prometheus exposition (agora.metrics). It is meant for the monitoring only:
  nginx serves it to the loopback only (deploy/nginx.conf), and with METRICS_TOKEN set the
  application also requires `Authorization: Bearer <token>`.
"""

import asyncio
import hmac
import logging
import time

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from agora import hub as live_hub
from agora import metrics

log = logging.getLogger(__name__)

READY_TIMEOUT = 2.0  # seconds, per check (the checks run concurrently)


@never_cache
@require_GET
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def check_database() -> None:
    await database_sync_to_async(_database)()


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


@never_cache
async def readyz(request):
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    results = await asyncio.gather(*(_run(name, check) for name, check in CHECKS.items()))
    ready = all(outcome == "ok" for _name, outcome, _seconds in results)
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: {"status": outcome, "ms": round(seconds * 1000, 1)} for name, outcome, seconds in results},
    }
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
@require_GET
def metrics_view(request):
    token = getattr(settings, "METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return HttpResponse("A bearer token is required.\n", status=401, content_type="text/plain; charset=utf-8",
                                headers={"WWW-Authenticate": "Bearer"})
    from prometheus_client import CONTENT_TYPE_LATEST

    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
