"""Start a real daphne server as a subprocess, for end-to-end tests and benchmarks."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(**overrides: str) -> dict:
    """The environment of a server process: the embedded default unless overridden."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"SECRET_KEY": "test-server-secret", "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"})
    env.update(overrides)
    return env


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
