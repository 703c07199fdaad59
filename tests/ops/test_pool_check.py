"""The PostgreSQL pool checks a connection before lending it, so a restart's dead connections are
replaced at once instead of each failing one more command (docs/operations.md)."""

import subprocess
import sys

from tests.server import ROOT, server_env

SHOW = ("import django; django.setup(); from django.db import connection; "
        "print(connection.pool._check.__qualname__ if connection.pool._check else None)")


def pool_check(**env: str) -> str:
    environment = server_env(DJANGO_SETTINGS_MODULE="config.settings",
                             DATABASE_URL="postgres://postgres@127.0.0.1:5432/wt_ops", DB_POOL_SIZE="4", **env)
    # Settings and the pool object only: the pool is not opened, nothing connects.
    result = subprocess.run([sys.executable, "-c", SHOW], env=environment, cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_pool_checks_connections_before_lending_them():
    assert pool_check() == "ConnectionPool.check_connection"


def test_the_check_can_be_turned_off():
    assert pool_check(DB_POOL_CHECK="0") == "None"
