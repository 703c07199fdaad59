"""Benchmark: the text's pages on the demo data — SQL queries and render time per page.

    .venv/bin/python bench/text_pages.py [--repeat 30] [--served 10]

Loads the demo into a fresh SQLite file, renders each page with Django's test client (no
network) and prints the number of queries, the first (cold) render and the p50/p95 time per
page — the reading pages, the open API and the PDFs. With --served N, also serves the same
database with one daphne (DEBUG=0) and prints requests/s of the reading page and an article's
page beside the trivial /signer/sante/ for N seconds each, 12 connections, as ratios of the
same run. Figures, not tests.
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
    parser.add_argument("--served", type=float, default=0, help="seconds per URL through daphne (0: skip)")
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
        "reading, lines": f"/manifeste/{slug}/?lignes=1",
        "api manifesto": f"/api/v1/manifestes/{slug}/",
        "api amendments": f"/api/v1/manifestes/{slug}/amendements/",
        "api signatures": f"/api/v1/manifestes/{slug}/signatures/",
        "pdf text": f"/manifeste/{slug}/texte.pdf",
        "pdf version 1": f"/manifeste/{slug}/versions/1/texte.pdf",
        "csv amendments": f"/manifeste/{slug}/amendements.csv",
    }
    client = Client()
    from django.conf import settings

    settings.API_RATE_LIMIT = 10**9
    print(f"{'page':<16} {'queries':>7} {'cold ms':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for name, url in pages.items():
        reset_queries()  # Django clears the log at each request start; begin from empty.
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        cold = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{name:<16} {len(queries):>7} {cold:>8.1f} {statistics.median(times):>8.1f} {p95:>8.1f}")
    if args.served:
        served(workdir, slug, args.served)


def served(workdir: str, slug: str, seconds: float, connections: int = 12) -> None:
    """Requests/s through one daphne (DEBUG=0), each page beside the trivial endpoint."""
    import http.client
    import socket
    import subprocess
    import threading

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "127.0.0.1,localhost", "API_RATE_LIMIT": "1000000000"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)

        def rate(path: str) -> float:
            done = [0]
            stop = time.time() + seconds
            lock = threading.Lock()

            def worker():
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                while time.time() < stop:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    assert response.status == 200, (path, response.status)
                    with lock:
                        done[0] += 1

            threads = [threading.Thread(target=worker) for _ in range(connections)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return done[0] / seconds

        rate("/signer/sante/")  # warm up
        baseline = rate("/signer/sante/")
        print(f"\nserved through daphne, {connections} connections, {seconds:.0f} s each")
        print(f"{'/signer/sante/':<34} {baseline:>8.1f} req/s  100 %")
        for path in (f"/manifeste/{slug}/", f"/manifeste/{slug}/article/11/", f"/api/v1/manifestes/{slug}/"):
            rate(path)  # warm the caches
            figure = rate(path)
            print(f"{path:<34} {figure:>8.1f} req/s  {100 * figure / baseline:>4.0f} %")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
