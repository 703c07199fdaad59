"""Benchmark: the text's pages on the demo data — SQL queries and render time per page.

    .venv/bin/python bench/text_pages.py [--repeat 30]

Loads the demo into a fresh SQLite file, renders each page with Django's test client (no
network) and prints the number of queries and the p50/p95 time per page. A figure, not a test.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="coecrire-pages-")
    os.environ.update(
        {"SQLITE_PATH": f"{workdir}/db.sqlite3", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    slug = "manifeste-ess"
    pages = {
        "home": "/",
        "reading": f"/manifeste/{slug}/",
        "clause history": f"/manifeste/{slug}/article/11/",
        "whole history": f"/manifeste/{slug}/historique/",
        "versions": f"/manifeste/{slug}/versions/",
        "version 1": f"/manifeste/{slug}/versions/1/",
        "compare 1→2": f"/manifeste/{slug}/versions/comparer/?old=1&new=2",
    }
    client = Client()
    print(f"{'page':<16} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for name, url in pages.items():
        reset_queries()  # Django clears the log at each request start; begin from empty.
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{name:<16} {len(queries):>7} {statistics.median(times):>8.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
