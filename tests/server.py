"""Start a real daphne server as a subprocess, for end-to-end tests and benchmarks.

Tests build their server's environment with `live_server_env`: on the production shape when
the test run has one (DATABASE_URL, REDIS_URL: as in CI), the embedded default otherwise.
Benchmarks use `server_env` and say what they override.
"""

import atexit
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVICE_VARIABLES = {"DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "REQUIRE_SERVICES", "DJANGO_SETTINGS_MODULE"}


def server_env(**overrides: str) -> dict:
    """The environment of a server process: the embedded default unless overridden."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env.update({"SECRET_KEY": "test-server-secret", "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"})
    env.update(overrides)
    return env


def live_server_env(**overrides: str) -> dict:
    """The environment of a test's server process, on the same shape as the test run.

    With DATABASE_URL (PostgreSQL) in the test run's environment, the server gets a fresh
    database of its own, created by the test runner from a migrated template (see
    ServerDatabases); with REDIS_URL, the same Redis database, with channel-layer and cache key
    prefixes of its own so that tests never see each other's groups or rate-limit counters.
    REQUIRE_SERVICES passes through, so the server itself refuses to start on SQLite or the
    in-memory layer when the run requires the services. Without those variables: the
    embedded default (`SQLITE_PATH` from the overrides, in-memory layer).
    """
    env = server_env(**overrides)
    for name in ("REQUIRE_SERVICES",):
        if os.environ.get(name):
            env[name] = os.environ[name]
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = DATABASES.fresh()
    if os.environ.get("REDIS_URL") and "REDIS_URL" not in overrides:
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    if env.get("REDIS_URL"):  # the run's Redis or one a test names: key prefixes of this server's own
        prefix = f"t{uuid.uuid4().hex[:10]}"
        env.setdefault("CHANNEL_PREFIX", f"{prefix}-layer")
        env.setdefault("CACHE_PREFIX", f"{prefix}-cache")
    return env


def on_production_shape(env: dict) -> bool:
    return bool(env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")))


class ServerDatabases:
    """Databases for test servers, on the PostgreSQL server of the test run's DATABASE_URL.

    The first request migrates a template database (test_<name>[_<xdist worker>]_srv_tpl, once
    per test process);
    each server then gets `CREATE DATABASE … TEMPLATE` of it (a file copy, well under a
    second), so every server starts from a migrated, empty database of its own, like the
    pytest-django test database. All of them are dropped when the test run ends.
    """

    def __init__(self):
        self.template: str | None = None
        self.created: list[str] = []

    def _url(self, name: str) -> str:
        parsed = urlparse(os.environ["DATABASE_URL"])
        return urlunparse(parsed._replace(path="/" + name))

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self._url("postgres"), autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def _prefix(self) -> str:
        # One template per xdist worker (gw0, gw1…): a worker's first server drops and re-creates
        # its template, which must never be another worker's.
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        name = "test_" + urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")
        return f"{name}_{worker}" if worker else name

    def fresh(self) -> str:
        if self.template is None:
            template = f"{self._prefix()}_srv_tpl"
            self._admin(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)', f'CREATE DATABASE "{template}"')
            env = server_env(DATABASE_URL=self._url(template))
            manage("migrate", "--no-input", env=env)
            self.template = template
            atexit.register(self.drop_all)
        name = f"{self._prefix()}_srv_{uuid.uuid4().hex[:8]}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.created.append(name)
        return self._url(name)

    def drop_all(self) -> None:
        names = self.created + ([self.template] if self.template else [])
        try:
            self._admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))
        except Exception as exc:  # pragma: no cover - the run is over; say what was left behind
            print(f"tests.server: could not drop {names}: {exc}", file=sys.stderr)
        self.created, self.template = [], None


DATABASES = ServerDatabases()


QUERY = """
import json, sys
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute(sys.argv[1], json.loads(sys.argv[2]))
    print(json.dumps(cursor.fetchall(), default=str))
"""


def server_query(env: dict, sql: str, params: list | tuple = ()) -> list[list]:
    """Rows of `sql` (placeholders %s) read from a test server's database, whichever it is."""
    run_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings"}
    output = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + QUERY, sql, json.dumps(list(params))],
        env=run_env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True, capture_output=True)


def wait_until_serving(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # It answered: it is serving.
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"daphne did not serve {url} within {timeout} s")


@contextmanager
def daphne(env: dict, port: int | None = None, extra_args: list[str] | None = None):
    """Yield the base URL of a daphne process serving config.asgi with `env`."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), *(extra_args or []),
         "config.asgi:application"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


class Browser:
    """A tiny HTTP client with a cookie jar and Django's CSRF dance, for real-server tests."""

    def __init__(self, base: str):
        import http.cookiejar

        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def get(self, path: str) -> tuple[str, str]:
        """(final URL, body) after redirects."""
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.geturl(), response.read().decode()

    def post(self, path: str, fields: dict | list) -> tuple[str, str]:
        import urllib.parse

        if self.cookie("csrftoken") is None:
            self.get(path if path.startswith("/connexion") else "/connexion/")
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        body = urllib.parse.urlencode(items + [("csrfmiddlewaretoken", self.cookie("csrftoken"))]).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=20) as response:
            return response.geturl(), response.read().decode()

    def login(self, username: str, password: str) -> None:
        url, _ = self.post("/connexion/", {"username": username, "password": password})
        assert "/connexion/" not in url, f"login of {username} failed"


def prepare_database(env: dict) -> None:
    """Migrate and load the demo data (demo facilitator `animateur` and the demo agora)."""
    manage("migrate", "--no-input", env=env)
    manage("load_demo", env=env)
