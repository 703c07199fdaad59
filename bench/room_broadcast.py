#!/usr/bin/env python
"""Broadcast latency of the live room, beside a minimal `websockets` broadcast server.

Connects N participants' websockets to real daphne processes, has the facilitator cause M
events (2 a second) and prints, for each mode, p50/p95/p99 delivery latency (from the
facilitator's command to each participant's receipt), delivered/expected and join time,
then the same figures for a raw `websockets` broadcast server run on the same machine in
the same run, and our p95 as a ratio of that baseline.

    .venv/bin/python bench/room_broadcast.py                      # N=200, embedded and Redis
    .venv/bin/python bench/room_broadcast.py -n 1000 --modes redis-2-daphne
    LIVE_GC_TUNING=0 .venv/bin/python bench/room_broadcast.py -n 1000   # collector untuned

Modes: `embedded` (SQLite, in-memory layer, one daphne) and `redis-2-daphne` (REDIS_URL,
default redis://127.0.0.1:6379/2, two daphne processes sharing one SQLite database, clients
split between them). Servers run on core 0, clients on core 1 (when the machine has two).
A script, not a test: it prints figures and asserts nothing.
"""

import argparse
import asyncio
import json
import os
import random
import re
import statistics
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

import websockets  # noqa: E402

from tests.server import free_port, manage, server_env, wait_until_serving  # noqa: E402

SECONDS_RE = re.compile(rb'"seconds":(\d+)')
SERVER_CORES = "0"
CLIENT_CORES = {1}

SETUP = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from agora.models import Agora
    from agora import services
    from tests.live import session_cookie
    n = int(sys.argv[1])
    agora = Agora.objects.get(slug="agora-lille")
    facilitator = get_user_model().objects.get(username="animateur")
    session = services.open_session(actor=facilitator, agora=agora)
    cookies = [session_cookie(participant=services.join(session=session, display_name=f"P{i}")) for i in range(n)]
    print(json.dumps({"session_id": session.pk, "facilitator": session_cookie(user=facilitator), "participants": cookies}))
""")

BASELINE_SERVER = textwrap.dedent("""
    import asyncio, sys
    import websockets
    clients = set()
    async def handler(ws):
        first = await ws.recv()
        if first == "control":
            async for message in ws:
                # The same kind of frame the live room sends: a small pre-encoded JSON event.
                websockets.broadcast(clients, message)
            return
        clients.add(ws)
        await ws.send('{"type":"snapshot","seq":0,"data":{}}')
        try:
            await ws.wait_closed()
        finally:
            clients.discard(ws)
    async def main():
        async with websockets.serve(handler, "127.0.0.1", int(sys.argv[1]), max_queue=None, ping_interval=None):
            await asyncio.Future()
    asyncio.run(main())
""")


def pinned(cmd: list[str]) -> list[str]:
    return ["taskset", "-c", SERVER_CORES, *cmd] if (os.cpu_count() or 1) >= 2 else cmd


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


class Swarm:
    """N lean clients: they note when each numbered event arrives and do nothing else."""

    def __init__(self, expected: int):
        self.received: list[dict[int, float]] = []
        self.expected = expected
        self.retries = 0
        self.failed = 0

    async def client(self, url: str, headers: dict, origin: str, ready: asyncio.Event, joined: list, stop: asyncio.Event,
                     hello: str | None = None):
        marks: dict[int, float] = {}
        self.received.append(marks)
        started = time.perf_counter()
        # Like live.js: retry a failed handshake with jittered back-off.
        for attempt in range(8):
            try:
                ws = await websockets.connect(url, origin=origin, additional_headers=headers, max_queue=None,
                                              ping_interval=None, open_timeout=60)
                break
            except (OSError, asyncio.TimeoutError, websockets.InvalidHandshake, websockets.ConnectionClosed):
                self.retries += 1
                await asyncio.sleep(min(30, 0.5 * 2**attempt) * (0.5 + random.random()))
        else:
            self.failed += 1
            if len(joined) + self.failed == self.expected:
                ready.set()
            return
        async with ws:
            if hello:
                await ws.send(hello)
            try:
                await asyncio.wait_for(ws.recv(), 120)  # the snapshot
            except (asyncio.TimeoutError, websockets.ConnectionClosed):
                self.failed += 1
                if len(joined) + self.failed == self.expected:
                    ready.set()
                return
            joined.append(time.perf_counter() - started)
            if len(joined) + self.failed == self.expected:
                ready.set()
            while not stop.is_set():
                try:
                    frame = await asyncio.wait_for(ws.recv(decode=False), 0.5)
                except asyncio.TimeoutError:
                    continue
                if b"session.timer_changed" in frame or b"bench" in frame:
                    match = SECONDS_RE.search(frame)
                    if match:
                        marks.setdefault(int(match.group(1)), time.perf_counter())


async def run_swarm(targets: list[tuple[str, dict, str]], send_event, events: int, rate: float, hello=None) -> dict:
    swarm = Swarm(len(targets))
    ready, stop = asyncio.Event(), asyncio.Event()
    joined: list[float] = []
    join_started = time.perf_counter()
    tasks = []
    for url, headers, origin in targets:
        tasks.append(asyncio.create_task(swarm.client(url, headers, origin, ready, joined, stop, hello)))
        await asyncio.sleep(0)  # a steady join burst rather than N simultaneous handshakes
    try:
        await asyncio.wait_for(ready.wait(), 300)
    except asyncio.TimeoutError:
        pass
    join_time = time.perf_counter() - join_started
    await asyncio.sleep(2)  # let presence frames and join traffic settle
    sent: dict[int, float] = {}
    for k in range(1, events + 1):
        sent[k] = time.perf_counter()
        await send_event(k)
        await asyncio.sleep(1 / rate)
    await asyncio.sleep(3)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [(marks[k] - sent[k]) * 1000 for marks in swarm.received for k in sent if k in marks]
    # Fan-out alone: each receipt after the event's first receipt (leaves out the command's own
    # path — websocket, database transaction, channel layer — which every client shares).
    first = {k: min((m[k] for m in swarm.received if k in m), default=None) for k in sent}
    spread = [(marks[k] - first[k]) * 1000 for marks in swarm.received for k in sent if k in marks]
    if os.environ.get("BENCH_VERBOSE"):
        for k in sent:
            got = sorted((m[k] - sent[k]) * 1000 for m in swarm.received if k in m)
            print(f"  event {k:3d}: {len(got)}/{len(targets)} delivered, median "
                  f"{statistics.median(got) if got else float('nan'):.1f} ms, max {max(got) if got else float('nan'):.1f} ms")
    return {
        "n": len(targets), "joined": len(joined), "join_s": join_time, "delivered": len(latencies),
        "expected": len(targets) * events, "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99), "max": max(latencies) if latencies else float("nan"),
        "spread95": percentile(spread, 95), "retries": swarm.retries,
    }


async def facilitator_sender(url: str, cookie: str, origin: str):
    ws = await websockets.connect(url, origin=origin, additional_headers={"Cookie": cookie}, ping_interval=None,
                                  max_queue=None)
    await ws.recv()

    async def drain():
        try:
            async for _ in ws:
                pass
        except websockets.ConnectionClosed:
            pass

    drainer = asyncio.create_task(drain())

    async def send(k: int):
        await ws.send(json.dumps({"type": "session.set_timer", "id": f"bench-{uuid.uuid4().hex}",
                                  "data": {"seconds": k}}))

    return ws, drainer, send


def prepare(env: dict, n: int) -> dict:
    manage("migrate", "--no-input", env=env)
    manage("load_demo", env=env)
    out = subprocess.run([sys.executable, "-c", SETUP, str(n)], env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                         cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


DAPHNE_ARGS: list[str] = []


def start_daphne(stack: ExitStack, env: dict) -> str:
    port = free_port()
    process = subprocess.Popen(
        pinned([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), *DAPHNE_ARGS,
                "config.asgi:application"]),
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    stack.callback(stop, process)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base + "/", timeout=120)
    return base


async def bench_live(mode: str, n: int, events: int, rate: float, redis_url: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        overrides = {"SQLITE_PATH": f"{tmp}/db.sqlite3", "CHANNEL_CAPACITY": "1000"}
        if mode == "redis-2-daphne":
            overrides.update(REDIS_URL=redis_url, CHANNEL_PREFIX=f"bench-{uuid.uuid4().hex[:8]}")
        env = server_env(**overrides)
        room = await asyncio.to_thread(prepare, env, n)
        bases = [start_daphne(stack, env)]
        if mode == "redis-2-daphne":
            bases.append(start_daphne(stack, env))
        path = f"/ws/live/{room['session_id']}/"
        targets = []
        for i, cookie in enumerate(room["participants"]):
            base = bases[i % len(bases)]
            targets.append((base.replace("http", "ws") + path, {"Cookie": cookie}, base))
        ws, drainer, send = await facilitator_sender(bases[0].replace("http", "ws") + path, room["facilitator"], bases[0])
        try:
            result = await run_swarm(targets, send, events, rate)
        finally:
            drainer.cancel()
            await ws.close()
        return result


async def start_baseline_server() -> tuple[str, subprocess.Popen]:
    """The raw `websockets` broadcast server of the baseline, once it answers: (url, process)."""
    port = free_port()
    process = subprocess.Popen(pinned([sys.executable, "-c", BASELINE_SERVER, str(port)]), cwd=ROOT)
    url = f"ws://127.0.0.1:{port}/"
    for _ in range(600):
        try:
            async with websockets.connect(url) as probe:
                await probe.send("probe")
                await probe.recv()
            break
        except OSError:
            await asyncio.sleep(0.1)
    return url, process


async def bench_baseline(n: int, events: int, rate: float) -> dict:
    url, process = await start_baseline_server()
    try:
        control = await websockets.connect(url)
        await control.send("control")
        frame = '{"type":"session.timer_changed","seq":%d,"data":{"session_id":1,"ends_at":"2026-11-24T23:00:00+00:00","seconds":%d}}'

        async def send(k: int):
            await control.send(frame % (k, k))

        targets = [(url, {}, "http://127.0.0.1") for _ in range(n)]
        result = await run_swarm(targets, send, events, rate, hello="hello")
        await control.close()
        return result
    finally:
        stop(process)


def line(label: str, r: dict) -> str:
    return (f"{label:<34} p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  p99 {r['p99']:7.1f} ms  "
            f"max {r['max']:7.1f} ms  delivered {r['delivered']}/{r['expected']}  "
            f"joined {r['joined']}/{r['n']} in {r['join_s']:.1f} s  fan-out p95 {r['spread95']:.1f} ms"
            + (f"  ({r['retries']} handshakes retried)" if r["retries"] else ""))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="participants (default 200)")
    parser.add_argument("-m", "--events", type=int, default=20, help="events caused by the facilitator (default 20)")
    parser.add_argument("--rate", type=float, default=2.0, help="events a second (default 2)")
    parser.add_argument("--modes", default="embedded,redis-2-daphne")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2"))
    parser.add_argument("--daphne-args", default="", help='extra daphne arguments, e.g. "--websocket_connect_timeout 30"')
    args = parser.parse_args()
    DAPHNE_ARGS.extend(args.daphne_args.split())
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, CLIENT_CORES)
    print(f"N={args.n}, M={args.events} events at {args.rate}/s, daphne {' '.join(DAPHNE_ARGS) or 'defaults'}, gc tuning "
          f"{'off' if os.environ.get('LIVE_GC_TUNING') == '0' else 'on'}; servers on core {SERVER_CORES}, clients on core 1")
    print(f"load average before: {os.getloadavg()[0]:.2f} (other processes share these cores)")
    baseline = await bench_baseline(args.n, args.events, args.rate)
    print(line("raw websockets broadcast", baseline), flush=True)
    results = []
    for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
        result = await bench_live(mode, args.n, args.events, args.rate, args.redis_url)
        results.append((mode, result))
        print(line(f"coécrire, {mode}", result), flush=True)
    # The raw baseline again: on a shared machine the reference is the better of the two runs.
    again = await bench_baseline(args.n, args.events, args.rate)
    print(line("raw websockets broadcast, again", again), flush=True)
    reference = min(baseline["p95"], again["p95"])
    for mode, result in results:
        print(f"p95 of coécrire, {mode} = {result['p95']:.1f} ms = {result['p95'] / reference:.1f}× the raw "
              f"baseline ({reference:.1f} ms)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")

if __name__ == "__main__":
    asyncio.run(main())
