"""Benchmark: the text's pages on the demo data — SQL queries, render time and served throughput.

    .venv/bin/python bench/text_pages.py [--repeat 30] [--served 10] [--connections 12]
                                         [--amendments 40] [--database-url postgres://…/empty_db]
                                         [--redis-url redis://…/db]

Loads the demo into a fresh SQLite file (or into the empty PostgreSQL database given, which it
flushes first) and prints:

1. per page, rendered with Django's test client (no network): queries, the first (cold)
   render and p50/p95 — the reading pages, the open API and the PDFs;
2. queries per page at two amendment counts (the demo's, then --amendments more on the
   article measured): on a cold cache (everything rendered) and on a warm one (a visitor
   without a session: manifesto/page_cache.py). Both columns must stay the same;
3. with --served N: requests/s through one daphne (DEBUG=0, N seconds per address,
   --connections connections, keep-alive) for the trivial /signer/sante/ and each page, each as
   a % of the trivial endpoint in the same run. The trivial endpoint is measured first and
   last; the ratio uses their mean, and the machine's load average is printed beside them.

Figures, not tests: the machine is shared, so compare ratios within one run.
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

SLUG = "manifeste-ess"
ARTICLE = 11
TRIVIAL = "/signer/sante/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--served", type=float, default=0, help="seconds per address through daphne (0: skip)")
    parser.add_argument("--connections", type=int, default=12)
    parser.add_argument("--amendments", type=int, default=40, help="amendments added for the second query count")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: a new SQLite file)")
    parser.add_argument("--redis-url", default="", help="a Redis database for the cache, as with several processes "
                        "(default: the process's memory); the bench clears it")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="coecrire-pages-")
    os.environ.update({"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"})
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    else:
        os.environ.pop("REDIS_URL", None)  # one process: the cache is the process's memory
    os.environ.pop("REQUIRE_SERVICES", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = f"{workdir}/db.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
        call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)  # DEBUG=0 serves the manifest's names
    from django.db import connection

    from django.conf import settings
    from django.core.cache import cache

    cache.clear()
    print(f"database: {connection.vendor}; cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; "
          f"load average at start: {_load()}")
    render_times(args.repeat)
    query_counts(args.amendments)
    if args.served:
        served(args.served, args.connections, args.database_url)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _pages() -> dict[str, str]:
    return {
        "home": "/",
        "reading": f"/manifeste/{SLUG}/",
        "reading, lines": f"/manifeste/{SLUG}/?lignes=1",
        "article": f"/manifeste/{SLUG}/article/{ARTICLE}/",
        "whole history": f"/manifeste/{SLUG}/historique/",
        "versions": f"/manifeste/{SLUG}/versions/",
        "version 1": f"/manifeste/{SLUG}/versions/1/",
        "compare 1→2": f"/manifeste/{SLUG}/versions/comparer/?old=1&new=2",
        "api manifesto": f"/api/v1/manifestes/{SLUG}/",
        "api amendments": f"/api/v1/manifestes/{SLUG}/amendements/",
        "api signatures": f"/api/v1/manifestes/{SLUG}/signatures/",
        "pdf text": f"/manifeste/{SLUG}/texte.pdf",
        "pdf version 1": f"/manifeste/{SLUG}/versions/1/texte.pdf",
        "csv amendments": f"/manifeste/{SLUG}/amendements.csv",
    }


def _get(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return response


def render_times(repeat: int) -> None:
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.API_RATE_LIMIT = 10**9
    client = Client()
    print("\nrendered in process (test client, DEBUG=1); warm = a visitor without a session, cache filled")
    print(f"{'page':<16} {'queries':>7} {'cold ms':>8} {'p50 ms':>8} {'p95 ms':>8}  first request's X-Page-Cache")
    for name, url in _pages().items():
        reset_queries()  # Django clears the log at each request start; begin from empty.
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            first = _get(client, url)
        cold = (time.perf_counter() - start) * 1000
        count = len(queries)  # now: the context reads the connection's log, which the next requests clear
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            _get(client, url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{name:<16} {count:>7} {cold:>8.1f} {statistics.median(times):>8.1f} {p95:>8.1f}"
              f"  {first.get('X-Page-Cache', '-')}")


def query_counts(extra_amendments: int) -> None:
    """Queries of each page, cold and warm, before and after adding amendments to the article."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from deliberation.models import Amendment

    settings.API_RATE_LIMIT = 10**9
    pages = {
        "reading": f"/manifeste/{SLUG}/?lignes=1",
        "article": f"/manifeste/{SLUG}/article/{ARTICLE}/",
        "whole history": f"/manifeste/{SLUG}/historique/",
        "api manifesto": f"/api/v1/manifestes/{SLUG}/",
        "api amendments": f"/api/v1/manifestes/{SLUG}/amendements/",
    }

    def count(url: str) -> int:
        client = Client()
        with CaptureQueriesContext(connection) as queries:
            _get(client, url)
        return len(queries)

    def measure() -> dict[str, tuple[int, int]]:
        figures = {}
        for name, url in pages.items():
            cache.clear()
            cold = count(url)
            figures[name] = (cold, count(url))
        return figures

    def amendments() -> int:
        return Amendment.objects.filter(manifesto__slug=SLUG, clause__number=ARTICLE).count()

    _add_amendments(1, start=0)  # from one amendment on: an empty panel skips its queries
    before, few = measure(), amendments()
    _add_amendments(extra_amendments, start=1)
    after, many = measure(), amendments()
    print(f"\nqueries per page (cold cache / warm), article {ARTICLE} with {few} then {many} amendments")
    print(f"{'page':<16} {f'{few} amendments':>16} {f'{many} amendments':>16}")
    for name in pages:
        print(f"{name:<16} {'%d / %d' % before[name]:>16} {'%d / %d' % after[name]:>16}")


def _add_amendments(count: int, *, start: int) -> None:
    """Proposed through the service, by people who join the demo's first live session."""
    from agora import services as agora_services
    from agora.models import LiveSession, Phase
    from deliberation import services as deliberation_services
    from deliberation.permissions import Actor
    from manifesto.models import Clause

    session = LiveSession.objects.filter(agora__manifesto__slug=SLUG).order_by("pk").first()
    # The demo's session is over: the bench reopens it in its proposals phase.
    LiveSession.objects.filter(pk=session.pk).update(phase=Phase.PROPOSALS, closed_at=None)
    session.refresh_from_db()
    clause = Clause.objects.get(manifesto__slug=SLUG, number=ARTICLE)
    for i in range(start, start + count):
        participant = agora_services.join(session=session, display_name=f"Banc {i}", organisation="", ess_family="association")
        deliberation_services.propose_amendment(
            actor=Actor(participant=participant), session=session, kind="modify", clause=clause,
            text=f"{clause.text} (rédaction {i})",
        )


def served(seconds: float, connections: int, database_url: str) -> None:
    """Requests/s through one daphne (DEBUG=0), each address beside the trivial endpoint."""
    import http.client
    import socket
    import subprocess
    import threading

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "API_RATE_LIMIT": "1000000000", "LOG_LEVEL": "WARNING"}
    if database_url:
        env.setdefault("DB_POOL_SIZE", "4")  # as in production (docs/operations.md): no connection per request
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
            errors: list = []
            stop = time.time() + seconds
            lock = threading.Lock()

            def worker():
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                while time.time() < stop:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    if response.status != 200:
                        errors.append(response.status)
                        return
                    with lock:
                        done[0] += 1

            threads = [threading.Thread(target=worker) for _ in range(connections)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if errors:
                raise SystemExit(f"{path} answered {errors[0]}")
            return done[0] / seconds

        addresses = {
            "reading": f"/manifeste/{SLUG}/",
            "reading, lines": f"/manifeste/{SLUG}/?lignes=1",
            "article": f"/manifeste/{SLUG}/article/{ARTICLE}/",
            "whole history": f"/manifeste/{SLUG}/historique/",
            "api manifesto": f"/api/v1/manifestes/{SLUG}/",
            "api amendments": f"/api/v1/manifestes/{SLUG}/amendements/",
            "pdf text": f"/manifeste/{SLUG}/texte.pdf",
        }
        rate(TRIVIAL)  # warm up the process
        first = rate(TRIVIAL)
        load_first = _load()
        figures = {}
        for name, path in addresses.items():
            _warm(path, port)  # fill the caches first
            figures[name] = rate(path)
        last = rate(TRIVIAL)
        baseline = (first + last) / 2
        print(f"\nserved through one daphne (DEBUG=0), {connections} connections, {seconds:.0f} s per address")
        print(f"load average: {load_first} (start), {_load()} (end)")
        print(f"{'trivial ' + TRIVIAL:<24} {first:>8.1f} req/s first, {last:.1f} last: baseline {baseline:.1f} = 100 %")
        for name, figure in figures.items():
            print(f"{name:<24} {figure:>8.1f} req/s  {100 * figure / baseline:>4.0f} %")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _warm(path: str, port: int) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(3):
        conn.request("GET", path)
        conn.getresponse().read()


if __name__ == "__main__":
    main()
