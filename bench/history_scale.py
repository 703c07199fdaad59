"""Benchmark: the text's history pages on a long history — 500 articles, 20,000 revisions.

    .venv/bin/python bench/history_scale.py [--articles 500] [--revisions 20000] [--repeat 30] [--keep]

On PostgreSQL when DATABASE_URL is set (migrated in place; the benchmark's manifesto is
deleted at the end unless --keep), else on a fresh SQLite file. The cache is the one the
settings give (Redis with REDIS_URL, else in-process memory).

The history is written as the services write it, but in bulk: a manifesto of `--articles`
articles, each created by the organiser (history row "+", revision 1), then `--revisions`
minus that many text changes spread over 120 days, most articles a few dozen and the busiest
about 1,900 (a Zipf-like spread). 90 % of the changes are amendments from three agoras accepted
by their facilitator (an Amendment with base text, author, decision, `applied_clause` and
`applied_revision`, and the clause history row with its reason), 10 % direct edits by the
organiser. Each change replaces, inserts or deletes a few words of the previous text. On top:
open and rejected amendments with supports (most on the busiest articles), a version frozen
half-way and one at the end, and the journal's clause events.

Renders each page with Django's test client (no network) and prints, per page: SQL queries of a
warm request, the first request's time (caches cold) and p50/p95 over --repeat warm requests,
beside the trivial /signer/sante/ of the same run. Targets (figures, not tests): provenance and
comparison p95 <= 100 ms; query counts that do not depend on the number of revisions.
"""

import argparse
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = (
    "économie sociale solidaire coopératives associations mutuelles fondations territoires emploi "
    "utilité gouvernance démocratique lucrativité limitée partage richesse transition écologique "
    "citoyens salariés bénévoles usagers collectivités services publics innovation sociale "
    "commun inclusion santé logement alimentation mobilité culture éducation numérique finance "
    "solidaire épargne investissement circuits courts réemploi insertion jeunesse égalité femmes "
    "hommes handicap ruralité quartiers outre-mer Europe soutenir garantir reconnaître développer "
    "financer protéger ouvrir renforcer simplifier accompagner durable juste local national"
).split()
LINKS = "le la les des du de et pour par avec dans sur au aux une un que qui".split()


def sentence(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(WORDS) if i % 2 == 0 else rng.choice(LINKS) for i in range(n)]


def render(words: list[str]) -> str:
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def edit(rng: random.Random, words: list[str]) -> list[str]:
    """Replace, insert or delete a few words, as an amendment does."""
    words = list(words)
    op = rng.random()
    at = rng.randrange(len(words))
    if op < 0.45 or len(words) > 140:
        if len(words) > 40 and op >= 0.45:
            del words[at : at + rng.randint(1, 4)]
        else:
            words[at : at + rng.randint(1, 3)] = sentence(rng, rng.randint(1, 3))
    elif op < 0.8 or len(words) < 40:
        words[at:at] = sentence(rng, rng.randint(2, 6))
    else:
        del words[at : at + rng.randint(1, 4)]
    return words


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        workdir = tempfile.mkdtemp(prefix="coecrire-history-")
        os.environ["SQLITE_PATH"] = f"{workdir}/db.sqlite3"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def build(*, articles: int, revisions: int, seed: int = 7):
    """Write the manifesto and its history; returns (manifesto, organiser, facilitator, busiest clause number)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from agora.models import Agora, LiveSession, Participant
    from deliberation.models import Amendment, AmendmentKind, AmendmentState, Support, SupportValue
    from manifesto import services
    from manifesto.models import Clause, Event, Manifesto, ManifestoVersion, Section

    rng = random.Random(seed)
    User = get_user_model()
    stamp = str(time.time_ns())[-9:]
    organiser = User.objects.create_user(username=f"bench-org-{stamp}", first_name="Odile", last_name="Bench")
    facilitators = [
        User.objects.create_user(username=f"bench-anim-{stamp}-{i}", first_name=name, last_name="Bench")
        for i, name in enumerate(["Karim", "Léa", "Samir"])
    ]
    start = timezone.now() - timedelta(days=130)
    with transaction.atomic():
        manifesto = Manifesto.objects.create(title="Manifeste à long historique", slug=f"histoire-{stamp}", preamble="Nous…")
        manifesto.organisers.add(organiser)
        sections = [Section.objects.create(manifesto=manifesto, position=i + 1, title=f"Partie {i + 1}") for i in range(10)]
        agoras, sessions, participants = [], [], []
        for i, (title, dep) in enumerate([("Agora de Lille", "Nord"), ("Agora de Lyon", "Rhône"), ("Agora de Rennes", "Ille-et-Vilaine")]):
            agora = Agora.objects.create(
                manifesto=manifesto, title=title, slug=f"bench-{stamp}-{i}", departement=dep, region="",
                venue="Maison de l'ESS", starts_at=start, ends_at=start + timedelta(hours=3), host_organisation="CRESS",
            )
            agora.facilitators.set([facilitators[i]])
            session = LiveSession.objects.create(agora=agora, code=f"B{stamp[-6:]}{i}", opened_by=facilitators[i])
            agoras.append(agora)
            sessions.append(session)
            participants.extend(
                Participant(session=session, display_name=f"Participant·e {i}-{n}", ess_family=rng.choice(["association", "cooperative", "mutuelle", "fondation"]), browser_key=f"{stamp}-{i}-{n}")
                for n in range(40)
            )
        participants = Participant.objects.bulk_create(participants)
        by_session = {s.pk: [p for p in participants if p.session_id == s.pk] for s in sessions}

        # Articles and their creation rows.
        texts = {}
        clauses = []
        for n in range(1, articles + 1):
            words = sentence(rng, rng.randint(45, 90))
            texts[n] = words
            section = sections[(n - 1) * len(sections) // articles]
            clauses.append(Clause(manifesto=manifesto, section=section, number=n, position=n, text=render(words), revision=1))
        clauses = Clause.objects.bulk_create(clauses)
        by_number = {c.number: c for c in clauses}
        History = Clause.history.model
        Manifesto.objects.filter(pk=manifesto.pk).update(last_clause_number=articles)
        history = [
            History(
                id=c.pk, manifesto_id=manifesto.pk, section_id=c.section_id, number=c.number, position=c.position, text=c.text,
                revision=1, history_date=start + timedelta(seconds=c.number), history_type="+",
                history_change_reason="Article ajouté", history_user_id=organiser.pk,
            )
            for c in clauses
        ]
        events = [("clause.added", c, start + timedelta(seconds=c.number)) for c in clauses]

        # Changes: a Zipf-like spread, the busiest article first.
        edits = revisions - articles
        weights = [1 / (rank + 1) ** 1.05 for rank in range(articles)]
        order = list(range(1, articles + 1))
        rng.shuffle(order)
        per_article = {number: 0 for number in order}
        for number in rng.choices(order, weights=weights, k=edits):
            per_article[number] += 1
        schedule = [number for number, count in per_article.items() for _ in range(count)]
        rng.shuffle(schedule)
        step = timedelta(days=120) / max(1, len(schedule))
        revision_of = {n: 1 for n in texts}
        amendments = []
        midpoint = len(schedule) // 2
        v1 = None
        number_seq = 0
        for index, number in enumerate(schedule):
            if index == midpoint:
                v1 = {n: (revision_of[n], render(texts[n])) for n in texts}
            clause = by_number[number]
            when = start + timedelta(days=5) + step * index
            base = render(texts[number])
            texts[number] = edit(rng, texts[number])
            revision_of[number] += 1
            new_text = render(texts[number])
            if rng.random() < 0.9:
                number_seq += 1
                s = rng.randrange(len(sessions))
                author = rng.choice(by_session[sessions[s].pk])
                reason = f"Amendement n° {number_seq} de {author.display_name} ({agoras[s].title}) adopté"[:100]
                amendments.append(
                    Amendment(
                        manifesto=manifesto, number=number_seq, session=sessions[s], author=author, kind=AmendmentKind.MODIFY,
                        clause=clause, section_id=clause.section_id, clause_number=number, base_revision=revision_of[number] - 1,
                        base_text=base, text=new_text, justification="Pour une rédaction plus juste.",
                        state=AmendmentState.ACCEPTED, decided_by=facilitators[s], decided_at=when,
                        applied_revision=revision_of[number], applied_clause=clause,
                    )
                )
                user_id = facilitators[s].pk
            else:
                reason, user_id = "Article modifié", organiser.pk
            history.append(
                History(
                    id=clause.pk, manifesto_id=manifesto.pk, section_id=clause.section_id, number=number, position=clause.position,
                    text=new_text, revision=revision_of[number], history_date=when, history_type="~",
                    history_change_reason=reason, history_user_id=user_id,
                )
            )
            events.append(("clause.changed", clause, when))
        History.objects.bulk_create(history, batch_size=2000)

        # Amendments still to answer (and some rejected), mostly on the busiest articles, with supports.
        busiest = sorted(per_article, key=per_article.get, reverse=True)
        pending = []
        for k, number in enumerate(rng.choices(busiest, weights=weights, k=3000)):
            s = rng.randrange(len(sessions))
            number_seq += 1
            words = edit(rng, texts[number])
            pending.append(
                Amendment(
                    manifesto=manifesto, number=number_seq, session=sessions[s], author=rng.choice(by_session[sessions[s].pk]),
                    kind=AmendmentKind.MODIFY, clause=by_number[number], section_id=by_number[number].section_id,
                    clause_number=number, base_revision=revision_of[number], base_text=render(texts[number]), text=render(words),
                    justification="", state=AmendmentState.OPEN if k % 4 else AmendmentState.REJECTED,
                    decision_reason="" if k % 4 else "Hors sujet", decided_by=None if k % 4 else facilitators[s],
                )
            )
        amendment_rows = Amendment.objects.bulk_create(amendments + pending, batch_size=2000)
        AmendmentHistory = Amendment.history.model
        AmendmentHistory.objects.bulk_create(
            [
                AmendmentHistory(
                    **{f.attname: getattr(a, f.attname) for f in Amendment._meta.fields if f.attname not in ("updated_at",)},
                    history_date=a.decided_at or timezone.now(), history_type="+", history_change_reason="Amendement proposé",
                )
                for a in amendment_rows
            ],
            batch_size=2000,
        )
        supports = []
        for a in amendment_rows[len(amendments):]:
            for p in rng.sample(by_session[a.session_id], 6):
                supports.append(Support(amendment=a, participant=p, value=rng.choice(list(SupportValue.values))))
        Support.objects.bulk_create(supports, batch_size=5000)

        # Two frozen versions, as freeze_version writes them.
        for number, content_texts, label in (
            (1, v1, "Mi-parcours"),
            (2, {n: (revision_of[n], render(texts[n])) for n in texts}, "Après les agoras"),
        ):
            content = {
                "title": manifesto.title,
                "preamble": manifesto.preamble,
                "sections": [
                    {
                        "id": section.pk,
                        "title": section.title,
                        "clauses": [
                            {"id": c.pk, "number": c.number, "revision": content_texts[c.number][0], "text": content_texts[c.number][1]}
                            for c in clauses
                            if c.section_id == section.pk
                        ],
                    }
                    for section in sections
                ],
            }
            canonical = services.canonical_text(content)
            ManifestoVersion.objects.create(
                manifesto=manifesto, number=number, label=label, content=content, canonical_text=canonical,
                fingerprint=services.fingerprint(canonical), created_by=organiser,
            )

        # The clauses as they stand, and the journal.
        for c in clauses:
            c.text, c.revision = render(texts[c.number]), revision_of[c.number]
        Clause.objects.bulk_update(clauses, ["text", "revision"], batch_size=1000)
        Event.objects.bulk_create(
            [
                Event(manifesto=manifesto, seq=seq, type=kind, data={"clause": services.clause_payload(c), "reason": ""})
                for seq, (kind, c, _when) in enumerate(sorted(events, key=lambda e: e[2]), start=1)
            ],
            batch_size=2000,
        )
        Manifesto.objects.filter(pk=manifesto.pk).update(last_seq=len(events))
    manifesto.refresh_from_db()
    busiest_number = busiest[0]
    return manifesto, organiser, facilitators, busiest_number, per_article, len(history), len(amendments), len(pending)


def measure(client, url: str, repeat: int) -> tuple[int, float, float, float, int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    response = client.get(url)
    cold = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    size = len(response.content)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return len(queries), cold, statistics.median(times), p95, size


def desk_url(manifesto, number: int) -> str | None:
    if importlib.util.find_spec("deliberation.editorial") is None:
        return None
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("deliberation:editorial_desk", kwargs={"slug": manifesto.slug}) + f"?article={number}"
    except NoReverseMatch:
        return f"/manifeste/{manifesto.slug}/redaction/?article={number}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--revisions", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's manifesto in the database")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    began = time.perf_counter()
    manifesto, organiser, facilitators, busiest, per_article, history_rows, applied, pending = build(
        articles=args.articles, revisions=args.revisions
    )
    engine = connection.vendor
    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"{engine}, cache {cache_backend}: {args.articles} articles, {history_rows} clause history rows "
        f"({history_rows - args.articles} text changes, {applied} from amendments), {pending} amendments to answer; "
        f"busiest article n° {busiest} with {per_article[busiest] + 1} revisions; built in {time.perf_counter() - began:.0f} s"
    )
    slug = manifesto.slug
    second = sorted(per_article, key=per_article.get, reverse=True)[1]
    quiet = min(per_article, key=per_article.get)
    pages = [
        ("trivial /signer/sante/", "/signer/sante/"),
        ("provenance, busiest", f"/manifeste/{slug}/article/{busiest}/origine/"),
        ("provenance, quietest", f"/manifeste/{slug}/article/{quiet}/origine/"),
        ("history, busiest p.1", f"/manifeste/{slug}/article/{busiest}/"),
        ("history, busiest last", f"/manifeste/{slug}/article/{busiest}/?page=999"),
        ("history, quietest", f"/manifeste/{slug}/article/{quiet}/"),
        ("whole history p.1", f"/manifeste/{slug}/historique/"),
        ("compare v1→v2", f"/manifeste/{slug}/versions/comparer/?old=1&new=2"),
        ("compare v1→current", f"/manifeste/{slug}/versions/comparer/?old=1&new=actuel"),
        ("reading page", f"/manifeste/{slug}/"),
    ]
    desk = desk_url(manifesto, busiest)
    client = Client()
    cache.clear()
    print(f"\n{'page':<24} {'queries':>7} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'p95/trivial':>11} {'KB':>6}")
    baseline = None
    rows = list(pages)
    if desk:
        rows.append(("editorial desk, busiest", desk))
    for name, url in rows:
        if name.startswith("editorial"):
            client.force_login(organiser)
        queries, cold, p50, p95, size = measure(client, url, args.repeat)
        baseline = baseline or p95
        print(f"{name:<24} {queries:>7} {cold:>9.1f} {p50:>8.1f} {p95:>8.1f} {p95 / baseline:>10.1f}× {size / 1024:>6.0f}")
    if not desk:
        print("editorial desk: absent (deliberation.editorial is not in this branch)")

    # First views of many articles (caches cold): what a reader pays the first time.
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    busy = sorted(per_article, key=per_article.get, reverse=True)[2:42]
    for label, path in (("provenance", "origine/"), ("history", "")):
        times, counts = [], set()
        for number in busy:
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                assert client.get(f"/manifeste/{slug}/article/{number}/{path}").status_code == 200
                times.append((time.perf_counter() - start) * 1000)
            counts.add(len(queries))
        times.sort()
        print(
            f"first view of {len(busy)} busy articles ({per_article[busy[-1]] + 1}–{per_article[busy[0]] + 1} revisions), {label}: "
            f"p50 {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95)]:.1f} ms, queries {sorted(counts)}"
        )
    _ = second
    if not args.keep:
        from manifesto.models import Clause

        Clause.history.filter(manifesto_id=manifesto.pk).delete()
        from deliberation.models import Amendment

        Amendment.history.filter(manifesto_id=manifesto.pk).delete()
        manifesto.delete()
        for user in [organiser, *facilitators]:
            user.delete()


if __name__ == "__main__":
    main()
