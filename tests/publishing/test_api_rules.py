"""The API's rules beyond the documented examples: read-only, public only, small groups, limits."""

import pytest

from deliberation import services as deliberation_services
from deliberation.permissions import Actor
from deliberation.publishing.api import shapes


def test_writes_are_refused(client, manifesto):
    response = client.post(f"/api/v1/manifestes/{manifesto.slug}/")
    assert response.status_code == 405 and "lecture seule" in response.json()["error"]


def test_hidden_amendments_are_not_published(client, live_session, participant, facilitator, clause):
    from tests.deliberation.conftest import set_phase
    from agora.models import Phase

    set_phase(live_session, Phase.PROPOSALS)
    shown = deliberation_services.propose_amendment(
        actor=Actor(participant=participant), session=live_session, kind="modify", clause=clause, text="Visible."
    )
    hidden = deliberation_services.propose_amendment(
        actor=Actor(participant=participant), session=live_session, kind="modify", clause=clause, text="Injure."
    )
    deliberation_services.hide_amendment(actor=Actor(user=facilitator), amendment=hidden, reason="Propos injurieux")
    body = client.get(f"/api/v1/manifestes/{clause.manifesto.slug}/amendements/").json()
    assert [a["number"] for a in body["results"]] == [shown.number]
    assert "Injure" not in str(body)


def test_small_groups_are_pooled(settings):
    settings.MIN_PUBLISHED_GROUP = 5
    pooled = shapes._publishable({"35": 9, "44": 2, "75": 3})
    assert pooled["shown"] == [("35", 9)] and pooled["other"] == 5


def test_pagination_and_bad_parameters(client, organiser):
    from tests.factories import make_manifesto

    for _ in range(3):
        make_manifesto(organiser=organiser, sections=1, clauses=1)
    first = client.get("/api/v1/manifestes/?per_page=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert client.get("/api/v1/manifestes/?page=9").status_code == 404
    assert client.get("/api/v1/manifestes/?per_page=-1").status_code == 400


def test_rate_limited_with_retry_after(client, manifesto, settings):
    settings.API_RATE_LIMIT = 2
    settings.API_RATE_WINDOW_SECONDS = 10**9
    settings.SIGNATURE_RATE_ALLOWLIST = []
    address = {"REMOTE_ADDR": "198.51.100.%d" % (id(settings) % 250)}
    statuses = [client.get("/api/v1/", **address).status_code for _ in range(4)]
    assert statuses[:2] == [200, 200] and statuses[-1] == 429
    refused = client.get("/api/v1/", **address)
    assert int(refused["Retry-After"]) > 0


@pytest.mark.django_db
def test_a_change_of_the_text_changes_the_etag(client, organiser, manifesto):
    from manifesto import services as text_services

    url = f"/api/v1/manifestes/{manifesto.slug}/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    clause = manifesto.clauses.order_by("number").first()
    text_services.edit_clause(actor=organiser, clause=clause, text="Nouveau.", expected_revision=clause.revision)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
