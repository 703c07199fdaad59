"""Bench-only app: wraps the registered "amendment.accept" handler to note, for each call, how long
it ran on the server and how many SQL queries it made, with the number of amendments then in the
manifesto, one line per accept in $BENCH_TIMING_FILE. Never installed outside the benchmark."""

import os
import time
from dataclasses import replace

from django.apps import AppConfig
from django.db import connection
from django.test.utils import CaptureQueriesContext


class StormTimingConfig(AppConfig):
    name = "bench.storm_timing"
    label = "storm_timing"

    def ready(self):
        from agora import registry

        spec = registry.lookup("amendment.accept")
        path = os.environ["BENCH_TIMING_FILE"]

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
