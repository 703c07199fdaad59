"""A redis-server of a test's own: a free port, a directory of its own, no persistence.

Fault tests stop and restart it without touching the Redis that other tests and servers share;
as it keeps nothing on disk, a restarted server comes back empty, as after a crash.
Without the redis-server binary the test is unavailable: a failure under REQUIRE_SERVICES
(CI, where .ci/run installs it), a skip otherwise.
"""

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests import services


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout} s")


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found is None:
        services.unavailable("redis-server is not installed (apt-get install redis-server; see .ci/run)")
    return found


class OwnRedis:
    def __init__(self, directory: Path):
        self.binary = redis_binary()
        self.port = free_port()
        self.directory = Path(directory)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory), "--logfile", str(self.directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, 10, "redis-server")

    def kill(self) -> None:
        """Killed, not shut down: what a crash or an OOM kill does."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    stop = kill
