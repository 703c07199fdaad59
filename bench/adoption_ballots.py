"""Benchmark: casting secret ballots concurrently on PostgreSQL, next to signing in the same run.

    .venv/bin/python bench/adoption_ballots.py [--voters 400] [--threads 8]

Creates (drops and recreates) the database `bench_adoption`, migrates it, opens a vote with
`--voters` voters (article by article on a 6-article text) and a signature campaign on the same
version. Then, with `--threads` threads, casts one ballot per voter through the service a voting
link uses (`cast_ballot`: turnout row, ballot, journaled turnout, under the vote's row lock), and
signs as many times (`sign`, the baseline: one INSERT, no lock). Prints ballots/s and
signatures/s, p50/p95 latency, their ratio, the close's duration (tally and table rewrite), and
checks one ballot per voter. A vote is not a hot path (voters come over days): the figure says
how far the per-vote lock is from mattering.
"""

import argparse
import datetime
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import manage, server_env  # noqa: E402

DATABASE = "bench_adoption"


def recreate_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def run_concurrently(calls, threads: int) -> tuple[float, list[float]]:
    from django.db import connection

    queue = list(enumerate(calls))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []

    def worker():
        while True:
            with lock:
                if not queue:
                    break
                _index, call = queue.pop()
            started = time.perf_counter()
            try:
                call()
            except Exception as error:  # noqa: BLE001 - counted and printed
                errors.append(repr(error))
            latencies.append(time.perf_counter() - started)
        connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    if errors:
        print(f"  errors: {len(errors)}, first: {errors[0]}")
    return time.perf_counter() - started, latencies


def describe(name: str, count: int, elapsed: float, latencies: list[float]) -> float:
    rate = count / elapsed
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"{name:<12} {count:>5} in {elapsed:6.2f} s: {rate:7.1f}/s, p50 {quantiles[49] * 1000:6.1f} ms, p95 {quantiles[94] * 1000:6.1f} ms")
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    args = parser.parse_args()

    recreate_database(f"{args.postgres}/postgres")
    url = f"{args.postgres}/{DATABASE}"
    manage("migrate", "--no-input", env=server_env(DATABASE_URL=url))
    os.environ.update({"DATABASE_URL": url, "SECRET_KEY": "bench", "DJANGO_SETTINGS_MODULE": "config.settings"})
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from deliberation.adoption import services
    from deliberation.adoption.models import Ballot, Turnout
    from manifesto import services as text_services
    from manifesto.signatures import services as signature_services
    from manifesto.signatures.services import SignatureInput
    from tests.factories import make_manifesto, make_user

    settings.SIGNATURE_RATE_LIMIT = 10**9
    settings.SIGNATURE_COUNTER_COALESCE_MS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    organiser = make_user("bench-organiser")
    manifesto = make_manifesto(organiser=organiser, slug="bench", sections=2, clauses=3)
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Soumise au vote")
    vote = services.create_vote(
        actor=organiser, manifesto=manifesto, version=version,
        rules=services.Rules(title="Bench", closes_at=timezone.now() + datetime.timedelta(days=1), per_article=True),
    )
    roll = "nom,email\n" + "".join(f"V{n},v{n}@example.org\n" for n in range(args.voters))
    services.import_roll(actor=organiser, vote=vote, csv_text=roll)
    services.open_vote(actor=organiser, vote=vote)
    tokens = [services.issue_link_token(voter_id) for voter_id in vote.voters.values_list("pk", flat=True)]
    numbers = [c["number"] for s in version.content["sections"] for c in s["clauses"]]
    choices = {"texte": "pour", "articles": {str(n): "contre" for n in numbers}}

    campaign = signature_services.open_campaign(actor=organiser, manifesto=manifesto, version=version)
    from manifesto.signatures import selectors

    state = selectors.campaign_for(slug=manifesto.slug) or campaign
    signatures = [
        (lambda n=n: signature_services.sign(
            campaign=state,
            data=SignatureInput(kind="person", email=f"s{n}@example.org", territory="75", first_name="S", last_name=str(n)),
            ip="203.0.113.1",
        ))
        for n in range(args.voters)
    ]
    ballots = [(lambda t=t: services.cast_ballot(token=t, fingerprint=version.fingerprint, choices=choices)) for t in tokens]

    print(f"{args.voters} voters, {args.threads} threads, {len(numbers)} articles per ballot")
    baseline = describe("signatures", len(signatures), *run_concurrently(signatures, args.threads))
    rate = describe("ballots", len(ballots), *run_concurrently(ballots, args.threads))
    print(f"ballots / signatures: {rate / baseline:.2f}")
    started = time.perf_counter()
    services.close_vote(actor=organiser, vote=vote)
    print(f"close (tally + table rewrite): {(time.perf_counter() - started) * 1000:.0f} ms")
    assert Ballot.objects.filter(vote=vote).count() == Turnout.objects.filter(voter__vote=vote).count() == args.voters


if __name__ == "__main__":
    main()
