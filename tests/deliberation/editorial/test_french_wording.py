"""The desk's sentences as a new reader sees them: no sentence starting with a stray period, no
name said twice in an amendment's history."""

import pytest
from django.urls import reverse

from deliberation.editorial import services
from manifesto.models import Clause
from tests.deliberation.editorial.conftest import ARTICLE

pytestmark = pytest.mark.django_db


def test_the_wording_message_quotes_the_credit_instead_of_starting_a_sentence_with_it(client, manifesto, editor, rooms, propose):
    amendment = propose(rooms["lille"], ARTICLE.replace("partout", "dans chaque territoire"))
    clause = Clause.objects.get(pk=amendment.clause_id)
    client.force_login(editor)
    response = client.post(
        reverse("editorial:wording", kwargs={"slug": manifesto.slug}),
        {"ids": str(amendment.pk), "text": ARTICLE.replace("partout", "partout et ensemble"), "expected_revision": clause.revision},
        follow=True,
    )
    page = response.content.decode()
    assert f"Rédaction créditée « d&#x27;après l&#x27;amendement n° {amendment.number} »." in page
    assert ". d&#x27;après" not in page


def test_an_amendment_history_names_the_editor_once(client, manifesto, editor, rooms, propose):
    amendment = propose(rooms["lille"], ARTICLE.replace("partout", "ici"))
    services.set_aside(actor=editor, manifesto=manifesto, amendment_ids=[amendment.pk], reason="Hors sujet.")
    page = client.get(amendment.get_absolute_url()).content.decode()
    history = page[page.index("Historique"):]
    assert "(Rosa Luxe)" in history
    assert "(Rosa Luxe) (Rosa Luxe)" not in history
    assert history.count("Rosa Luxe") == 1
