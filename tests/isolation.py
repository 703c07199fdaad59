"""Each test's own cache and channel layer, in the Redis the test servers share, without flushing it.

Derived results (history indexes, provenance, diffs, the page cache, the signature counter, rate
limits) are cached under database ids, which a rolled-back test hands out again, and channel-layer
groups are named after them too: every test must start from an empty cache and empty groups.
Django's `cache.clear()` is FLUSHDB on Redis, which would also wipe the groups and the cache
of the daphne servers other tests (and other xdist workers) are running on the same database.
So each test gets key prefixes of its own (the worker's id and a random part), and at its end
only the keys under those prefixes are deleted.
"""

import os
import uuid
from contextlib import contextmanager

REDIS_LAYER = "channels_redis.core.RedisChannelLayer"
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


def worker() -> str:
    """The xdist worker running this process (gw0, gw1…), or "main" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def new_prefix() -> str:
    return f"t-{worker()}-{uuid.uuid4().hex[:12]}"


def _delete_prefixed(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@contextmanager
def isolated_cache_and_layer(settings):
    """Point every cache and channel layer at keys of this test's own, then delete those keys.

    `settings` is pytest-django's fixture: changing CACHES and CHANNEL_LAYERS sends Django's
    setting_changed signal, on which Django rebuilds its cache connections and Channels its
    layers, so `django.core.cache.cache` and `get_channel_layer()` use the new prefixes at once,
    and the previous ones again on the way out.
    """
    prefix = new_prefix()
    before = settings.CACHES, settings.CHANNEL_LAYERS
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"{prefix}-cache{config.get('KEY_PREFIX') or ''}"}
        for alias, config in settings.CACHES.items()
    }
    settings.CHANNEL_LAYERS = {
        alias: ({**config, "CONFIG": {**config.get("CONFIG", {}), "prefix": f"{prefix}-layer"}}
                if config["BACKEND"] == REDIS_LAYER else dict(config))
        for alias, config in settings.CHANNEL_LAYERS.items()
    }
    redis_urls = {config["LOCATION"] for config in settings.CACHES.values() if config["BACKEND"] == REDIS_CACHE}
    redis_urls |= {host["address"] if isinstance(host, dict) else host
                   for config in settings.CHANNEL_LAYERS.values() if config["BACKEND"] == REDIS_LAYER
                   for host in config["CONFIG"].get("hosts", [])}
    try:
        yield prefix
    finally:
        settings.CACHES, settings.CHANNEL_LAYERS = before
        for url in redis_urls:
            _delete_prefixed(url, prefix)


def switch_to_empty_cache(settings, prefix: str, label: str) -> None:
    """Go on with an empty cache in the middle of a test (to measure a cold start), without clear():
    new keys under this test's prefix, so the test's clean-up still deletes them."""
    settings.CACHES = {alias: {**config, "KEY_PREFIX": f"{prefix}-{label}-cache"}
                       for alias, config in settings.CACHES.items()}
