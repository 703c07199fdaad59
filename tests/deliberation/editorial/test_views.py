"""The desk's pages and forms, without JavaScript: who may see and act, what it shows, and a
query count that does not grow with the number of amendments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation.editorial import selectors
from deliberation.models import Amendment, Outcome
from manifesto.models import Clause
from tests.deliberation.editorial.conftest import ARTICLE

pytestmark = pytest.mark.django_db


def desk_url(manifesto, **query):
    url = reverse("editorial:desk", kwargs={"slug": manifesto.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def action_url(manifesto, name):
    return reverse(f"editorial:{name}", kwargs={"slug": manifesto.slug})


@pytest.fixture
def desk_amendments(manifesto, rooms, propose, support):
    deletion = ARTICLE.replace(" plutôt que", "")
    made = {
        "dup_lille": propose(rooms["lille"], deletion),
        "dup_nantes": propose(rooms["nantes"], deletion),
        "dup_lyon": propose(rooms["lyon"], deletion),
        "end_a": propose(rooms["lille"], ARTICLE.replace("partout en France", "dans chaque territoire")),
        "end_b": propose(rooms["lyon"], ARTICLE.replace("partout en France", "en Europe")),
    }
    support(made["end_a"], "cooperative", "pour", 3)
    support(made["end_a"], "association", "contre", 2)
    support(made["end_a"], "association", "pour", 1)
    return made


@pytest.mark.usefixtures("every_group_published")  # agreement of families of a few voices
def test_the_desk_shows_groups_with_their_sentence(client, manifesto, editor, desk_amendments):
    client.force_login(editor)
    response = client.get(desk_url(manifesto))
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 agoras veulent supprimer « plutôt que »" in page
    assert "2 propositions incompatibles sur la fin de l&#x27;article" in page
    assert "Agora de Nantes" in page and "Loire-Atlantique" in page
    assert "Accord entre familles : 33 % (au plus bas : Association) — 2 familles, 6 voix" in page
    assert 'aria-live="polite"' in page


@pytest.mark.parametrize("who", ["outsider", "organiser", "facilitator"])
def test_non_members_are_refused_the_desk_and_every_action(who, request, client, manifesto, desk_amendments):
    client.force_login(request.getfixturevalue(who))
    amendment = desk_amendments["end_a"]
    clause = Clause.objects.get(pk=amendment.clause_id)
    assert client.get(desk_url(manifesto)).status_code == 403
    assert client.get(action_url(manifesto, "journal") + "?since=0").status_code == 403
    ids = str(amendment.pk)
    for name, data in [
        ("integrate", {"ids": ids}),
        ("wording", {"ids": ids, "text": "Autre.", "expected_revision": clause.revision}),
        ("set_aside", {"ids": ids, "reason": "Non."}),
        ("defer", {"ids": ids}),
    ]:
        response = client.post(action_url(manifesto, name), data)
        assert response.status_code == 403, name
        assert "collectif de rédaction" in response.content.decode()
    assert Clause.objects.get(pk=clause.pk).revision == clause.revision
    assert Amendment.objects.get(pk=amendment.pk).outcome == Outcome.PENDING


def test_anonymous_visitors_are_sent_to_log_in(client, manifesto):
    response = client.get(desk_url(manifesto))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.usefixtures("every_group_published")  # a family filter on a few voices
def test_filters_keep_whole_groups(client, manifesto, editor, desk_amendments, rooms):
    client.force_login(editor)
    nantes = rooms["nantes"].agora
    page = client.get(desk_url(manifesto, agora=nantes.slug)).content.decode()
    # The duplicate group has a member from Nantes: shown whole; the conflict set has none.
    assert f"Amendement n° {desk_amendments['dup_lyon'].number}<" in page
    assert f"Amendement n° {desk_amendments['end_a'].number}<" not in page
    page = client.get(desk_url(manifesto, famille="cooperative")).content.decode()
    assert f"Amendement n° {desk_amendments['end_a'].number}<" in page
    assert f"Amendement n° {desk_amendments['dup_lille'].number}<" not in page
    page = client.get(desk_url(manifesto, article=999)).content.decode()
    assert "Aucune proposition ne correspond à ces filtres." in page


def test_integrate_a_duplicate_group_from_the_form(client, manifesto, editor, desk_amendments):
    client.force_login(editor)
    ids = ",".join(str(desk_amendments[k].pk) for k in ("dup_lille", "dup_nantes", "dup_lyon"))
    response = client.post(action_url(manifesto, "integrate"), {"ids": ids, "next": desk_url(manifesto)}, follow=True)
    assert response.status_code == 200
    assert "3 amendements intégrés à l&#x27;article" in response.content.decode()
    assert Clause.objects.get(pk=desk_amendments["dup_lille"].clause_id).text == ARTICLE.replace(" plutôt que", "")


def test_integrating_incompatible_amendments_shows_the_conflict_page(client, manifesto, editor, desk_amendments):
    client.force_login(editor)
    ids = f"{desk_amendments['end_a'].pk},{desk_amendments['end_b'].pk}"
    response = client.post(action_url(manifesto, "integrate"), {"ids": ids})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Conflit : rien n'a été intégré" in page and "en Europe" in page and 'name="expected_revision"' in page


def test_integrate_with_modification_through_the_wording_page(client, manifesto, editor, desk_amendments):
    client.force_login(editor)
    a, b = desk_amendments["end_a"], desk_amendments["end_b"]
    url = action_url(manifesto, "wording") + f"?ids={a.pk},{b.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "d&#x27;après les amendements n° %d et %d" % (a.number, b.number) in page.content.decode()
    revision = Clause.objects.get(pk=a.clause_id).revision
    wording = ARTICLE.replace("partout en France", "dans chaque territoire, en France et en Europe")
    response = client.post(action_url(manifesto, "wording"), {"ids": f"{a.pk},{b.pk}", "text": wording, "expected_revision": revision}, follow=True)
    assert "d&#x27;après les amendements n° %d et %d" % (a.number, b.number) in response.content.decode()
    assert Clause.objects.get(pk=a.clause_id).text == wording
    # A stale revision: nothing written, the editor's words kept in the form.
    c = desk_amendments["dup_lille"]
    response = client.post(action_url(manifesto, "wording"), {"ids": str(c.pk), "text": "Mes mots.", "expected_revision": revision})
    assert response.status_code == 409 and "Mes mots." in response.content.decode()
    assert Amendment.objects.get(pk=c.pk).outcome == Outcome.PENDING


def test_set_aside_without_a_reason_is_refused_with_a_sentence(client, manifesto, editor, desk_amendments):
    client.force_login(editor)
    amendment = desk_amendments["end_b"]
    response = client.post(action_url(manifesto, "set_aside"), {"ids": str(amendment.pk), "reason": ""}, follow=True)
    assert "Indiquez un motif : il sera public." in response.content.decode()
    assert Amendment.objects.get(pk=amendment.pk).outcome == Outcome.PENDING
    client.post(action_url(manifesto, "set_aside"), {"ids": str(amendment.pk), "reason": "Trop vague."})
    assert Amendment.objects.get(pk=amendment.pk).outcome == Outcome.SET_ASIDE


def test_journal_says_when_the_desk_changed(client, manifesto, editor, desk_amendments, rooms, propose):
    client.force_login(editor)
    seq = client.get(action_url(manifesto, "journal") + "?since=0", HTTP_ACCEPT="application/json").json()["seq"]
    assert client.get(action_url(manifesto, "journal") + f"?since={seq}").json() == {"seq": seq, "changed": False, "messages": []}
    amendment = propose(rooms["nantes"], ARTICLE + " Encore.")
    body = client.get(action_url(manifesto, "journal") + f"?since={seq}").json()
    assert body["changed"] and body["seq"] > seq
    assert f"Nouvel amendement n° {amendment.number} (Agora de Nantes)" in body["messages"]


def test_the_desk_query_count_does_not_grow_with_the_amendments(client, manifesto, editor, rooms, propose, support):
    client.force_login(editor)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(desk_url(manifesto)).status_code == 200
        return len(queries)

    first = propose(rooms["lille"], ARTICLE.replace("l'humain", "la personne"))
    support(first, "mutuelle", "pour", 2)
    few = count()
    section = manifesto.sections.order_by("position").first()
    for i, room in enumerate(["lille", "nantes", "lyon"] * 4):
        amendment = propose(rooms[room], ARTICLE.replace("France", f"France {i}"))
        support(amendment, "association", "pour", 1)
        propose(rooms[room], f"Nouvel article numéro {i} sur la coopération.", kind="insert", section=section)
    many = count()
    assert many == few, (few, many)
    clause_number = first.clause_number
    with CaptureQueriesContext(connection) as queries:
        article = selectors.article_desk(manifesto, clause_number=clause_number)
    assert article.count == 13 and len(queries) <= 6


def test_an_agoras_position_and_its_frozen_tally_are_on_the_desk(client, manifesto, editor, rooms, propose, support, facilitator):
    from deliberation import services as room_services
    from deliberation.permissions import Actor

    amendment = propose(rooms["nantes"], ARTICLE.replace("plutôt que", "avant"))
    support(amendment, "mutuelle", "pour", 2)
    support(amendment, "association", "contre", 1)
    room_services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    assert Clause.objects.get(pk=amendment.clause_id).text == ARTICLE  # collective mode: the text did not change
    client.force_login(editor)
    page = client.get(desk_url(manifesto)).content.decode()
    assert "Retenu par l&#x27;Agora de Nantes — transmis au collectif de rédaction" in page
    assert "(2 pour, 1 contre, 0 abstention)" in page


def test_the_reading_page_leads_members_of_the_collective_to_the_desk(client, manifesto, editor, outsider, desk_amendments):
    read = reverse("manifesto:read", kwargs={"slug": manifesto.slug})
    client.force_login(editor)
    page = client.get(read).content.decode()
    assert desk_url(manifesto) in page and "5 propositions attendent une réponse du collectif." in page
    client.force_login(outsider)
    assert desk_url(manifesto) not in client.get(read).content.decode()


def test_the_live_fragment_sends_its_forms_back_to_the_desk_with_its_filters(client, manifesto, editor, desk_amendments):
    client.force_login(editor)
    fragment = client.get(desk_url(manifesto, etat="waiting", fragment=1)).content.decode()
    assert "<html" not in fragment and "desk-article" in fragment
    assert f'name="next" value="{desk_url(manifesto)}?etat=waiting"' in fragment


def test_the_desk_never_shows_or_scores_a_family_too_small_to_publish(client, manifesto, editor, rooms, propose, support, settings):
    settings.MIN_PUBLISHED_GROUP = 5
    amendment = propose(rooms["lille"], ARTICLE.replace("plutôt que", "avant"))
    support(amendment, "association", "pour", 6)
    support(amendment, "cooperative", "pour", 5)
    support(amendment, "mutuelle", "contre", 2)  # two people: their opinion is not published
    support(amendment, "fondation", "contre", 3)
    client.force_login(editor)
    page = client.get(desk_url(manifesto)).content.decode()
    page = page[page.index('id="desk-groups"'):]  # after the filter form, which names every family
    assert "Soutiens : 11 pour, 5 contre, 0 abstention" in page  # the totals stay whole
    assert "Mutuelle" not in page and "Fondation" not in page  # subtraction would give them away together
    assert "Accord entre familles : 100 %" in page
    assert f"Amendement n° {amendment.number}<" not in client.get(desk_url(manifesto, famille="mutuelle")).content.decode()


def test_a_proposal_overtaken_by_the_text_is_shown_for_review_without_integrate_as_is(client, manifesto, editor, rooms, propose, organiser):
    from manifesto import services as text_services

    amendment = propose(rooms["lille"], ARTICLE.replace("partout en France", "en Europe"))
    clause = Clause.objects.get(pk=amendment.clause_id)
    text_services.edit_clause(actor=organiser, clause=clause, text=ARTICLE.replace("partout en France", "dans nos régions"), expected_revision=clause.revision)
    client.force_login(editor)
    page = client.get(desk_url(manifesto)).content.decode()
    stale = page[page.index("desk-group stale"):]
    assert "1 proposition à revoir (l&#x27;article a changé depuis)" in page
    assert f'name="ids" value="{amendment.pk}"' in stale and 'data-action="integrate"' not in stale
    assert 'data-action="wording"' in stale


OLDER_VERSION_HINT = "Écrit sur une version antérieure de l'article"


def test_only_proposals_written_on_an_older_text_say_so(client, manifesto, editor, organiser, rooms, propose):
    """A proposal written on the article as it stands is not "written on an older version"; one
    written before another change to the article is."""
    from manifesto import services

    on_current = propose(rooms["lille"], ARTICLE.replace("partout en France", "dans chaque territoire"))
    client.force_login(editor)
    assert OLDER_VERSION_HINT not in client.get(desk_url(manifesto)).content.decode()

    clause = Clause.objects.get(pk=on_current.clause_id)
    services.edit_clause(actor=organiser, clause=clause, text="Aujourd'hui, " + ARTICLE, expected_revision=clause.revision)
    page = client.get(desk_url(manifesto)).content.decode()
    assert page.count(OLDER_VERSION_HINT) == 1
