"""Benchmark: concurrent signing POSTs against a real daphne on PostgreSQL, next to a trivial endpoint.

    .venv/bin/python bench/signatures.py [--seconds 15] [--connections 12] [--pool 8] [--redis URL]

Creates (drops and recreates) the database `bench_signatures`, migrates it, opens a campaign,
starts one daphne process pinned to CPU 0 and runs the clients pinned to CPU 1. Phases, each
`--seconds` long on the same server: the trivial endpoint (/signer/sante/), then signing. 10 %
of the signatures reuse an earlier address with a case or space variant. Prints requests/s,
p50/p95/p99 latency, errors, and the number of duplicate addresses stored (must be 0).
Targets (not tests): signing >= 40 % of the trivial endpoint, >= 150 signatures/s, p95 <= 150 ms.
"""

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import free_port, manage, server_env, wait_until_serving  # noqa: E402

DATABASE = "bench_signatures"
SLUG = "bench"
SETUP = f"""
from manifesto import services
from manifesto.signatures import services as signature_services
from tests.factories import make_manifesto, make_user
organiser = make_user("bench-organiser")
manifesto = make_manifesto(organiser=organiser, slug="{SLUG}", sections=3, clauses=5)
version = services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte final")
signature_services.open_campaign(actor=organiser, manifesto=manifesto, version=version)
"""
CSRF = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret as the form token


def recreate_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def database_counts(url: str) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(url) as connection:
        rows, distinct = connection.execute(
            "SELECT count(*), count(DISTINCT email) FROM manifesto_signature"
        ).fetchone()
    return rows, distinct


class Client:
    """A keep-alive HTTP/1.1 connection on asyncio streams: the lightest client we can run on one core."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: keep-alive"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        if length:
            await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.writer = None
        return status


def signing_body(index: int, duplicate_of: int | None) -> bytes:
    if duplicate_of is None:
        address = f"bench{index}@example.org"
    else:
        base = f"bench{duplicate_of}@example.org"
        address = [base.upper(), f"  {base} ", base.capitalize()][index % 3]
    fields = {
        "csrfmiddlewaretoken": CSRF,
        "kind": "person",
        "first_name": "Camille",
        "last_name": f"Martin {index}",
        "territory": "35",
        "email": address,
        "consent_public": "on",
    }
    return urllib.parse.urlencode(fields).encode()


async def phase(host, port, *, seconds, connections, make_request):
    latencies, errors, statuses = [], 0, {}
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def worker():
        nonlocal errors
        client = Client(host, port)
        while time.perf_counter() < deadline:
            index = next(counter)
            method, path, body, headers, ok = make_request(index)
            start = time.perf_counter()
            try:
                status = await client.request(method, path, body, headers)
            except (OSError, ConnectionError, asyncio.IncompleteReadError):
                errors += 1
                client = Client(host, port)
                continue
            latencies.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1
            if status != ok:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    return latencies, errors, statuses, elapsed


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU time of all PostgreSQL processes (the database shares the machine with the server)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in {"postgres", "postmaster"}:
                    total += cpu_seconds(int(entry.name))
            except OSError:
                continue
    return total


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def measured(server_pid, coroutine_factory):
    server_before, pg_before = cpu_seconds(server_pid), postgres_cpu_seconds()
    result = asyncio.run(coroutine_factory())
    return (*result, cpu_seconds(server_pid) - server_before, postgres_cpu_seconds() - pg_before)


def report(name, latencies, errors, statuses, elapsed, server_cpu, pg_cpu, ok_status):
    ok = statuses.get(ok_status, 0)
    rate = ok / elapsed
    requests = max(1, len(latencies))
    print(
        f"{name:<14} {rate:7.1f} ok/s  p50 {1000 * percentile(latencies, .50):6.1f} ms  "
        f"p95 {1000 * percentile(latencies, .95):6.1f} ms  p99 {1000 * percentile(latencies, .99):6.1f} ms  "
        f"errors {errors}  statuses {dict(sorted(statuses.items()))}  "
        f"CPU/request: daphne {1000 * server_cpu / requests:.2f} ms, PostgreSQL {1000 * pg_cpu / requests:.2f} ms"
    )
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=12)
    parser.add_argument("--conn-max-age", type=int, default=0, help="DB_CONN_MAX_AGE of the server (0: a connection per request)")
    parser.add_argument("--pool", type=int, default=8, help="DB_POOL_SIZE of the server (0: no pool, a connection per request)")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument(
        "--tasks-backend",
        default="django_tasks_db.DatabaseBackend",
        help="TASKS_BACKEND of the server (default: the database backend, as in production, with no worker running)",
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", ""), help="REDIS_URL for cache and channel layer (optional)")
    args = parser.parse_args()

    recreate_database(f"{args.postgres}/postgres")
    database_url = f"{args.postgres}/{DATABASE}"
    env = server_env(
        DATABASE_URL=database_url,
        DB_CONN_MAX_AGE=str(args.conn_max_age),
        DB_POOL_SIZE=str(args.pool),
        TASKS_BACKEND=args.tasks_backend,  # production: the database backend; emails are sent by the worker
        SIGNATURE_RATE_LIMIT=str(10**9),  # rate-limit bookkeeping runs, but never refuses
        LOG_LEVEL="WARNING",
    )
    if args.redis:
        env.update(REDIS_URL=args.redis, CHANNEL_PREFIX="benchsig")
    manage("migrate", "--no-input", env=env)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True)
    manage("collectstatic", "--no-input", env=env)

    port = free_port()
    server = subprocess.Popen(
        ["taskset", "-c", "0", sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        os.sched_setaffinity(0, {1})
        wait_until_serving(f"http://127.0.0.1:{port}/signer/sante/")
        host = "127.0.0.1"
        duplicates = 0

        def trivial(_index):
            return "GET", "/signer/sante/", b"", {}, 200

        sign_headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={CSRF}"}

        def signing(index):
            nonlocal duplicates
            duplicate_of = None
            if index % 10 == 9 and index > 10:
                duplicate_of = index - 5
                duplicates += 1
            return "POST", f"/signer/{SLUG}/", signing_body(index, duplicate_of), sign_headers, 302

        asyncio.run(phase(host, port, seconds=2, connections=args.connections, make_request=trivial))  # warm up
        print(f"daphne on CPU 0, clients on CPU 1, {args.connections} connections, {args.seconds:g} s per phase, "
              f"PostgreSQL, DB_CONN_MAX_AGE={args.conn_max_age}, DB_POOL_SIZE={args.pool}, {'Redis' if args.redis else 'local-memory'} cache")
        trivial_rate = report(
            "trivial GET",
            *measured(server.pid, lambda: phase(host, port, seconds=args.seconds, connections=args.connections, make_request=trivial)),
            200,
        )
        result = measured(server.pid, lambda: phase(host, port, seconds=args.seconds, connections=args.connections, make_request=signing))
        sign_rate = report("signing POST", *result, 302)
        rows, distinct = database_counts(database_url)
        submitted = result[2].get(302, 0)
        print(f"signing submissions accepted: {submitted} (of which {duplicates} sent with a duplicate address)")
        print(f"signatures stored: {rows}, distinct addresses: {distinct}, duplicates stored: {rows - distinct}")
        print(f"ratio signing / trivial: {100 * sign_rate / trivial_rate:.0f} %")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
