"""Collective mode: a facilitator's decision is the agora's position; the text never changes there."""

import pytest

from agora.models import Phase
from deliberation import services
from deliberation.errors import AmendmentClosed, InvalidInput, PermissionDenied
from deliberation.models import AgoraPosition, AmendmentKind, AmendmentState, Outcome, PositionKind
from deliberation.permissions import Actor
from manifesto.models import DecisionMode, Manifesto
from tests.deliberation.conftest import make_participant, set_phase
from tests.factories import make_user


@pytest.fixture
def manifesto(organiser):
    from tests.factories import make_manifesto

    return make_manifesto(organiser=organiser, decision_mode=DecisionMode.COLLECTIVE)


def propose(actor, session, clause, text="Une économie au service de toutes et tous."):
    return services.propose_amendment(actor=actor, session=session, kind=AmendmentKind.MODIFY, clause=clause, text=text)


def vote(session, amendment, values):
    """Voices of new participants, given as (family, value) pairs."""
    set_phase(session, Phase.SUPPORTS)
    for index, (family, value) in enumerate(values):
        voter = make_participant(session, f"Votant {index}", ess_family=family)
        services.set_support(actor=Actor(participant=voter), amendment=amendment, value=value)


def test_new_manifestos_are_decided_by_the_collective(organiser):
    from manifesto import services as text_services

    made = text_services.create_manifesto(actor=organiser, title="Nouveau", slug="nouveau")
    assert made.decision_mode == DecisionMode.COLLECTIVE


@pytest.mark.usefixtures("every_group_published")  # the tally by family of two voices
def test_facilitator_accept_never_changes_the_text(as_participant, as_facilitator, facilitator, live_session, clause, journal_events, manifesto):
    amendment = propose(as_participant, live_session, clause)
    vote(live_session, amendment, [("cooperative", "pour"), ("association", "pour"), ("association", "contre"), ("mutuelle", "abstention")])
    before_text, before_revision, before_history = clause.text, clause.revision, clause.history.count()
    seq = Manifesto.objects.get(pk=manifesto.pk).last_seq

    acceptance = services.accept_amendment(actor=as_facilitator, amendment=amendment)

    clause.refresh_from_db()
    assert (clause.text, clause.revision, clause.history.count()) == (before_text, before_revision, before_history)
    assert acceptance.clause is None and acceptance.position is not None
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.RETAINED
    assert amendment.outcome == Outcome.PENDING and not amendment.outcome_final
    assert amendment.applied_revision is None and amendment.applied_clause is None
    position = AgoraPosition.objects.get(amendment=amendment)
    assert position.agora == live_session.agora and position.session == live_session
    assert position.position == PositionKind.RETAINED and position.decided_by == facilitator
    assert position.tally == {
        "pour": 2,
        "contre": 1,
        "abstention": 1,
        "by_family": {
            "cooperative": {"pour": 1, "contre": 0, "abstention": 0},
            "association": {"pour": 1, "contre": 1, "abstention": 0},
            "mutuelle": {"pour": 0, "contre": 0, "abstention": 1},
        },
        "by_territory": {"Nord": {"pour": 2, "contre": 1, "abstention": 1}},
    }
    events = journal_events(manifesto, after=seq)
    assert [e.type for e in events] == ["amendment.position_taken"]
    data = events[0].data
    assert data["position"]["label"] == "Retenu par l'Agora de Lille — transmis au collectif de rédaction"
    assert data["amendment"]["state"] == "retained" and data["amendment"]["answer"] == "en attente"
    assert not any(e.type.startswith("clause.") for e in events)


def test_tally_is_frozen_when_the_position_is_taken(as_participant, as_facilitator, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    vote(live_session, amendment, [("cooperative", "pour")])
    services.accept_amendment(actor=as_facilitator, amendment=amendment)
    # Voices can no longer change on a decided amendment, and the tally kept is the one of that moment.
    late = make_participant(live_session, "Retardataire", ess_family="association")
    with pytest.raises(AmendmentClosed):
        services.set_support(actor=Actor(participant=late), amendment=amendment, value="contre")
    assert AgoraPosition.objects.get(amendment=amendment).tally["pour"] == 1


def test_reject_is_the_agora_not_retaining_it(as_participant, as_facilitator, live_session, clause, journal_events, manifesto):
    amendment = propose(as_participant, live_session, clause)
    seq = Manifesto.objects.get(pk=manifesto.pk).last_seq
    services.reject_amendment(actor=as_facilitator, amendment=amendment, reason="Hors sujet")
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.REJECTED
    assert amendment.outcome == Outcome.NOT_RETAINED and not amendment.outcome_final
    assert amendment.outcome_reason == "Hors sujet"
    position = AgoraPosition.objects.get(amendment=amendment)
    assert (position.position, position.reason) == (PositionKind.NOT_RETAINED, "Hors sujet")
    [event] = journal_events(manifesto, after=seq)
    assert event.type == "amendment.position_taken"
    assert event.data["amendment"]["answer"] == "non retenu par l'agora — Hors sujet"


def test_duplicate_merge_and_hide_are_positions_too(as_participant, other_participant, as_facilitator, live_session, clause, journal_events, manifesto):
    first = propose(as_participant, live_session, clause, "Première rédaction proposée.")
    second = propose(Actor(participant=other_participant), live_session, clause, "Deuxième rédaction proposée.")
    third = propose(as_participant, live_session, clause, "Troisième rédaction proposée.")
    fourth = propose(as_participant, live_session, clause, "Quatrième rédaction proposée.")
    text_before = clause.text
    seq = Manifesto.objects.get(pk=manifesto.pk).last_seq

    services.mark_duplicate(actor=as_facilitator, amendment=second, duplicate_of=first)
    compromise = services.merge_amendments(actor=as_facilitator, amendments=[first, third], text="Rédaction de compromis.")
    services.hide_amendment(actor=as_facilitator, amendment=fourth, reason="Propos injurieux")

    clause.refresh_from_db()
    assert clause.text == text_before
    positions = {p.amendment_id: p.position for p in AgoraPosition.objects.all()}
    assert positions == {
        second.pk: PositionKind.DUPLICATE,
        first.pk: PositionKind.MERGED,
        third.pk: PositionKind.MERGED,
        fourth.pk: PositionKind.HIDDEN,
    }
    for amendment in (first, second, third):
        amendment.refresh_from_db()
        assert amendment.outcome == Outcome.PENDING  # the collective answers the compromise / original
    fourth.refresh_from_db()
    assert fourth.outcome == Outcome.NOT_RETAINED
    types = [e.type for e in journal_events(manifesto, after=seq)]
    assert types == [
        "amendment.position_taken",
        "amendment.proposed",
        "amendment.position_taken",
        "amendment.position_taken",
        "amendment.position_taken",
    ]
    hidden_event = [e for e in journal_events(manifesto, after=seq) if e.data["amendment"]["id"] == fourth.pk][0]
    assert hidden_event.data["position"]["reason"] == ""  # the reason for hiding is not broadcast
    assert compromise.state == AmendmentState.OPEN


def test_reopening_withdraws_the_position(as_participant, as_facilitator, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    services.accept_amendment(actor=as_facilitator, amendment=amendment)
    services.reopen_amendment(actor=as_facilitator, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.OPEN and amendment.outcome == Outcome.PENDING
    assert not AgoraPosition.objects.filter(amendment=amendment).exists()
    services.reject_amendment(actor=as_facilitator, amendment=amendment, reason="Finalement non")
    assert AgoraPosition.objects.get(amendment=amendment).position == PositionKind.NOT_RETAINED


def test_the_room_cannot_overrule_an_answer_of_the_collective(as_participant, as_facilitator, live_session, clause):
    from deliberation import outcomes

    amendment = propose(as_participant, live_session, clause)
    services.reject_amendment(actor=as_facilitator, amendment=amendment, reason="Non")
    amendment.refresh_from_db()
    outcomes.give_outcome(amendment, user=None, outcome=Outcome.SET_ASIDE, final=True, reason="Déjà dans l'article 3")
    amendment.save()
    with pytest.raises(AmendmentClosed):
        services.reopen_amendment(actor=as_facilitator, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.outcome == Outcome.SET_ASIDE and AgoraPosition.objects.filter(amendment=amendment).exists()


def test_a_resolved_text_is_refused_in_collective_mode(as_participant, as_facilitator, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    with pytest.raises(InvalidInput):
        services.accept_amendment(actor=as_facilitator, amendment=amendment, resolved_text="Autre", expected_revision=1)
    amendment.refresh_from_db()
    assert amendment.is_open and not AgoraPosition.objects.exists()


def test_participant_and_outsider_cannot_take_a_position(as_participant, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    for actor in (as_participant, Actor(user=make_user("curieux"))):
        with pytest.raises(PermissionDenied):
            services.accept_amendment(actor=actor, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.is_open and not AgoraPosition.objects.exists()


# ------------------------------------------------------------------ room mode keeps today's behaviour, with outcomes


def test_room_mode_accept_integrates_and_answers(organiser, facilitator, clause_room):
    session, clause, author = clause_room
    amendment = propose(author, session, clause)
    services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    amendment.refresh_from_db()
    clause.refresh_from_db()
    assert clause.text == "Une économie au service de toutes et tous."
    assert amendment.outcome == Outcome.INTEGRATED and amendment.outcome_final
    assert amendment.outcome_clause == clause and amendment.applied_clause == clause
    assert amendment.applied_revision == clause.revision
    assert not AgoraPosition.objects.exists()


def test_room_mode_reject_sets_aside_with_its_reason(facilitator, clause_room):
    session, clause, author = clause_room
    amendment = propose(author, session, clause)
    services.reject_amendment(actor=Actor(user=facilitator), amendment=amendment, reason="Hors sujet")
    amendment.refresh_from_db()
    assert (amendment.outcome, amendment.outcome_reason, amendment.outcome_final) == (Outcome.SET_ASIDE, "Hors sujet", True)
    services.reopen_amendment(actor=Actor(user=facilitator), amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.outcome == Outcome.PENDING and not amendment.outcome_final


def test_room_mode_duplicate_and_merge_name_the_other_amendment(facilitator, clause_room):
    session, clause, author = clause_room
    a, b, c = (propose(author, session, clause, f"Rédaction {n}.") for n in range(3))
    services.mark_duplicate(actor=Actor(user=facilitator), amendment=b, duplicate_of=a)
    compromise = services.merge_amendments(actor=Actor(user=facilitator), amendments=[a, c], text="Compromis.")
    for amendment in (a, b, c):
        amendment.refresh_from_db()
    assert (b.outcome, b.outcome_related) == (Outcome.DUPLICATE, a)
    assert (a.outcome, a.outcome_related) == (Outcome.MERGED, compromise)
    assert (c.outcome, c.outcome_related) == (Outcome.MERGED, compromise)


@pytest.fixture
def clause_room(organiser, facilitator):
    """A room-mode manifesto with a session in the proposals phase and a participant."""
    from agora import services as agora_services
    from tests.factories import make_agora, make_manifesto

    manifesto = make_manifesto(organiser=organiser, decision_mode=DecisionMode.ROOM, slug="en-seance")
    agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de Nantes")
    session = agora_services.open_session(actor=facilitator, agora=agora)
    set_phase(session, Phase.PROPOSALS)
    author = Actor(participant=make_participant(session, "Nadia"))
    return session, manifesto.clauses.order_by("number").first(), author


def test_a_position_taken_in_english_is_journaled_in_the_sites_language(as_participant, as_facilitator, live_session, clause,
                                                                      journal_events, manifesto):
    """The event is a record every client reads: its label does not follow the facilitator's
    language (clients name the position from its code, in their own)."""
    from django.utils import translation

    amendment = propose(as_participant, live_session, clause)
    seq = manifesto.__class__.objects.get(pk=manifesto.pk).last_seq
    with translation.override("en"):
        services.accept_amendment(actor=as_facilitator, amendment=amendment)
    data = journal_events(manifesto, after=seq)[0].data
    assert data["position"]["position"] == "retained"
    assert data["position"]["label"] == "Retenu par l'Agora de Lille — transmis au collectif de rédaction"


def test_live_pages_of_a_collective_text_never_say_adopted(agora):
    """In collective mode the live pages' words call an integrated amendment what it is, never
    « Adopté »: a room never adopts there (docs/process.md)."""
    from deliberation.words import js_words

    assert agora.manifesto.decided_by_collective
    words = js_words(agora)
    assert words["accepted"] == "Intégré par le collectif de rédaction"
    assert "adopté" not in words["acceptedNews"].lower()
