"""The reading page, an article's page and the API ask as many queries with many amendments as
with one: rendered on an empty cache, and served from a warm one (manifesto/page_cache.py)."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agora.models import Phase
from deliberation import services as deliberation_services
from deliberation.permissions import Actor
from tests.deliberation.conftest import make_participant, set_phase


def queries(url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(url).status_code == 200
    return len(captured)


def cold_and_warm(url, empty_cache) -> tuple[int, int]:
    # Each count starts from an empty cache, so that caches filled by an earlier request (the
    # history index, provenance) do not make the second count smaller than the first.
    empty_cache()
    return queries(url), queries(url)


def test_queries_do_not_grow_with_amendments(live_session, clause, empty_cache):
    _check(live_session, clause, ["/manifeste/{slug}/?lignes=1", "/api/v1/manifestes/{slug}/amendements/",
                                  "/api/v1/manifestes/{slug}/"], empty_cache)


def test_article_page_queries_do_not_grow_with_amendments(live_session, clause, empty_cache):
    _check(live_session, clause, ["/manifeste/{slug}/article/%d/" % clause.number], empty_cache)


def test_cached_pages_ask_one_query(live_session, clause, empty_cache):
    """A visitor without a session: the manifesto's seq, nothing else."""
    slug = clause.manifesto.slug
    for url in (f"/manifeste/{slug}/", f"/manifeste/{slug}/article/{clause.number}/"):
        assert cold_and_warm(url, empty_cache)[1] == 1, url


def _check(live_session, clause, patterns, empty_cache):
    slug = clause.manifesto.slug
    urls = [pattern.format(slug=slug) for pattern in patterns]

    def propose(n):
        """n amendments, each with its author's support (signatures-like growth of the tallies)."""
        set_phase(live_session, Phase.PROPOSALS)
        proposed = []
        for i in range(n):
            actor = Actor(participant=make_participant(live_session, f"P{i}-{n}"))
            proposed.append((actor, deliberation_services.propose_amendment(
                actor=actor, session=live_session, kind="modify", clause=clause, text=f"Rédaction {n}.{i}.",
            )))
        set_phase(live_session, Phase.SUPPORTS)
        for actor, amendment in proposed:
            deliberation_services.set_support(actor=actor, amendment=amendment, value="pour")

    propose(1)
    few = [cold_and_warm(url, empty_cache) for url in urls]
    propose(6)
    many = [cold_and_warm(url, empty_cache) for url in urls]
    assert many == few, list(zip(urls, few, many))
