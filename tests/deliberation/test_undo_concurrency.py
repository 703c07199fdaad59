"""The undo window on PostgreSQL, from real concurrent threads: two undos of one accept, and an
undo racing another accept on the same article, never leave the text half-restored or lose a change."""

import pytest

from deliberation import services
from deliberation.errors import AmendmentClosed, ClauseConflict, ServiceError
from deliberation.models import Amendment, AmendmentState
from deliberation.permissions import Actor
from manifesto.models import Clause
from tests.deliberation.conftest import make_participant
from tests.deliberation.test_concurrency import run_together
from tests.factories import make_user
from tests.services import on_postgresql, unavailable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only(settings):
    if not on_postgresql():
        unavailable("concurrent undos are proven on PostgreSQL (set DATABASE_URL)")
    settings.ACCEPT_UNDO_SECONDS = 60


@pytest.fixture
def second_facilitator(agora):
    user = make_user("second-animateur")
    agora.facilitators.add(user)
    return user


@pytest.mark.parametrize("attempt", range(3))
def test_two_facilitators_undoing_the_same_accept_exactly_one_succeeds(
    attempt, live_session, participant, clause, facilitator, second_facilitator, manifesto
):
    before = clause.text
    amendment = services.propose_amendment(
        actor=Actor(participant=participant), session=live_session, kind="modify", clause=clause, text="Adopté puis annulé."
    )
    services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    events_before = manifesto.events.count()
    results = run_together(
        lambda: services.undo_acceptance(actor=Actor(user=facilitator), amendment=amendment),
        lambda: services.undo_acceptance(actor=Actor(user=second_facilitator), amendment=amendment),
    )
    assert sum(isinstance(r, Amendment) for r in results) == 1, results
    assert sum(isinstance(r, AmendmentClosed) for r in results) == 1, results
    clause.refresh_from_db()
    assert clause.text == before and clause.revision == 3
    assert manifesto.events.count() == events_before + 2  # clause.changed, amendment.acceptance_undone


@pytest.mark.parametrize("attempt", range(3))
def test_an_undo_racing_another_accept_on_the_article_loses_nothing(
    attempt, live_session, participant, clause, facilitator, second_facilitator
):
    base = clause.text
    other = make_participant(live_session, "Dominique")
    first = services.propose_amendment(
        actor=Actor(participant=participant), session=live_session, kind="modify", clause=clause, text=base.replace("Texte", "Le texte")
    )
    second = services.propose_amendment(
        actor=Actor(participant=other), session=live_session, kind="modify", clause=clause, text=base.replace("rédaction", "version")
    )
    services.accept_amendment(actor=Actor(user=facilitator), amendment=first)
    results = run_together(
        lambda: services.undo_acceptance(actor=Actor(user=facilitator), amendment=first),
        lambda: services.accept_amendment(actor=Actor(user=second_facilitator), amendment=second),
    )
    assert not any(isinstance(r, Exception) and not isinstance(r, ServiceError) for r in results), results
    final = Clause.objects.get(pk=clause.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    if isinstance(results[0], Amendment):
        # The undo went first: the second accept merged onto the restored text.
        assert first.state == AmendmentState.OPEN
        assert final.text == base.replace("rédaction", "version")
    else:
        # The accept went first: the undo is refused, both changes stay.
        assert isinstance(results[0], ClauseConflict)
        assert first.state == AmendmentState.ACCEPTED
        assert final.text == "Le texte de l'article 1.1, première version."
    assert second.state == AmendmentState.ACCEPTED
