"""The agora report and an amendment's page say who decided what: the collective's answer is not
the agora's decision, a tally with votes is never « Aucune voix exprimée », and in collective
mode nothing is « Adopté » (docs/process.md)."""

import pytest
from django.urls import reverse

from deliberation import services as deliberation_services
from deliberation.editorial import services
from deliberation.permissions import Actor
from tests.deliberation.editorial.conftest import ARTICLE

pytestmark = pytest.mark.django_db


def report(client, session):
    return client.get(reverse("deliberation_answers:report", kwargs={"slug": session.agora.slug})).content.decode()


def test_the_report_does_not_credit_the_collectives_answer_to_the_agora(client, manifesto, editor, rooms, propose):
    amendment = propose(rooms["lille"], ARTICLE.replace("partout", "ici"))
    services.set_aside(actor=editor, manifesto=manifesto, amendment_ids=[amendment.pk], reason="Hors sujet.")
    page = report(client, rooms["lille"])
    row = page[page.index(f'id="proposition-{amendment.number}"'):]
    row = row[: row.index("</tr>")]
    assert "pas de position de l&#x27;agora" in row
    assert "Rejeté" not in row


def test_a_position_with_votes_is_never_said_to_have_none(client, settings, manifesto, facilitator, rooms, propose, support):
    settings.MIN_PUBLISHED_GROUP = 5  # two voices of one family are too few to publish by family
    amendment = propose(rooms["lille"], ARTICLE.replace("partout", "ici"))
    support(amendment, "association", "pour", n=2)
    deliberation_services.reject_amendment(actor=Actor(user=facilitator), amendment=amendment, reason="Trop vague.")
    page = report(client, rooms["lille"])
    positions = page[page.index('id="bilan-positions"'):]
    assert "Aucune voix exprimée" not in positions
    assert "2 pour, 0 contre, 0 abstention" in positions


def test_in_collective_mode_an_integrated_amendment_is_never_adopte(client, manifesto, editor, facilitator, rooms, propose):
    amendment = propose(rooms["lille"], ARTICLE.replace("partout", "ici"))
    deliberation_services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)  # retained by the agora
    services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[amendment.pk])
    page = client.get(amendment.get_absolute_url()).content.decode()
    assert "Adopté" not in page and "Décision en séance" not in page
    assert "Intégré par le collectif de rédaction" in page
    assert "Retenu par l&#x27;Agora de Lille" in page or "Retenu par l’Agora de Lille" in page
