"""Benchmark: the publications of the demo — the room's PDFs, the charts' pages, the exports.

    .venv/bin/python bench/publishing_pdfs.py [--repeat 20]

Loads the demo into a fresh SQLite file and, with Django's test client (no network), prints for
each URL its SQL queries, the first (cold: the PDF is built) and the p50 of the next requests
(cached: built once per journal seq, version or signature count), beside the text's PDF, which
was there before, measured in the same run. Figures, not tests.
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
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="coecrire-publishing-")
    os.environ.update({"SQLITE_PATH": f"{workdir}/db.sqlite3", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"})
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    settings.API_RATE_LIMIT = 10**9
    pages = {
        "pdf text (baseline)": "/manifeste/manifeste-collectif/texte.pdf",
        "pdf booklet": "/agoras/collectif-lille/liasse.pdf",
        "pdf report": "/agoras/collectif-lille/bilan.pdf",
        "pdf vote results": "/vote/declaration-adoptee/1/resultats.pdf",
        "pdf signatories": "/signer/declaration-adoptee/signataires.pdf",
        "odt text": "/manifeste/manifeste-collectif/texte.odt",
        "figures page": "/manifeste/declaration-adoptee/chiffres/",
        "figures, agoras": "/manifeste/manifeste-collectif/chiffres/",
        "signatories page": "/signer/declaration-adoptee/signataires/",
        "agenda": "/agoras/",
        "report page": "/agoras/collectif-lille/bilan/",
        "csv contributions": "/manifeste/manifeste-collectif/contributions.csv",
    }
    client = Client()
    # The first PDF pays WeasyPrint's import and font set-up: paid here, so that no row carries it.
    client.get("/manifeste/manifeste-ess/texte.pdf")
    print(f"{'url':<22} {'bytes':>8} {'queries':>7} {'cold ms':>8} {'p50 ms':>8}")
    for name, url in pages.items():
        reset_queries()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        cold = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            again = client.get(url)
            if again.streaming:
                b"".join(again.streaming_content)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name:<22} {len(body):>8} {len(queries):>7} {cold:>8.1f} {statistics.median(times):>8.1f}")


if __name__ == "__main__":
    main()
