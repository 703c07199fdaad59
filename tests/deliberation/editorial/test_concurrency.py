"""Two editors at once never overwrite each other: real concurrent threads on PostgreSQL."""

import pytest

from deliberation.editorial import services
from deliberation.errors import AmendmentConflict
from deliberation.models import Amendment, Outcome
from tests.deliberation.editorial.conftest import ARTICLE
from tests.deliberation.test_concurrency import run_together
from tests.services import on_postgresql, unavailable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if not on_postgresql():
        unavailable("concurrent integrations are proven on PostgreSQL (set DATABASE_URL)")


@pytest.mark.parametrize("attempt", range(5))
def test_two_editors_integrating_conflicting_amendments_exactly_one_wins(attempt, manifesto, rooms, propose, editor, second_editor):
    first = propose(rooms["lille"], ARTICLE.replace("partout en France", "dans chaque territoire"))
    second = propose(rooms["lyon"], ARTICLE.replace("partout en France", "en Europe"))
    clause = manifesto.clauses.order_by("number").first()
    revision = clause.revision
    results = run_together(
        lambda: services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[first.pk]),
        lambda: services.integrate(actor=second_editor, manifesto=manifesto, amendment_ids=[second.pk]),
    )
    wins = [r for r in results if isinstance(r, services.Integration)]
    conflicts = [r for r in results if isinstance(r, AmendmentConflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    winner = wins[0].amendments[0]
    loser = second if winner.pk == first.pk else first
    # The loser sees the three texts: what its amendment was written on, the winner's text, its proposal.
    conflict = conflicts[0]
    assert conflict.base == ARTICLE and conflict.current == winner.text and conflict.proposed == loser.text
    clause.refresh_from_db()
    assert clause.text == winner.text and clause.revision == revision + 1
    assert Amendment.objects.get(pk=winner.pk).outcome == Outcome.INTEGRATED
    assert Amendment.objects.get(pk=loser.pk).outcome == Outcome.PENDING


@pytest.mark.parametrize("attempt", range(3))
def test_two_editors_integrating_compatible_amendments_both_land(attempt, manifesto, rooms, propose, editor, second_editor):
    first = propose(rooms["lille"], ARTICLE.replace("l'humain", "la personne"))
    second = propose(rooms["lyon"], ARTICLE.replace("partout en France", "en France et en Europe"))
    results = run_together(
        lambda: services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[first.pk]),
        lambda: services.integrate(actor=second_editor, manifesto=manifesto, amendment_ids=[second.pk]),
    )
    assert all(isinstance(r, services.Integration) for r in results), results
    clause = manifesto.clauses.order_by("number").first()
    assert clause.text == "L'ESS place la personne plutôt que le profit au cœur de l'économie, en France et en Europe."


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_group_answered_twice_at_once_is_answered_once(attempt, manifesto, rooms, propose, editor, second_editor):
    amendment = propose(rooms["lille"], ARTICLE.replace("plutôt que", "avant"))
    results = run_together(
        lambda: services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[amendment.pk]),
        lambda: services.set_aside(actor=second_editor, manifesto=manifesto, amendment_ids=[amendment.pk], reason="Non."),
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    outcome = Amendment.objects.get(pk=amendment.pk).outcome
    assert outcome in (Outcome.INTEGRATED, Outcome.SET_ASIDE)
