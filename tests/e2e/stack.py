"""A production-shaped stack of real processes for fault tests: nginx (deploy/nginx.conf, TLS)
in front of two daphne processes, a PostgreSQL cluster and a Redis server of the test's own.

The PostgreSQL cluster and the Redis server belong to the stack (free ports, a temporary
directory), so that a test may stop and restart them without touching the services other
tests use. Redis runs without persistence: after a restart it is empty, as after a crash.
"""

import glob
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests import services
from tests.redis_server import OwnRedis
from tests.server import ROOT, free_port, server_env

NGINX_SITE = ROOT / "deploy" / "nginx.conf"


def _binary(name: str, *candidates: str) -> str:
    for candidate in (shutil.which(name), *candidates):
        if candidate and os.path.exists(candidate):
            return candidate
    services.unavailable(f"{name} is not installed (see .ci/run)")


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return _binary(name, *reversed(found))


def _wait_port(port: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout} s")


def _stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class PostgreSQL:
    """A cluster of the stack's own (initdb in a temporary directory, trust authentication)."""

    def __init__(self, directory: Path):
        self.initdb = _postgres_bin("initdb")
        self.pg_ctl = _postgres_bin("pg_ctl")
        self.port = free_port()
        self.directory = directory
        self.data = directory / "data"
        # PostgreSQL refuses to run as root: run it as the postgres user when we are root.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(directory, "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/coecrire"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(self.initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        self.start()
        self._run(_postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "coecrire")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run(self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.directory / "postgres.log"), "-w", "start")

    def stop(self) -> None:
        """Fast shutdown: the server closes every connection, as in a restart or a failover."""
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass


class Daphne:
    def __init__(self, env: dict, directory: Path, index: int):
        self.env = env
        self.port = free_port()
        self.log = directory / f"daphne-{index}.log"
        self.access_log = directory / f"daphne-{index}.access.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "daphne", "--proxy-headers", "-b", "127.0.0.1", "-p", str(self.port),
                 "--access-log", str(self.access_log), "config.asgi:application"],
                env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            )
        _wait_port(self.port, 60, "daphne")

    def kill(self) -> None:
        _stop(self.process, signal.SIGKILL)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


class Nginx:
    """deploy/nginx.conf, as shipped, with only the lines marked `test:` pointed at this stack."""

    def __init__(self, directory: Path, upstreams: list[int]):
        self.binary = _binary("nginx", "/usr/sbin/nginx")
        self.directory = directory
        self.http_port = free_port()
        self.port = free_port()
        self.upstreams = upstreams
        self.process: subprocess.Popen | None = None

    def site(self) -> str:
        site = NGINX_SITE.read_text()
        certificate, key = self.directory / "cert.pem", self.directory / "key.pem"
        replacements = [
            ("    server 127.0.0.1:8001 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:8002 max_fails=1 fail_timeout=5s;\n",
             "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n" for port in self.upstreams)),
            ("    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{self.http_port};\n"),
            ("    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n", f"    listen 127.0.0.1:{self.port} ssl http2;\n"),
            ("/etc/letsencrypt/live/coecrire.example/fullchain.pem", str(certificate)),
            ("/etc/letsencrypt/live/coecrire.example/privkey.pem", str(key)),
            ("/srv/coecrire/app/staticfiles/", f"{ROOT}/staticfiles/"),
        ]
        for old, new in replacements:
            assert site.count(old) == 1, f"deploy/nginx.conf changed: the test cannot find {old!r}"
            site = site.replace(old, new)
        return site

    def start(self) -> None:
        d = self.directory
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem")],
            check=True, capture_output=True,
        )
        (d / "coecrire.conf").write_text(self.site())
        temp = {name: d / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        for path in temp.values():
            path.mkdir(exist_ok=True)
        (d / "nginx.conf").write_text(
            f"""
            worker_processes 1;
            {"user root;" if os.geteuid() == 0 else ""}
            pid {d}/nginx.pid;
            error_log {d}/error.log warn;
            events {{ worker_connections 1024; }}
            http {{
                include /etc/nginx/mime.types;
                default_type application/octet-stream;
                access_log {d}/access.log;
                client_body_temp_path {temp['body']};
                proxy_temp_path {temp['proxy']};
                fastcgi_temp_path {temp['fastcgi']};
                uwsgi_temp_path {temp['uwsgi']};
                scgi_temp_path {temp['scgi']};
                include {d}/coecrire.conf;
            }}
            """
        )
        self.process = subprocess.Popen(
            [self.binary, "-p", str(d), "-e", str(d / "error.log"), "-c", str(d / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        try:
            _wait_port(self.port, 10, "nginx")
        except RuntimeError:
            _stop(self.process)
            raise RuntimeError(f"nginx did not start: {self.process.stderr.read().decode()}") from None

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, signal.SIGQUIT)


class Stack:
    def __init__(self, processes: int = 2):
        self.directory = Path(tempfile.mkdtemp(prefix="coecrire-e2e-", dir="/tmp"))
        os.chmod(self.directory, 0o755)
        (self.directory / "pg").mkdir()
        (self.directory / "redis").mkdir()
        (self.directory / "nginx").mkdir()
        (self.directory / "metrics").mkdir()
        self.postgres = PostgreSQL(self.directory / "pg")
        self.redis = OwnRedis(self.directory / "redis")
        self.env = server_env(
            DATABASE_URL=self.postgres.url,
            REDIS_URL=self.redis.url,
            REQUIRE_SERVICES="1",
            ALLOWED_HOSTS="127.0.0.1",
            BEHIND_TLS_PROXY="1",
            SECURE_COOKIES="1",
            DB_POOL_SIZE="8",
            DB_POOL_TIMEOUT="2",  # as docs/operations.md recommends (see config/settings.py)
            PROMETHEUS_MULTIPROC_DIR=str(self.directory / "metrics"),
            LOG_LEVEL="INFO",
        )
        self.daphnes = [Daphne(self.env, self.directory, i + 1) for i in range(processes)]
        self.nginx = Nginx(self.directory / "nginx", [d.port for d in self.daphnes])

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.nginx.port}"

    @property
    def ssl(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.nginx.directory / "cert.pem"))
        return context

    def start(self) -> "Stack":
        self.postgres.init()
        self.redis.start()
        self.manage("migrate", "--no-input")
        self.manage("load_demo")
        for daphne in self.daphnes:
            daphne.start()
        self.nginx.start()
        return self

    def stop(self) -> None:
        for part in (self.nginx, *self.daphnes, self.redis):
            try:
                part.stop()
            except Exception:  # pragma: no cover - best effort, keep stopping the others
                pass
        self.postgres.destroy()
        if os.environ.get("E2E_KEEP"):  # to read the processes' logs after a failure
            print(f"e2e stack kept in {self.directory}", file=sys.stderr)
        else:
            shutil.rmtree(self.directory, ignore_errors=True)

    def manage(self, *args: str) -> str:
        return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=self.env, cwd=ROOT,
                              check=True, capture_output=True, text=True).stdout

    def script(self, code: str, *args: str) -> dict | list:
        """Run Python with Django set up against the stack's database; its last line of output, as JSON."""
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "config.settings"}
        result = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code, *args], env=env,
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        return json.loads(result.stdout.strip().splitlines()[-1])

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path)
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=self.ssl) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def logs(self) -> str:
        return "\n".join(f"--- {d.log.name}\n{d.log.read_text()[-4000:]}" for d in self.daphnes if d.log.exists())
