"""The undo window: an accept applies at once; within ACCEPT_UNDO_SECONDS a facilitator may undo it,
which writes the previous text back through manifesto's services (credited in history, journaled)
and opens the amendment again. After the window the undo is refused and the accept stays final."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import services
from deliberation.errors import AmendmentClosed, ClauseConflict, PermissionDenied
from deliberation.models import AgoraPosition, Amendment, AmendmentState, Outcome
from deliberation.permissions import Actor
from manifesto import services as text_services
from manifesto.models import Clause, DecisionMode, Manifesto
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def undo_window(settings):
    settings.ACCEPT_UNDO_SECONDS = 10


def propose(participant, session, clause, text, kind="modify", section=None):
    return services.propose_amendment(actor=Actor(participant=participant), session=session, kind=kind,
                                      clause=clause, section=section, text=text)


def age(amendment, seconds):
    """As if the decision had been taken `seconds` ago (the window is a deadline on the clock)."""
    Amendment.objects.filter(pk=amendment.pk).update(decided_at=timezone.now() - timedelta(seconds=seconds))
    amendment.refresh_from_db()


def test_undo_within_the_window_restores_the_text_and_reopens(live_session, participant, facilitator, clause, manifesto, journal_events):
    before_text, before_revision = clause.text, clause.revision
    amendment = propose(participant, live_session, clause, "Un texte tout neuf.")
    acceptance = services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    assert acceptance.clause.text == "Un texte tout neuf."
    seq = manifesto.events.order_by("-seq").first().seq
    accepted = manifesto.events.get(type="amendment.accepted")
    assert accepted.data["undo_until"]

    services.undo_acceptance(actor=Actor(user=facilitator), amendment=amendment)

    clause.refresh_from_db()
    amendment.refresh_from_db()
    assert clause.text == before_text
    assert clause.revision == before_revision + 2  # forward only: the accept and its undo are both in history
    assert amendment.state == AmendmentState.OPEN
    assert amendment.outcome == Outcome.PENDING and not amendment.outcome_final
    assert amendment.applied_clause_id is None and amendment.decided_at is None
    # History credits the amendment (author and agora) on the clause and on the amendment.
    reason = clause.history.latest("history_date").history_change_reason
    assert reason.startswith("Adoption annulée : Amendement n° 1 d'Amina")
    assert amendment.history.latest("history_date").history_change_reason.startswith("Adoption annulée")
    types = [e.type for e in journal_events(manifesto, after=seq)]
    assert types == ["clause.changed", "amendment.acceptance_undone"]


def test_undo_after_the_window_is_refused_and_the_accept_stays(live_session, participant, facilitator, clause):
    amendment = propose(participant, live_session, clause, "Texte définitif.")
    services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    age(amendment, 11)
    with pytest.raises(AmendmentClosed) as refused:
        services.undo_acceptance(actor=Actor(user=facilitator), amendment=amendment)
    assert "définitive" in str(refused.value.message)
    clause.refresh_from_db()
    amendment.refresh_from_db()
    assert clause.text == "Texte définitif." and amendment.state == AmendmentState.ACCEPTED


def test_no_window_configured_means_no_undo(live_session, participant, facilitator, clause, settings):
    settings.ACCEPT_UNDO_SECONDS = 0
    amendment = propose(participant, live_session, clause, "Sans retour.")
    services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    assert services.undo_deadline(amendment) is None
    with pytest.raises(AmendmentClosed):
        services.undo_acceptance(actor=Actor(user=facilitator), amendment=amendment)


def test_participant_and_outsider_cannot_undo(live_session, participant, facilitator, clause):
    amendment = propose(participant, live_session, clause, "Texte adopté.")
    services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    for actor in (Actor(participant=participant), Actor(user=make_user("passant-undo"))):
        with pytest.raises(PermissionDenied):
            services.undo_acceptance(actor=actor, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.ACCEPTED


def test_undo_of_an_open_or_rejected_amendment_is_refused(live_session, participant, facilitator, clause):
    amendment = propose(participant, live_session, clause, "Texte.")
    with pytest.raises(AmendmentClosed):
        services.undo_acceptance(actor=Actor(user=facilitator), amendment=amendment)
    services.reject_amendment(actor=Actor(user=facilitator), amendment=amendment, reason="Non.")
    with pytest.raises(AmendmentClosed):
        services.undo_acceptance(actor=Actor(user=facilitator), amendment=amendment)


def test_undo_is_refused_when_the_article_changed_since(live_session, participant, facilitator, organiser, clause):
    amendment = propose(participant, live_session, clause, "Texte adopté.")
    acceptance = services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    text_services.edit_clause(actor=organiser, clause=clause, text="Corrigé ensuite.", expected_revision=acceptance.clause.revision)
    with pytest.raises(ClauseConflict):
        services.undo_acceptance(actor=Actor(user=facilitator), amendment=amendment)
    clause.refresh_from_db()
    assert clause.text == "Corrigé ensuite."  # nothing overwritten


def test_a_second_undo_is_refused(live_session, participant, facilitator, clause):
    amendment = propose(participant, live_session, clause, "Texte adopté.")
    services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    services.undo_acceptance(actor=Actor(user=facilitator), amendment=amendment)
    with pytest.raises(AmendmentClosed):
        services.undo_acceptance(actor=Actor(user=facilitator), amendment=amendment)


def test_undoing_a_new_article_removes_it(live_session, participant, facilitator, clause, manifesto):
    count = Clause.objects.filter(manifesto=manifesto).count()
    amendment = propose(participant, live_session, clause, "Un article de plus.", kind="insert", section=clause.section)
    acceptance = services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    assert Clause.objects.filter(manifesto=manifesto).count() == count + 1
    services.undo_acceptance(actor=Actor(user=facilitator), amendment=amendment)
    assert Clause.objects.filter(manifesto=manifesto).count() == count
    assert not Clause.objects.filter(pk=acceptance.clause.pk).exists()


def test_undoing_a_deletion_brings_the_article_back_in_place(live_session, participant, facilitator, clause, manifesto, journal_events):
    number, position, section_id, text = clause.number, clause.position, clause.section_id, clause.text
    other = propose(participant, live_session, clause, "Une autre rédaction.")
    amendment = propose(participant, live_session, clause, "", kind="delete")
    services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    assert not Clause.objects.filter(pk=clause.pk).exists()
    seq = manifesto.events.order_by("-seq").first().seq
    services.undo_acceptance(actor=Actor(user=facilitator), amendment=amendment)
    back = Clause.objects.get(pk=clause.pk)
    assert (back.number, back.position, back.section_id, back.text) == (number, position, section_id, text)
    other.refresh_from_db()
    assert other.clause_id == clause.pk  # the other amendment on it finds its article again
    assert [e.type for e in journal_events(manifesto, after=seq)][-1] == "amendment.acceptance_undone"


def test_collective_mode_undo_withdraws_the_agoras_position(live_session, participant, facilitator, clause, manifesto):
    Manifesto.objects.filter(pk=manifesto.pk).update(decision_mode=DecisionMode.COLLECTIVE)
    amendment = propose(participant, live_session, clause, "Texte retenu.")
    services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.RETAINED
    services.undo_acceptance(actor=Actor(user=facilitator), amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.OPEN
    assert not AgoraPosition.objects.filter(amendment=amendment).exists()
    clause.refresh_from_db()
    assert clause.revision == 1  # the text never changed


def test_the_no_javascript_form_undoes_and_returns(client, live_session, participant, facilitator, clause):
    amendment = propose(participant, live_session, clause, "Texte adopté.")
    services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    client.force_login(facilitator)
    console = reverse("agora:console", kwargs={"pk": live_session.pk})
    response = client.post(reverse("deliberation:undo_accept", kwargs={"pk": amendment.pk}), {"next": console})
    assert response.status_code == 302 and response["Location"] == console
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.OPEN


def test_the_form_refuses_an_outsider(client, live_session, participant, facilitator, clause):
    amendment = propose(participant, live_session, clause, "Texte adopté.")
    services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    client.force_login(make_user("passant-form"))
    response = client.post(reverse("deliberation:undo_accept", kwargs={"pk": amendment.pk}))
    assert response.status_code == 404
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.ACCEPTED


def test_the_moderation_queue_offers_the_undo_only_within_the_window(client, live_session, participant, facilitator, clause):
    amendment = propose(participant, live_session, clause, "Texte adopté.")
    client.force_login(facilitator)
    queue = reverse("deliberation:moderation", kwargs={"session_pk": live_session.pk})
    response = client.post(reverse("deliberation:accept", kwargs={"pk": amendment.pk}), {"next": queue})
    assert response.status_code == 302 and response["Location"] == queue  # back where the undo is
    undo = reverse("deliberation:undo_accept", kwargs={"pk": amendment.pk})
    assert undo in client.get(queue).content.decode()
    age(amendment, 11)
    assert undo not in client.get(queue).content.decode()
