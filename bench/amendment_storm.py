#!/usr/bin/env python
"""Amendment storm: N connected participants, 10 proposals a second plus supports and accepts.

Starts real daphne processes, connects N participants' websockets (and one facilitator) to a
live session, then every second for --duration seconds: the facilitator opens the proposals
phase, --proposals participants propose an amendment, the facilitator opens the supports
phase, --supports participants support open amendments, and the facilitator accepts the
oldest open one (some are stale: they merge or conflict, as in a real room). Prints:

- p50/p95/p99 delivery latency of every journaled event to every participant (from the
  event's journal write, Event.created_at, to its receipt by the client; same machine clock),
- delivered/expected (events of the session's scope x participants); like every client of the
  live room, the bench's clients ask to resume when they see a gap (`prev` above the last seq
  they applied), and count the replayed events as delivered; the number of such resumes (none
  is expected: the server repairs what the channel layer reorders or drops),
- the rate actually reached, command replies and errors,
- server-side accept time p50/p95 (the accept handler's time in the server, measured by a
  bench-only app, bench/storm_timing.py) and the SQL queries per accept, early in the run
  and late in the run (it must not grow with the number of amendments),
- per command type: the round trip seen by the client, the server's whole run of the command
  (checks, handler, commit, after-commit broadcast) and, of it, the broadcast.

    .venv/bin/python bench/amendment_storm.py                       # N=200, 60 s, embedded
    .venv/bin/python bench/amendment_storm.py -n 1000 --duration 30
    .venv/bin/python bench/amendment_storm.py -n 1000 --redis redis://127.0.0.1:6379/2   # 2 daphne

Servers run on core 0, clients on core 1 (when the machine has two). A script, not a test.
"""

import argparse
import asyncio
import json
import os
import random
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

import websockets  # noqa: E402

from tests.server import free_port, manage, server_env, wait_until_serving  # noqa: E402

SEQ_RE = re.compile(rb'"seq":(\d+)')
PREV_RE = re.compile(rb'{"prev":(\d+)')
SERVER_CORES = "0"
ROUND_TRIPS: dict[str, list[float]] = {}  # command type -> client round trips (ms)
CLIENT_CORES = {1}

WORDS = (
    "nous voulons une économie sociale et solidaire qui place les personnes avant le profit partage le pouvoir "
    "coopère avec les territoires protège le vivant et fait vivre la démocratie au travail chaque jour"
).split()

SETUP = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from bench.storm_room import build_room
    from tests.live import session_cookie
    n, clauses = int(sys.argv[1]), int(sys.argv[2])
    words = sys.argv[3].split()
    manifesto, session, facilitator, people = build_room(n, clauses, words)
    cookies = [session_cookie(participant=p) for p in people]
    texts = {c.pk: c.text for c in manifesto.clauses.all()}
    print(json.dumps({"session_id": session.pk, "manifesto_id": manifesto.pk, "facilitator": session_cookie(user=facilitator),
                      "participants": cookies, "clauses": texts}))
""")

JOURNAL = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from manifesto.models import Event
    rows = Event.objects.filter(manifesto_id=int(sys.argv[1]), seq__gt=int(sys.argv[2])).values_list("seq", "type", "created_at")
    print(json.dumps([[seq, type, created.timestamp()] for seq, type, created in rows]))
""")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def pinned(cmd: list[str]) -> list[str]:
    return ["taskset", "-c", SERVER_CORES, *cmd] if (os.cpu_count() or 1) >= 2 else cmd


def django_script(script: str, env: dict, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", script, *args], env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def start_daphne(stack: ExitStack, env: dict, log: Path) -> str:
    port = free_port()
    out = open(log, "ab")  # a file, never a pipe nobody reads: a full pipe would block the server
    stack.callback(out.close)
    process = subprocess.Popen(
        pinned([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]),
        env=env, cwd=ROOT, stdout=out, stderr=out,
    )

    def stop():
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    stack.callback(stop)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base + "/")
    return base


class Client:
    """One websocket: notes when each journaled event arrives; answers its own commands' replies."""

    def __init__(self, url: str, cookie: str, origin: str):
        self.url, self.cookie, self.origin = url, cookie, origin
        self.marks: dict[int, float] = {}
        self.pending: dict[str, asyncio.Future] = {}
        self.first_seq = None
        self.last_seq = None
        self.resuming = False
        self.resumes = 0
        self.ws = None
        self.reader = None

    async def connect(self):
        self.ws = await websockets.connect(
            self.url, origin=self.origin, additional_headers={"Cookie": self.cookie}, max_queue=None,
            ping_interval=None, open_timeout=120, max_size=None,
        )
        first = json.loads(await self.ws.recv())
        self.first_seq = self.last_seq = first.get("seq")
        self.reader = asyncio.create_task(self.read())

    async def read(self):
        try:
            async for frame in self.ws:
                now = time.time()
                if isinstance(frame, str):
                    frame = frame.encode()
                head = frame[:40]
                if head.startswith(b'{"type":"ack"') or head.startswith(b'{"type":"error"'):
                    reply = json.loads(frame)
                    future = self.pending.pop(reply.get("in_reply_to"), None)
                    if future is not None and not future.done():
                        future.set_result(reply)
                    continue
                if head.startswith(b'{"type":"resumed"'):
                    self.resuming = False
                    continue
                match = SEQ_RE.search(frame, 0, 120)
                if match:
                    seq = int(match.group(1))
                    self.marks.setdefault(seq, now)
                    if self.last_seq is None or seq <= self.last_seq:
                        continue
                    prev = PREV_RE.match(frame)  # the server writes "prev" first (docs/realtime.md)
                    if (int(prev.group(1)) if prev else seq - 1) <= self.last_seq:
                        self.last_seq = seq
                    elif not self.resuming:
                        # A gap (the channel layer dropped a broadcast): ask for the missed events,
                        # as every client of the live room does (docs/realtime.md).
                        self.resuming = True
                        self.resumes += 1
                        await self.ws.send(json.dumps({"type": "resume", "data": {"seq": self.last_seq}}))
        except websockets.ConnectionClosed:
            pass

    async def command(self, type: str, data: dict) -> dict:
        command_id = uuid.uuid4().hex
        future = asyncio.get_running_loop().create_future()
        self.pending[command_id] = future
        sent = time.perf_counter()
        await self.ws.send(json.dumps({"type": type, "id": command_id, "data": data}))
        reply = await asyncio.wait_for(future, 60)
        ROUND_TRIPS.setdefault(type, []).append((time.perf_counter() - sent) * 1000)
        return reply

    async def close(self):
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


def reword(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    i = rng.randrange(len(words) - 1)
    words[i] = rng.choice(WORDS) + "-" + str(rng.randrange(1000))
    return " ".join(words)


async def storm(args) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        overrides = {"SQLITE_PATH": f"{tmp}/db.sqlite3", "LIVE_COMMANDS_PER_SECOND": "50"}
        if args.database_url:
            # As in production (README): a connection pool, not a new connection per database hop.
            overrides.update(DATABASE_URL=args.database_url, DB_POOL_SIZE="8")
        if args.redis:
            overrides.update(REDIS_URL=args.redis, CHANNEL_PREFIX=f"storm-{uuid.uuid4().hex[:8]}")
        env = server_env(**overrides)
        manage("migrate", "--no-input", env=env)
        room = json.loads(await asyncio.to_thread(
            django_script, SETUP, env, str(args.participants), str(args.clauses), " ".join(WORDS)
        ))
        timing = Path(tmp) / "accept-timing.txt"
        timing.touch()
        server_env_ = {**env, "DJANGO_SETTINGS_MODULE": "bench.storm_settings", "BENCH_TIMING_FILE": str(timing)}
        bases = [start_daphne(stack, server_env_, Path(tmp) / "daphne-1.log")]
        if args.redis:
            bases.append(start_daphne(stack, server_env_, Path(tmp) / "daphne-2.log"))
        path = f"/ws/live/{room['session_id']}/"

        facilitator = Client(bases[0].replace("http", "ws") + path, room["facilitator"], bases[0])
        await facilitator.connect()
        participants = []
        started = time.perf_counter()
        for i, cookie in enumerate(room["participants"]):
            base = bases[i % len(bases)]
            participants.append(Client(base.replace("http", "ws") + path, cookie, base))
        try:
            for k in range(0, len(participants), 50):  # join in bursts of 50
                await asyncio.gather(*(c.connect() for c in participants[k:k + 50]))
        except Exception:
            for log in sorted(Path(tmp).glob("daphne-*.log")):
                lines = [line for line in log.read_text(errors="replace").splitlines() if "WSCONNECT" not in line]
                print(f"--- {log.name}\n" + "\n".join(lines[-30:]))
            raise
        join_s = time.perf_counter() - started
        await asyncio.sleep(2)
        start_seq = max([facilitator.first_seq or 0] + [max(c.marks, default=0) for c in participants])
        start_seq = max(start_seq, max(facilitator.marks, default=0))

        clause_texts = {int(k): v for k, v in room["clauses"].items()}
        clause_ids = list(clause_texts)
        open_ids: list[int] = []
        replies = {"ack": 0, "error": 0}
        errors: dict[str, int] = {}
        accepts = {"applied": 0, "merged": 0, "conflict": 0, "other": 0}
        proposals = supports = 0
        accept_rtt: list[float] = []

        def count(reply):
            replies[reply["type"]] += 1
            if reply["type"] == "error":
                errors[reply["code"]] = errors.get(reply["code"], 0) + 1

        run_started = time.perf_counter()
        ticks = 0
        while time.perf_counter() - run_started < args.duration:
            tick = time.perf_counter()
            ticks += 1
            count(await facilitator.command("session.set_phase", {"phase": "proposals"}))
            batch = []
            for _ in range(args.proposals):
                author = rng.choice(participants)
                clause_id = rng.choice(clause_ids)
                batch.append(author.command("amendment.propose", {
                    "kind": "modify", "clause_id": clause_id, "section_id": None,
                    "text": reword(clause_texts[clause_id], rng), "justification": "Orage d'amendements.",
                }))
            for reply in await asyncio.gather(*batch):
                count(reply)
                if reply["type"] == "ack":
                    open_ids.append(reply["data"]["amendment"]["id"])
                    proposals += 1
            count(await facilitator.command("session.set_phase", {"phase": "supports"}))
            batch = []
            for _ in range(args.supports):
                if not open_ids:
                    break
                batch.append(rng.choice(participants).command(
                    "support.set", {"amendment_id": rng.choice(open_ids[-50:]), "value": rng.choice(["pour", "contre", "abstention"])}
                ))
            for reply in await asyncio.gather(*batch):
                count(reply)
                supports += reply["type"] == "ack"
            for _ in range(args.accepts):
                if not open_ids:
                    break
                amendment_id = open_ids.pop(0)
                sent = time.perf_counter()
                reply = await facilitator.command(
                    "amendment.accept", {"amendment_id": amendment_id, "resolved_text": None, "expected_revision": None}
                )
                accept_rtt.append((time.perf_counter() - sent) * 1000)
                count(reply)
                if reply["type"] == "ack":
                    accepts["merged" if reply["data"]["merged"] else "applied"] += 1
                    clause = reply["data"]["amendment"]["clause_id"]
                    if clause in clause_texts:
                        clause_texts[clause] = reply["data"]["amendment"]["text"] if not reply["data"]["merged"] else clause_texts[clause]
                elif reply["code"] == "conflict":
                    accepts["conflict"] += 1
                else:
                    accepts["other"] += 1
            elapsed = time.perf_counter() - tick
            if elapsed < 1:
                await asyncio.sleep(1 - elapsed)
        run_s = time.perf_counter() - run_started
        await asyncio.sleep(5)  # let the last broadcasts arrive

        journal = json.loads(await asyncio.to_thread(
            django_script, JOURNAL, env, str(room["manifesto_id"]), str(start_seq)
        ))
        await asyncio.gather(*(c.close() for c in participants + [facilitator]), return_exceptions=True)
        timings = [(float(ms), int(queries), int(total)) for ms, queries, total in
                   (line.split() for line in timing.read_text().splitlines())]
        commands_file = Path(str(timing) + ".commands")
        server_runs: dict[str, list[tuple[float, float]]] = {}
        for line in (commands_file.read_text().splitlines() if commands_file.exists() else []):
            kind, run_ms, broadcast_ms = line.split()
            server_runs.setdefault(kind, []).append((float(run_ms), float(broadcast_ms)))
        if args.show_server_log:
            for log in sorted(Path(tmp).glob("daphne-*.log")):
                print(f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-40:]))

    created = {seq: at for seq, _type, at in journal}
    latencies = []
    delivered = 0
    for client in participants:
        for seq, at in created.items():
            received = client.marks.get(seq)
            if received is not None:
                delivered += 1
                latencies.append((received - at) * 1000)
    expected = len(created) * len(participants)
    resumes = sum(c.resumes for c in participants)
    print_report(args, bases, join_s, run_s, ticks, proposals, supports, accepts, replies, errors, created, latencies,
                 delivered, expected, accept_rtt, timings, resumes, server_runs)


def print_report(args, bases, join_s, run_s, ticks, proposals, supports, accepts, replies, errors, created, latencies,
                 delivered, expected, accept_rtt, timings, resumes, server_runs):
    mode = f"{len(bases)} daphne, " + ("Redis layer" if args.redis else "in-memory layer") + ", " + (
        "PostgreSQL" if args.database_url else "SQLite")
    print(f"amendment storm: N={args.participants} participants, {args.duration} s, {mode}; "
          f"servers on core {SERVER_CORES}, clients on core 1")
    print(f"  joined in {join_s:.1f} s; {ticks} ticks in {run_s:.1f} s")
    print(f"  proposals {proposals} ({proposals / run_s:.1f}/s), supports {supports} ({supports / run_s:.1f}/s), "
          f"accepts {accepts['applied'] + accepts['merged']} (merged {accepts['merged']}), conflicts {accepts['conflict']}, "
          f"other refusals {accepts['other']}")
    print(f"  replies: {replies['ack']} acks, {replies['error']} errors {errors or ''}")
    print(f"  events journaled {len(created)} ({len(created) / run_s:.1f}/s)")
    print(f"  delivery latency (journal write -> participant): p50 {percentile(latencies, 50):.1f} ms  "
          f"p95 {percentile(latencies, 95):.1f} ms  p99 {percentile(latencies, 99):.1f} ms  "
          f"max {max(latencies, default=float('nan')):.1f} ms")
    print(f"  delivered/expected: {delivered}/{expected} ({100 * delivered / expected if expected else 0:.2f} %), "
          f"{resumes} resumes after a gap (missed broadcasts replayed from the journal)")
    print(f"  accept round trip (facilitator): p50 {percentile(accept_rtt, 50):.1f} ms  p95 {percentile(accept_rtt, 95):.1f} ms")
    if timings:
        ms = [t[0] for t in timings]
        print(f"  server-side accept time: p50 {percentile(ms, 50):.1f} ms  p95 {percentile(ms, 95):.1f} ms  "
              f"({len(timings)} accepts)")
        tenth = max(1, len(timings) // 10)
        early, late = timings[:tenth], timings[-tenth:]
        print(f"  SQL queries per accept: first {tenth} accepts (with {early[0][2]}–{early[-1][2]} amendments) "
              f"{min(t[1] for t in early)}–{max(t[1] for t in early)}; last {tenth} (with {late[0][2]}–{late[-1][2]} "
              f"amendments) {min(t[1] for t in late)}–{max(t[1] for t in late)}")
    print("  per command (ms): client round trip p50/p95 | server run p50/p95 | of it broadcast p50/p95")
    for kind in sorted(ROUND_TRIPS):
        rtt = ROUND_TRIPS[kind]
        runs = [r for r, _b in server_runs.get(kind, [])]
        spent = [b for _r, b in server_runs.get(kind, [])]
        print(f"    {kind:20} {percentile(rtt, 50):7.1f} {percentile(rtt, 95):7.1f} | {percentile(runs, 50):6.1f} "
              f"{percentile(runs, 95):6.1f} | {percentile(spent, 50):6.1f} {percentile(spent, 95):6.1f}  ({len(rtt)})")


async def raw_baseline(n: int, rate: float, duration: float, size: int) -> dict:
    """The same fan-out by a raw `websockets` server (bench/room_broadcast.py's, one process on the
    servers' core): `rate` frames a second of about `size` bytes to n sockets, for `duration`
    seconds. What the machine allows for the storm's events alone, without any command."""
    sys.path.insert(0, str(ROOT / "bench"))
    from room_broadcast import start_baseline_server, stop

    url, process = await start_baseline_server()
    marks: list[dict[int, float]] = []

    async def listen(ws, got):
        try:
            async for frame in ws:
                match = SEQ_RE.search(frame.encode() if isinstance(frame, str) else frame, 0, 120)
                if match:
                    got.setdefault(int(match.group(1)), time.time())
        except websockets.ConnectionClosed:
            pass

    try:
        sockets, readers = [], []
        for k in range(0, n, 50):
            batch = await asyncio.gather(*(websockets.connect(url, max_queue=None, ping_interval=None, open_timeout=120)
                                           for _ in range(min(50, n - k))))
            for ws in batch:
                await ws.send("hello")
                await ws.recv()
                got: dict[int, float] = {}
                marks.append(got)
                readers.append(asyncio.create_task(listen(ws, got)))
            sockets += batch
        control = await websockets.connect(url, max_queue=None, ping_interval=None)
        await control.send("control")
        padding = "x" * max(0, size - 80)
        sent: dict[int, float] = {}
        started = time.perf_counter()
        seq = 0
        while time.perf_counter() - started < duration:
            seq += 1
            sent[seq] = time.time()
            await control.send('{"type":"amendment.proposed","seq":%d,"data":{"text":"%s"}}' % (seq, padding))
            await asyncio.sleep(max(0.0, started + seq / rate - time.perf_counter()))
        run_s = time.perf_counter() - started
        await asyncio.sleep(5)
        await asyncio.gather(*(ws.close() for ws in sockets + [control]), return_exceptions=True)
        await asyncio.gather(*readers, return_exceptions=True)
    finally:
        stop(process)
    latencies = [(got[k] - at) * 1000 for got in marks for k, at in sent.items() if k in got]
    return {"rate": len(sent) / run_s, "delivered": len(latencies), "expected": len(sent) * n,
            "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--participants", type=int, default=200, help="connected participants (default 200)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of storm (default 60)")
    parser.add_argument("--proposals", type=int, default=10, help="proposals a second (default 10)")
    parser.add_argument("--supports", type=int, default=10, help="supports a second (default 10)")
    parser.add_argument("--accepts", type=int, default=1, help="accepts a second (default 1)")
    parser.add_argument("--clauses", type=int, default=50, help="clauses in the manifesto (default 50)")
    parser.add_argument("--redis", default="", help="REDIS_URL: Redis channel layer and two daphne processes")
    parser.add_argument("--show-server-log", action="store_true", help="print the end of each daphne log")
    parser.add_argument("--database-url", default="", help="DATABASE_URL (default: a fresh SQLite file)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the raw websockets fan-out baseline")
    args = parser.parse_args()
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, CLIENT_CORES)
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    if not args.no_baseline:
        # The events the asked storm journals each second: two phase changes, the proposals, the
        # supports, and an accept (amendment.accepted plus the clause's text.clause_changed).
        rate = 2 + args.proposals + args.supports + 2 * args.accepts
        base = await raw_baseline(args.participants, rate, min(args.duration, 30), 1500)
        print(f"raw websockets baseline (same machine, same run): {base['rate']:.1f} frames/s of ~1.5 kB to "
              f"{args.participants} sockets for {min(args.duration, 30):.0f} s: p50 {base['p50']:.1f} ms  "
              f"p95 {base['p95']:.1f} ms  p99 {base['p99']:.1f} ms; delivered/expected "
              f"{base['delivered']}/{base['expected']}", flush=True)
    await storm(args)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
