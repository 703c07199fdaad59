#!/usr/bin/env python
"""Join storm: N participants open the live room within T seconds (the QR code on the wall).

Connects N participants' websockets to one live session, at an even pace over --within
seconds, split over two daphne processes (with --redis) with daphne's default handshake
timeout, and without retrying a failed handshake (a retry would hide it). Prints joins per
second, p50/p95/p99 time to first state (from opening the socket to the snapshot), failed
handshakes, beside a raw `websockets` server doing the same (accept, send one small frame)
in the same run.

    .venv/bin/python bench/join_storm.py -n 1000 --within 10 --redis redis://127.0.0.1:6379/1 \
        --database-url postgres://postgres@127.0.0.1:5432/<a fresh database>
    .venv/bin/python bench/join_storm.py -n 200                                   # embedded

Servers on core 0, clients on core 1 (when the machine has two). A script, not a test.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import websockets  # noqa: E402

from many_rooms import cpu_seconds, start_daphne  # noqa: E402
from room_broadcast import percentile, start_baseline_server, stop  # noqa: E402
from tests.server import manage, server_env  # noqa: E402

CLIENT_CORES = {1}

SETUP = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from agora import services
    from manifesto import services as text
    from tests.factories import make_agora, make_user
    from tests.live import session_cookie
    n, tag = int(sys.argv[1]), sys.argv[2]
    organiser = make_user(f"organisatrice-{tag}")
    facilitator = make_user(f"animatrice-{tag}")
    manifesto = text.create_manifesto(actor=organiser, title="Manifeste", slug=f"joins-{tag}")
    section = text.add_section(actor=organiser, manifesto=manifesto, title="Partie 1")
    for c in range(20):
        text.add_clause(actor=organiser, section=section, text=f"Article {c + 1} : l'économie sociale et solidaire.")
    agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de la salle pleine", slug=f"agora-{tag}")
    session = services.open_session(actor=facilitator, agora=agora)
    cookies = [session_cookie(participant=services.join(session=session, display_name=f"P{i}")) for i in range(n)]
    print(json.dumps({"session_id": session.pk, "participants": cookies}))
""")


async def storm(targets: list[tuple[str, dict, str]], within: float, hello: str | None = None) -> dict:
    """Open every target once, evenly over `within` seconds; time each to its first frame."""
    times: list[float] = []
    failed: dict[str, int] = {}
    sockets = []
    done_at: list[float] = []

    async def one(url, headers, origin):
        opened = time.perf_counter()
        try:
            ws = await websockets.connect(url, origin=origin, additional_headers=headers, max_queue=None,
                                          ping_interval=None, open_timeout=60, max_size=None)
        except Exception as exc:  # noqa: BLE001 - every failure is a failed handshake, counted by kind
            failed[type(exc).__name__] = failed.get(type(exc).__name__, 0) + 1
            return
        sockets.append(ws)
        try:
            if hello:
                await ws.send(hello)
            await asyncio.wait_for(ws.recv(), 60)
        except Exception as exc:  # noqa: BLE001
            failed["no first state: " + type(exc).__name__] = failed.get("no first state: " + type(exc).__name__, 0) + 1
            return
        times.append(time.perf_counter() - opened)
        done_at.append(time.perf_counter())

    started = time.perf_counter()
    tasks = []
    for i, target in enumerate(targets):
        delay = started + within * i / len(targets) - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(*target)))
    await asyncio.gather(*tasks)
    total = (max(done_at) - started) if done_at else float("nan")
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return {"n": len(targets), "ok": len(times), "total_s": total, "rate": len(times) / total if done_at else 0,
            "p50": percentile(times, 50) * 1000, "p95": percentile(times, 95) * 1000,
            "p99": percentile(times, 99) * 1000, "failed": failed}


async def baseline(n: int, within: float) -> dict:
    url, process = await start_baseline_server()
    try:
        return await storm([(url, {}, "http://127.0.0.1")] * n, within, hello="hello")
    finally:
        stop(process)


async def live(args) -> dict:
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        overrides = {"SQLITE_PATH": f"{tmp}/db.sqlite3"}
        if args.database_url:
            # As in production (README): a connection pool, not a new connection per database hop.
            overrides.update(DATABASE_URL=args.database_url, DB_POOL_SIZE="8")
        if args.redis:
            overrides.update(REDIS_URL=args.redis, CHANNEL_PREFIX=f"joins-{uuid.uuid4().hex[:8]}")
        env = server_env(**overrides)
        manage("migrate", "--no-input", env=env)
        out = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-c", SETUP, str(args.n), uuid.uuid4().hex[:6]],
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, cwd=ROOT, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"set-up failed:\n{out.stderr[-3000:]}")
        room = json.loads(out.stdout.strip().splitlines()[-1])
        if args.profile:
            # cProfile around each daphne (written when it stops): where a join's CPU goes.
            env = {**env, "BENCH_PROFILE": args.profile}
        servers = [start_daphne(stack, env, Path(tmp) / f"daphne-{i}.log") for i in range(2 if args.redis else 1)]
        bases = [base for base, _pid in servers]
        cpu_before = [cpu_seconds(pid) for _base, pid in servers]
        sys_before = [system_seconds(pid) for _base, pid in servers]
        path = f"/ws/live/{room['session_id']}/"
        targets = [(bases[i % len(bases)].replace("http", "ws") + path, {"Cookie": cookie}, bases[i % len(bases)])
                   for i, cookie in enumerate(room["participants"])]
        result = await storm(targets, args.within)
        # Server CPU over the storm (what a join costs the server, whatever else loads the machine).
        result["cpu_ms_per_join"] = [(cpu_seconds(pid) - before) * 1000 / max(1, result["ok"] / len(servers))
                                     for (_base, pid), before in zip(servers, cpu_before)]
        result["sys_ms_per_join"] = [(system_seconds(pid) - before) * 1000 / max(1, result["ok"] / len(servers))
                                     for (_base, pid), before in zip(servers, sys_before)]
        if args.show_server_log:
            for log in sorted(Path(tmp).glob("daphne-*.log")):
                lines = [ln for ln in log.read_text(errors="replace").splitlines() if "WSCONNECT" not in ln]
                print(f"--- {log.name}\n" + "\n".join(lines[-25:]))
        return result


def system_seconds(pid: int) -> float:
    """The kernel's share of cpu_seconds (system calls: accept, send, epoll)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[12]) / os.sysconf("SC_CLK_TCK")


def line(label: str, r: dict) -> str:
    failed = sum(r["failed"].values())
    return (f"{label:<28} {r['ok']}/{r['n']} joined in {r['total_s']:.1f} s ({r['rate']:.0f} joins/s); time to first "
            f"state p50 {r['p50']:.0f} ms  p95 {r['p95']:.0f} ms  p99 {r['p99']:.0f} ms; failed handshakes {failed}"
            + (f" {r['failed']}" if failed else "")
            + ("; server CPU per join " + ", ".join(f"{ms:.1f} ms (kernel {k:.1f})" for ms, k in
                                                  zip(r["cpu_ms_per_join"], r["sys_ms_per_join"]))
               if "cpu_ms_per_join" in r else ""))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="participants (default 1000)")
    parser.add_argument("--within", type=float, default=10.0, help="seconds over which they connect (default 10)")
    parser.add_argument("--redis", default="", help="REDIS_URL: Redis channel layer and two daphne processes")
    parser.add_argument("--database-url", default="", help="DATABASE_URL (default: a fresh SQLite file)")
    parser.add_argument("--profile", default="", help="write a cProfile of each daphne under this path prefix")
    parser.add_argument("--show-server-log", action="store_true", help="print the end of each daphne log")
    args = parser.parse_args()
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, CLIENT_CORES)
    print(f"join storm: {args.n} participants within {args.within:.0f} s; "
          f"{'Redis, 2 daphne' if args.redis else 'in-memory, 1 daphne'}, "
          f"{'PostgreSQL' if args.database_url else 'SQLite'}, daphne's default handshake timeout; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    print(line("raw websockets", await baseline(args.n, args.within)), flush=True)
    print(line("coécrire live room", await live(args)), flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
