#!/usr/bin/env python
"""Where a live command's time goes in the server: the storm's commands, one after the other.

Builds a room like bench/amendment_storm.py's (a manifesto of --clauses articles, a live session,
--participants participants) in the database of DATABASE_URL, then runs through the command
pipeline (agora.pipeline.run, as the consumer does, minus the socket) --count proposals, the
phase changes, --count supports and a few accepts. Prints, per command type, the mean time and
the queries of the whole run and, with --profile, the functions where it went (cProfile). The
broadcast after commit goes to the channel layer of the settings (REDIS_URL, or in memory).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_profile SECRET_KEY=x \\
        .venv/bin/python bench/command_profile.py --count 50 --profile

The database is migrated and filled; use one of its own. A script, not a test.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

WORDS = "nous voulons une économie sociale et solidaire qui place les personnes avant le profit".split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50, help="proposals and supports to run (default 50)")
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--clauses", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="print where the time went (cProfile)")
    parser.add_argument("--queries", action="store_true", help="print the SQL of the last command of each type, with each query's time")
    args = parser.parse_args()
    call_command("migrate", "--no-input", verbosity=0)
    from agora import pipeline

    from bench.storm_room import build_room

    manifesto, session, facilitator, people = build_room(args.participants, args.clauses, WORDS, "profil")
    clauses = list(manifesto.clauses.values_list("pk", "text"))
    rng = random.Random(7)
    times, queries, counts = defaultdict(float), defaultdict(int), defaultdict(int)
    profiles = defaultdict(cProfile.Profile)
    last_sql = {}

    def caller_of(participant=None):
        if participant is None:
            return pipeline.Caller(session_id=session.pk, actor=f"user:{facilitator.pk}", user=facilitator,
                                   participant_id=None, is_facilitator=True)
        return pipeline.Caller(session_id=session.pk, actor=f"participant:{participant.pk}", user=None,
                               participant_id=participant.pk, is_facilitator=False)

    def run(caller, kind, data):
        command = pipeline.Command(kind, uuid.uuid4().hex, data)
        with CaptureQueriesContext(connection) as ctx:
            if args.profile:
                profiles[kind].enable()
            started = time.perf_counter()
            reply = pipeline.run(caller, command)
            times[kind] += time.perf_counter() - started
            if args.profile:
                profiles[kind].disable()
        queries[kind] += len(ctx.captured_queries)
        last_sql[kind] = [(float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries]
        counts[kind] += 1
        if reply["type"] != "ack":
            raise SystemExit(f"{kind} refused: {reply}")
        return reply["data"]

    facilitator_caller = caller_of()
    opened = []
    for round_ in range(max(1, args.count // 10)):
        run(facilitator_caller, "session.set_phase", {"phase": "proposals"})
        for _ in range(10):
            clause_id, text = rng.choice(clauses)
            words = text.split(" ")
            words[rng.randrange(len(words))] = f"mot-{uuid.uuid4().hex[:6]}"
            data = run(caller_of(rng.choice(people)), "amendment.propose", {
                "kind": "modify", "clause_id": clause_id, "section_id": None, "text": " ".join(words),
                "justification": "Profil."})
            opened.append(data["amendment"]["id"])
        run(facilitator_caller, "session.set_phase", {"phase": "supports"})
        for _ in range(10):
            run(caller_of(rng.choice(people)), "support.set",
                {"amendment_id": rng.choice(opened[-50:]), "value": rng.choice(["pour", "contre", "abstention"])})
        run(facilitator_caller, "amendment.accept",
            {"amendment_id": opened.pop(0), "resolved_text": None, "expected_revision": None})

    print(f"{connection.vendor}, {args.participants} participants, {args.clauses} articles")
    print(f"{'command':22} {'count':>5} {'mean ms':>8} {'queries':>8}")
    for kind in sorted(times):
        print(f"{kind:22} {counts[kind]:5d} {1000 * times[kind] / counts[kind]:8.1f} {queries[kind] / counts[kind]:8.1f}")
    if args.queries:
        for kind, sqls in sorted(last_sql.items()):
            print(f"\n=== {kind}: {len(sqls)} queries")
            for ms, sql in sqls:
                print(f"  {ms:6.2f} ms  {sql[:200]}")
    if args.profile:
        for kind, profile in sorted(profiles.items()):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(30)
            print(f"\n=== {kind}\n" + "\n".join(out.getvalue().splitlines()[4:45]))


if __name__ == "__main__":
    main()
