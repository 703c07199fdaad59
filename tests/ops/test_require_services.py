"""With REQUIRE_SERVICES=1 a process refuses to start on SQLite or the in-memory channel layer."""

import subprocess
import sys

from tests.server import ROOT, server_env

SETUP = "import django; django.setup(); from django.db import connection; from django.conf import settings; " \
        "print(connection.vendor, settings.CHANNEL_LAYERS['default']['BACKEND'])"


def start(**env: str) -> subprocess.CompletedProcess:
    environment = server_env(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run([sys.executable, "-c", SETUP], env=environment, cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_sqlite_is_refused():
    result = start(REQUIRE_SERVICES="1", REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "REQUIRE_SERVICES is on, so the environment variable DATABASE_URL must name a PostgreSQL database" in result.stderr


def test_in_memory_layer_is_refused():
    result = start(REQUIRE_SERVICES="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/wt_ops")
    assert result.returncode != 0
    assert "the environment variable REDIS_URL must be set" in result.stderr


def test_postgresql_and_redis_start():
    # Settings only: nothing connects, so this needs neither service running.
    result = start(REQUIRE_SERVICES="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/wt_ops",
                   REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["postgresql", "channels_redis.core.RedisChannelLayer"]


def test_without_it_the_embedded_default_starts():
    result = start()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sqlite", "channels.layers.InMemoryChannelLayer"]
