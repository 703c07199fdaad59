"""Access to the real services (PostgreSQL, Redis, Chromium) for the tests that need them.

Without REQUIRE_SERVICES a missing service skips the test; with it (as in CI) it fails.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes", "on"}


def unavailable(reason: str):
    if required():
        pytest.fail(f"{reason} (REQUIRE_SERVICES is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        unavailable("REDIS_URL is not set")
    if not reachable(url, 6379):
        unavailable(f"Redis at {url} is unreachable")
    return url


def chromium_path() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        unavailable("Chromium is not installed (apt-get install chromium)")
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


def on_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def require_postgresql(reason: str) -> None:
    """For the tests of PostgreSQL itself: unavailable (a failure under REQUIRE_SERVICES) on SQLite."""
    if not on_postgresql():
        unavailable(f"{reason}: needs PostgreSQL (DATABASE_URL)")
