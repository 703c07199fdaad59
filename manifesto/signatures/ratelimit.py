"""Per-IP rate limits, with an allow-list of networks (a venue's shared connection).

With Redis (REDIS_URL) the counter is shared by every server process and costs one round
trip (SET NX with expiry, then INCR, pipelined); without it, Django's local-memory cache
counts per process. The counters hold an address only for the length of their window and
never reach the database.
"""

import ipaddress
import threading
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache

_redis_lock = threading.Lock()
_redis_clients: dict[str, object] = {}


@lru_cache(maxsize=8)
def _allowlist(networks: tuple[str, ...]):
    return tuple(ipaddress.ip_network(network, strict=False) for network in networks)


def is_allowlisted(ip: str | None) -> bool:
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in _allowlist(tuple(settings.SIGNATURE_RATE_ALLOWLIST)))


def _redis(url: str):
    client = _redis_clients.get(url)
    if client is None:
        import redis

        with _redis_lock:
            client = _redis_clients.setdefault(url, redis.Redis.from_url(url))
    return client


def _count(key: str, window: int) -> int:
    if settings.REDIS_URL:
        # Under the cache's key prefix (CACHE_PREFIX), like every other key of this site's, so
        # sites (or test servers) sharing one Redis database never count each other's requests.
        redis_key = cache.make_key(key)
        pipeline = _redis(settings.REDIS_URL).pipeline(transaction=False)
        pipeline.set(redis_key, 0, ex=window + 5, nx=True)
        pipeline.incr(redis_key)
        return pipeline.execute()[1]
    if cache.add(key, 1, timeout=window + 5):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        return 1


def hit(*, scope: str, ip: str | None, limit: int | None = None, window: int | None = None) -> bool:
    """Count one request from `ip` in the current window; False when it goes over the limit.

    The signature limits by default; other scopes (the open API) pass their own.
    """
    if is_allowlisted(ip):
        return True
    window = window or settings.SIGNATURE_RATE_WINDOW_SECONDS
    limit = limit or settings.SIGNATURE_RATE_LIMIT
    bucket = int(time.time()) // window
    return _count(f"sigrate:{scope}:{ip or 'unknown'}:{bucket}", window) <= limit


def retry_after(window: int | None = None) -> int:
    """Seconds until the current window ends: the `Retry-After` of a refused request."""
    window = window or settings.SIGNATURE_RATE_WINDOW_SECONDS
    return max(1, window - int(time.time()) % window)
