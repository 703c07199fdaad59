"""Each test's cache and channel layer are its own, in a Redis shared with running test servers.

The set-up must never flush that Redis (the servers' groups and cache live there, under
prefixes of their own), and a test must still start empty: these tests run the set-up that
every test gets (tests/isolation.py) against a real Redis, with a key a server wrote in it.
"""

import os
import uuid

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache

from tests import services
from tests.isolation import isolated_cache_and_layer
from tests.redis_server import OwnRedis

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture
def redis_on_redis(settings, tmp_path):
    """The run's Redis (REDIS_URL, as in CI) or, without it, a redis-server of the test's own;
    cache and channel layer configured on it as a test run on the production shape has them."""
    own = None
    if services.required() or os.environ.get("REDIS_URL"):
        url = services.redis_url()
    else:
        own = OwnRedis(tmp_path)
        own.start()
        url = own.url
    settings.REDIS_URL = url
    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": url, "KEY_PREFIX": "run"}}
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": [url], "prefix": "run-layer"}}}
    client = redis.Redis.from_url(url)
    yield client
    client.close()
    if own is not None:
        own.kill()


def test_a_tests_set_up_keeps_the_keys_a_server_wrote(settings, redis_on_redis):
    server_key = f"t{uuid.uuid4().hex[:10]}-cache:1:manifesto-page"  # a daphne's cache (live_server_env)
    redis_on_redis.set(server_key, b"page", ex=60)
    with isolated_cache_and_layer(settings):
        assert redis_on_redis.get(server_key) == b"page"
    assert redis_on_redis.get(server_key) == b"page"
    redis_on_redis.delete(server_key)


def test_a_test_starts_empty_and_leaves_nothing_behind(settings, redis_on_redis):
    cache.set("history-index-1", "an earlier test's index")  # under the ids a rolled-back test hands out again
    with isolated_cache_and_layer(settings) as prefix:
        assert cache.get("history-index-1") is None
        cache.set("history-index-1", "this test's index")
        assert cache.get("history-index-1") == "this test's index"
        layer = get_channel_layer()
        assert layer.prefix == f"{prefix}-layer"
        async_to_sync(layer.group_add)("manifesto-1", "specific.channel")
        assert list(redis_on_redis.scan_iter(match=f"{prefix}*"))
    assert list(redis_on_redis.scan_iter(match=f"{prefix}*")) == []
    # The settings are back: the earlier test's key is there again, untouched.
    assert cache.get("history-index-1") == "an earlier test's index"
    cache.delete("history-index-1")


def test_rate_limit_counters_are_the_tests_own(settings, redis_on_redis):
    """The per-IP counters go to Redis directly (one round trip), under the cache's prefix."""
    from manifesto.signatures import ratelimit

    def two_hits() -> list[bool]:
        return [ratelimit.hit(scope="isolation", ip="203.0.113.77", limit=1, window=60) for _ in range(2)]

    with isolated_cache_and_layer(settings):
        assert two_hits() == [True, False]
    with isolated_cache_and_layer(settings):
        assert two_hits() == [True, False]
