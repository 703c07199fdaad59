"""The reading page and an article's page, cached whole for visitors without a session
(manifesto/page_cache.py): never stale after a change, never someone else's page."""

import re

import pytest
from django.test import Client

from agora.models import Phase
from deliberation import erasure
from deliberation import services as deliberation_services
from deliberation.permissions import Actor
from manifesto import page_cache, services
from tests.deliberation.conftest import make_participant, set_phase


def _urls(clause):
    slug = clause.manifesto.slug
    return [f"/manifeste/{slug}/", f"/manifeste/{slug}/?lignes=1", f"/manifeste/{slug}/article/{clause.number}/",
            f"/manifeste/{slug}/historique/"]


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_second_visitor_is_served_from_the_cache(client, clause, index):
    url = _urls(clause)[index]
    first = _get(client, url)
    second = _get(Client(), url)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert _without_token(second.content.decode()) == _without_token(first.content.decode())


def _without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_edited_article_shows_at_once(client, organiser, clause):
    urls = _urls(clause)
    for url in urls:
        _get(client, url)
    services.edit_clause(actor=organiser, clause=clause, text="Une rédaction toute neuve.", expected_revision=clause.revision)
    for url in urls:
        response = _get(Client(), url)
        assert response["X-Page-Cache"] == "miss", url
        assert "neuve" in response.content.decode(), url  # the history shows it as a word diff


def test_new_amendment_shows_on_the_article_page(client, clause, live_session):
    url = _urls(clause)[2]
    set_phase(live_session, Phase.PROPOSALS)
    assert "Amendement n° 1" not in _get(client, url).content.decode()
    deliberation_services.propose_amendment(
        actor=Actor(participant=make_participant(live_session, "Zélie")), session=live_session,
        kind="modify", clause=clause, text="Rédaction de Zélie.",
    )
    page = _get(Client(), url).content.decode()
    assert "Amendement n° 1" in page and "Zélie" in page


def test_erased_name_leaves_the_cached_page(client, clause, live_session, django_capture_on_commit_callbacks):
    """Erasure rewrites names without a journal event: the cached page must not keep them."""
    url = _urls(clause)[2]
    set_phase(live_session, Phase.PROPOSALS)
    author = make_participant(live_session, "Zébulon")
    deliberation_services.propose_amendment(
        actor=Actor(participant=author), session=live_session, kind="modify", clause=clause, text="Autre rédaction.",
    )
    assert "Zébulon" in _get(client, url).content.decode()
    assert "Zébulon" in _get(Client(), url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_participant(actor=None, participant=author, own=True)
    response = _get(Client(), url)
    assert response["X-Page-Cache"] == "miss"
    assert "Zébulon" not in response.content.decode()


def test_lost_generation_makes_a_miss_not_a_stale_page(client, clause):
    """If the cache evicts a manifesto's generation, entries stored under it are not trusted."""
    from django.core.cache import cache

    url = _urls(clause)[0]
    _get(client, url)
    cache.delete(page_cache._generation_key(clause.manifesto_id))
    assert _get(Client(), url)["X-Page-Cache"] == "miss"
    assert _get(Client(), url)["X-Page-Cache"] == "hit"


def test_cached_page_carries_a_working_csrf_token(clause):
    url = _urls(clause)[0]
    _get(Client(), url)
    visitor = Client(enforce_csrf_checks=True)
    page = _get(visitor, url)
    assert page["X-Page-Cache"] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert token != "coecrire-csrf-placeholder"
    refused = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token})
    assert refused.status_code == 403  # without this visitor's cookie, the token is worth nothing
    accepted = visitor.post("/i18n/setlang/", {"language": "en", "next": url, "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302


def test_language_switcher_returns_to_the_address_asked(clause):
    url = _urls(clause)[0]
    _get(Client(), url)
    page = _get(Client(), url + "?source=presse&x=%22%3E")
    assert page["X-Page-Cache"] == "hit"
    assert 'name="next" value="/manifeste/%s/?source=presse&amp;x=%%22%%3E"' % clause.manifesto.slug in page.content.decode()


def test_english_visitor_gets_the_english_page(clause):
    url = _urls(clause)[0]
    _get(Client(), url)
    english = _get(Client(HTTP_ACCEPT_LANGUAGE="en"), url)
    assert english["X-Page-Cache"] == "miss"
    assert 'lang="en"' in english.content.decode()


def test_signed_in_organiser_never_gets_the_visitors_page(clause, organiser):
    url = _urls(clause)[0]
    _get(Client(), url)
    _get(Client(), url)
    signed_in = Client()
    signed_in.force_login(organiser)
    page = signed_in.get(url)
    assert "X-Page-Cache" not in page
    assert "Modifier le texte" in page.content.decode()
    visitor_page = _get(Client(), url).content.decode()
    assert "Modifier le texte" not in visitor_page and "Se connecter" in visitor_page


def test_unusual_page_number_is_rendered_not_cached(clause):
    url = _urls(clause)[2] + "?page=abc"
    assert "X-Page-Cache" not in Client().get(url)


def test_visitor_with_a_message_waiting_gets_the_page_rendered(clause):
    url = _urls(clause)[0]
    _get(Client(), url)
    visitor = Client()
    visitor.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in _get(visitor, url)

