"""A refusal always says why: a form posted from a stale tab is refused with a sentence, and what
was typed is shown back; a hidden contribution's page says it is hidden, and why."""

import pytest

from deliberation.adoption.models import Voter


@pytest.fixture
def version(manifesto, organiser):
    from manifesto import services as text_services

    return text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte soumis au vote")


@pytest.fixture
def opened_vote(organiser, manifesto, version, django_capture_on_commit_callbacks):
    from deliberation.adoption import services
    from tests.adoption.conftest import make_vote

    vote = make_vote(organiser=organiser, manifesto=manifesto, version=version)
    with django_capture_on_commit_callbacks(execute=True):
        services.open_vote(actor=organiser, vote=vote)
    return vote


def test_rules_posted_from_a_stale_tab_say_the_vote_is_open_and_show_what_was_typed(client, organiser, opened_vote):
    client.force_login(organiser)
    response = client.post(
        f"/vote/{opened_vote.manifesto.slug}/{opened_vote.pk}/regles/",
        {"title": "Adoption, titre corrigé", "closes_at": "2030-01-01T10:00", "majority": "simple", "quorum_percent": "20"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert" id="refus"' in html
    assert "ne changent plus une fois le vote ouvert" in html and "Rien n'a été enregistré." in html
    assert "Adoption, titre corrigé" in html
    opened_vote.refresh_from_db()
    assert opened_vote.title != "Adoption, titre corrigé"


def test_a_roll_pasted_from_a_stale_tab_is_refused_with_a_sentence_and_kept(client, organiser, opened_vote):
    client.force_login(organiser)
    before = Voter.objects.count()
    response = client.post(
        f"/vote/{opened_vote.manifesto.slug}/{opened_vote.pk}/electeurs/importer/", {"text": "nom,email\nDora Lin,dora@example.org\n"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "ne changent plus une fois le vote ouvert" in html and "dora@example.org" in html
    assert Voter.objects.count() == before


def test_a_hidden_contributions_page_gives_visitors_its_reason_without_its_words(client, manifesto, organiser, participant):
    from deliberation.contributions import services
    from deliberation.contributions.permissions import ContributionActor

    contribution = services.post_contribution(
        actor=ContributionActor(participant=participant), manifesto=manifesto, title="Titre à cacher",
        text="Texte injurieux.", section=manifesto.sections.order_by("position").first(),
    )
    services.hide_contribution(actor=organiser, contribution=contribution, reason="Propos injurieux.")
    response = client.get(f"/manifeste/{manifesto.slug}/contributions/{contribution.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Masquée par la modération : Propos injurieux." in html
    assert "Titre à cacher" not in html and "Texte injurieux" not in html and "Amina" not in html
    client.force_login(organiser)
    assert "Texte injurieux." in client.get(f"/manifeste/{manifesto.slug}/contributions/{contribution.number}/").content.decode()
