"""Bench-only app: notes where the storm's commands spend their time in the server.

- Each "amendment.accept" handler call: its time, its SQL queries and the number of amendments
  then in the manifesto, one line in $BENCH_TIMING_FILE (the queries must not grow with them).
- Each command's whole run (agora.pipeline.run: checks, handler, receipt, commit and the
  after-commit broadcast), and the part of it spent in journal broadcasts, one line per command
  in $BENCH_TIMING_FILE.commands: "<type> <run ms> <broadcast ms>".

Never installed outside the benchmark.
"""

import os
import threading
import time
from dataclasses import replace

from django.apps import AppConfig
from django.db import connection
from django.test.utils import CaptureQueriesContext

_spent = threading.local()  # broadcast time of the command running in this thread


class StormTimingConfig(AppConfig):
    name = "bench.storm_timing"
    label = "storm_timing"

    def ready(self):
        path = os.environ["BENCH_TIMING_FILE"]
        self._time_accepts(path)
        self._time_commands(path + ".commands")

    def _time_accepts(self, path):
        from agora import registry

        spec = registry.lookup("amendment.accept")

        def timed(ctx, data):
            from deliberation.models import Amendment

            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                try:
                    result = spec.handler(ctx, data)
                finally:
                    elapsed = (time.perf_counter() - started) * 1000
                    count = len(queries.captured_queries)
                    # Outside the timing: how many amendments the manifesto has now.
                    total = Amendment.objects.filter(manifesto_id=ctx.session.agora.manifesto_id).count()
                    with open(path, "a") as out:
                        out.write(f"{elapsed:.3f} {count} {total}\n")
            return result

        registry._registry["amendment.accept"] = replace(spec, handler=timed)

    def _time_commands(self, path):
        from agora import pipeline
        from manifesto import journal

        broadcast, run = journal.broadcast, pipeline.run

        def timed_broadcast(event):
            started = time.perf_counter()
            try:
                return broadcast(event)
            finally:
                _spent.ms = getattr(_spent, "ms", 0.0) + (time.perf_counter() - started) * 1000

        def timed_run(caller, command):
            _spent.ms = 0.0
            started = time.perf_counter()
            try:
                return run(caller, command)
            finally:
                elapsed = (time.perf_counter() - started) * 1000
                with open(path, "a") as out:
                    out.write(f"{command.type} {elapsed:.3f} {_spent.ms:.3f}\n")

        journal.broadcast = timed_broadcast
        pipeline.run = timed_run
