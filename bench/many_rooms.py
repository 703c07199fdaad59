#!/usr/bin/env python
"""Many rooms at once: S live sessions of one manifesto, P participants each, over two daphne.

One national text, many agoras live the same day. Each session's facilitator changes the
timer once a second, each room at its own moment of the second (rooms are independent;
`--burst`: all in the same instant, the worst case); every participant should receive its own session's events (and the
text-wide ones: none here), not the other rooms'. Prints:

- frames received per participant socket per second (journaled events; target: its own
  session's rate, 1/s), and the number of other rooms' events received (target 0),
- p50/p95/p99 delivery (from the facilitator's command to each participant's receipt of its
  event), delivered/expected, resumes (gaps seen by clients, target 0),
- server CPU per daphne process over the measured window (seconds of CPU per second),
- beside a raw `websockets` broadcast of the same rate to P sockets (one room), same run.

    .venv/bin/python bench/many_rooms.py --redis redis://127.0.0.1:6379/1 \
        --database-url postgres://postgres@127.0.0.1:5432/<a fresh database>
    .venv/bin/python bench/many_rooms.py -s 10 -p 20 --duration 10          # a quick look

Servers on core 0, clients on core 1 (when the machine has two). A script, not a test.
"""

import argparse
import asyncio
import json
import os
import re
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

from room_broadcast import bench_baseline, percentile, pinned  # noqa: E402
from tests.server import free_port, manage, server_env, wait_until_serving  # noqa: E402

SEQ_RE = re.compile(rb'"seq":(\d+)')
PREV_RE = re.compile(rb'{"prev":(\d+)')
SESSION_RE = re.compile(rb'"session_id":(\d+)')
SECONDS_RE = re.compile(rb'"seconds":(\d+)')
CLIENT_CORES = {1}

SETUP = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from agora import services
    from manifesto import services as text
    from tests.factories import make_agora, make_user
    from tests.live import session_cookie
    sessions, participants = int(sys.argv[1]), int(sys.argv[2])
    tag = sys.argv[3]
    organiser = make_user(f"organisatrice-{tag}")
    facilitator = make_user(f"animatrice-{tag}")
    manifesto = text.create_manifesto(actor=organiser, title="Manifeste national", slug=f"national-{tag}")
    rooms = []
    for s in range(sessions):
        agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title=f"Agora {s + 1}", slug=f"agora-{tag}-{s}")
        session = services.open_session(actor=facilitator, agora=agora)
        rooms.append({"session_id": session.pk, "participants": [
            session_cookie(participant=services.join(session=session, display_name=f"P{s}-{i}"))
            for i in range(participants)]})
    print(json.dumps({"facilitator": session_cookie(user=facilitator), "rooms": rooms}))
""")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Participant:
    def __init__(self, url: str, cookie: str, origin: str, session_id: int):
        self.url, self.cookie, self.origin, self.session_id = url, cookie, origin, session_id
        self.marks: dict[int, float] = {}  # timer seconds -> receipt
        self.frames = 0  # journaled frames received during the measured window
        self.foreign = 0  # other rooms' events
        self.resumes = 0
        self.last_seq = None
        self.counting = False

    async def run(self, joined: list, stop: asyncio.Event):
        started = time.perf_counter()
        async with websockets.connect(self.url, origin=self.origin, additional_headers={"Cookie": self.cookie},
                                      max_queue=None, ping_interval=None, open_timeout=120) as ws:
            first = json.loads(await ws.recv())
            self.last_seq = first.get("seq")
            joined.append(time.perf_counter() - started)
            while not stop.is_set():
                try:
                    frame = await asyncio.wait_for(ws.recv(decode=False), 0.5)
                except asyncio.TimeoutError:
                    continue
                now = time.perf_counter()
                seq = SEQ_RE.search(frame, 0, 120)
                if seq is None or frame.startswith(b'{"type":"resumed"'):
                    continue
                seq = int(seq.group(1))
                session = SESSION_RE.search(frame)
                if session and int(session.group(1)) != self.session_id:
                    self.foreign += 1
                if self.counting:
                    self.frames += 1
                if seq <= self.last_seq:
                    continue
                prev = PREV_RE.match(frame)
                if (int(prev.group(1)) if prev else seq - 1) > self.last_seq:
                    self.resumes += 1
                    await ws.send(json.dumps({"type": "resume", "data": {"seq": self.last_seq}}))
                self.last_seq = seq
                seconds = SECONDS_RE.search(frame)
                if seconds:
                    self.marks.setdefault(int(seconds.group(1)), now)


async def facilitator(url: str, cookie: str, origin: str):
    ws = await websockets.connect(url, origin=origin, additional_headers={"Cookie": cookie}, ping_interval=None,
                                  max_queue=None, open_timeout=120)
    await ws.recv()

    async def drain():
        try:
            async for _ in ws:
                pass
        except websockets.ConnectionClosed:
            pass

    return ws, asyncio.create_task(drain())


def start_daphne(stack: ExitStack, env: dict, log: Path) -> tuple[str, int]:
    port = free_port()
    out = open(log, "ab")
    stack.callback(out.close)
    profile = ["-m", "cProfile", "-o", f"{env['BENCH_PROFILE']}-{port}.prof"] if env.get("BENCH_PROFILE") else []
    process = subprocess.Popen(
        pinned([sys.executable, *profile, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]),
        env=env, cwd=ROOT, stdout=out, stderr=out)

    def stop():
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    stack.callback(stop)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base + "/", timeout=120)
    return base, process.pid


async def many_rooms(args) -> dict:
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        overrides = {"SQLITE_PATH": f"{tmp}/db.sqlite3"}
        if args.database_url:
            # As in production (README): a connection pool, not a new connection per database hop.
            overrides.update(DATABASE_URL=args.database_url, DB_POOL_SIZE="8")
        if args.redis:
            overrides.update(REDIS_URL=args.redis, CHANNEL_PREFIX=f"rooms-{uuid.uuid4().hex[:8]}")
        env = server_env(**overrides)
        manage("migrate", "--no-input", env=env)
        out = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-c", SETUP, str(args.sessions), str(args.participants), uuid.uuid4().hex[:6]],
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, cwd=ROOT, check=True, capture_output=True,
            text=True)
        setup = json.loads(out.stdout.strip().splitlines()[-1])
        servers = [start_daphne(stack, env, Path(tmp) / f"daphne-{i}.log") for i in range(2 if args.redis else 1)]
        bases = [base for base, _pid in servers]

        participants, senders = [], []
        for s, room in enumerate(setup["rooms"]):
            path = f"/ws/live/{room['session_id']}/"
            for i, cookie in enumerate(room["participants"]):
                base = bases[(s + i) % len(bases)]
                participants.append(Participant(base.replace("http", "ws") + path, cookie, base, room["session_id"]))
            base = bases[s % len(bases)]
            senders.append(await facilitator(base.replace("http", "ws") + path, setup["facilitator"], base))
        joined: list[float] = []
        stop = asyncio.Event()
        started = time.perf_counter()
        tasks = []
        for k in range(0, len(participants), 50):
            tasks += [asyncio.create_task(p.run(joined, stop)) for p in participants[k:k + 50]]
            while len(joined) < len(tasks) and time.perf_counter() - started < 600:
                await asyncio.sleep(0.05)
        join_s = time.perf_counter() - started
        await asyncio.sleep(3)

        for p in participants:
            p.counting = True
        cpu_before = {pid: cpu_seconds(pid) for _base, pid in servers}
        window = time.perf_counter()
        sent: dict[tuple[int, int], float] = {}
        for k in range(1, args.duration + 1):
            tick = time.perf_counter()
            for i, ((ws, _drain), room) in enumerate(zip(senders, setup["rooms"])):
                if not args.burst:  # independent rooms: each facilitator at its own moment of the second
                    await asyncio.sleep(max(0.0, tick + i / len(senders) - time.perf_counter()))
                sent[(room["session_id"], k)] = time.perf_counter()
                await ws.send(json.dumps({"type": "session.set_timer", "id": f"bench-{uuid.uuid4().hex}",
                                          "data": {"seconds": k}}))
            await asyncio.sleep(max(0.0, 1 - (time.perf_counter() - tick)))
        await asyncio.sleep(3)
        window_s = time.perf_counter() - window
        cpu = {pid: (cpu_seconds(pid) - cpu_before[pid]) / window_s for _base, pid in servers}
        for p in participants:
            p.counting = False
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        for ws, drain in senders:
            drain.cancel()
            await ws.close()

    latencies = [(p.marks[k] - sent[(p.session_id, k)]) * 1000 for p in participants for k in range(1, args.duration + 1)
                 if k in p.marks]
    rates = [p.frames / args.duration for p in participants]  # events were caused during `duration` seconds
    return {
        "joined": len(joined), "n": len(participants), "join_s": join_s, "delivered": len(latencies),
        "expected": len(participants) * args.duration, "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
        "rate_mean": sum(rates) / len(rates) if rates else 0, "rate_max": max(rates, default=0),
        "foreign": sum(p.foreign for p in participants), "resumes": sum(p.resumes for p in participants),
        "cpu": cpu,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-s", "--sessions", type=int, default=50, help="live sessions at once (default 50)")
    parser.add_argument("-p", "--participants", type=int, default=40, help="participants per session (default 40)")
    parser.add_argument("--duration", type=int, default=30, help="seconds of events, one a second per session")
    parser.add_argument("--redis", default="", help="REDIS_URL: Redis channel layer and two daphne processes")
    parser.add_argument("--database-url", default="", help="DATABASE_URL (default: a fresh SQLite file)")
    parser.add_argument("--burst", action="store_true",
                        help="every facilitator acts in the same instant of each second (the worst case) rather "
                             "than each room at its own moment")
    args = parser.parse_args()
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, CLIENT_CORES)
    print(f"many rooms: {args.sessions} sessions x {args.participants} participants, one event a second per "
          f"session for {args.duration} s ({'all in the same instant' if args.burst else 'each room at its own moment'}); {'Redis, 2 daphne' if args.redis else 'in-memory, 1 daphne'}, "
          f"{'PostgreSQL' if args.database_url else 'SQLite'}; load average {os.getloadavg()[0]:.2f}", flush=True)
    baseline = await bench_baseline(args.participants, args.duration, 1.0)
    print(f"raw websockets broadcast to {args.participants} sockets, 1/s: p50 {baseline['p50']:.1f} ms  "
          f"p95 {baseline['p95']:.1f} ms  p99 {baseline['p99']:.1f} ms  delivered "
          f"{baseline['delivered']}/{baseline['expected']}", flush=True)
    r = await many_rooms(args)
    print(f"coécrire: joined {r['joined']}/{r['n']} in {r['join_s']:.1f} s")
    print(f"  frames per participant socket per second: mean {r['rate_mean']:.2f}, max {r['rate_max']:.2f} "
          f"(own session: 1.00); other rooms' events received: {r['foreign']}")
    print(f"  delivery (command -> participant): p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms  p99 {r['p99']:.1f} ms; "
          f"delivered {r['delivered']}/{r['expected']}; client resumes {r['resumes']}")
    print(f"  p95 = {r['p95'] / baseline['p95']:.1f}x the raw {args.participants}-socket broadcast "
          f"({baseline['p95']:.1f} ms)")
    print("  server CPU: " + ", ".join(f"daphne {i + 1} {c:.2f} s/s" for i, c in enumerate(r["cpu"].values())))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
