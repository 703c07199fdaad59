"""Deliberation services: every transition, who may make it, phases, scope, history and journal."""

import pytest

from agora.models import LiveSession, Phase
from deliberation import selectors, services
from deliberation.errors import AmendmentClosed, AmendmentConflict, ClauseConflict, InvalidInput, PermissionDenied, WrongPhase
from deliberation.models import Amendment, AmendmentKind, AmendmentState, Comment, Support
from deliberation.permissions import Actor
from manifesto import services as text_services
from manifesto.models import Clause, ManifestoStatus
from tests.deliberation.conftest import make_participant, set_phase
from tests.factories import make_agora, make_user


def propose(actor, session, clause, text="Nouvelle rédaction de l'article.", **kwargs):
    return services.propose_amendment(
        actor=actor, session=session, kind=kwargs.pop("kind", AmendmentKind.MODIFY), clause=clause, text=text, **kwargs
    )


# ------------------------------------------------------------------ proposing


def test_participant_proposes_a_new_wording_recording_its_base(as_participant, live_session, clause, journal_events, manifesto):
    before = manifesto.events.count()
    amendment = propose(as_participant, live_session, clause, justification="Plus clair.")
    assert amendment.number == 1
    assert amendment.state == AmendmentState.OPEN
    assert amendment.base_revision == clause.revision
    assert amendment.base_text == clause.text
    assert amendment.clause_number == clause.number
    events = journal_events(manifesto, after=before)
    assert [e.type for e in events] == ["amendment.proposed"]
    assert events[0].data["amendment"]["text"] == "Nouvelle rédaction de l'article."
    assert events[0].data["session_id"] == live_session.pk
    assert events[0].data["amendment"]["author"] == "Amina"
    assert events[0].data["amendment"]["agora"] == "Agora de Lille"
    assert "<ins>" in events[0].data["amendment"]["diff_html"]


def test_amendments_are_numbered_per_manifesto(as_participant, live_session, clause):
    first = propose(as_participant, live_session, clause, "Un.")
    second = propose(as_participant, live_session, clause, "Deux.")
    assert (first.number, second.number) == (1, 2)
    assert str(second) == "Amendement n° 2"


def test_participant_proposes_a_deletion(as_participant, live_session, clause):
    amendment = propose(as_participant, live_session, clause, text="ignoré", kind=AmendmentKind.DELETE)
    assert amendment.text == ""
    assert amendment.kind == AmendmentKind.DELETE


def test_participant_proposes_a_new_clause_after_a_clause_or_at_the_end_of_a_section(as_participant, live_session, clause):
    after = propose(as_participant, live_session, clause, "Article inséré.", kind=AmendmentKind.INSERT)
    at_end = services.propose_amendment(
        actor=as_participant, session=live_session, kind=AmendmentKind.INSERT, section=clause.section, text="À la fin."
    )
    assert after.section_id == clause.section_id and after.base_revision is None
    assert at_end.clause is None and at_end.section_id == clause.section_id


def test_proposal_that_changes_nothing_is_refused(as_participant, live_session, clause):
    with pytest.raises(InvalidInput):
        propose(as_participant, live_session, clause, clause.text)
    assert not Amendment.objects.exists()


def test_empty_proposal_is_refused(as_participant, live_session, clause):
    with pytest.raises(InvalidInput):
        propose(as_participant, live_session, clause, "   ")


@pytest.mark.parametrize("phase", [Phase.WELCOME, Phase.SUPPORTS, Phase.CLOSING])
def test_participant_cannot_propose_outside_the_proposals_phase(as_participant, live_session, clause, phase, manifesto):
    set_phase(live_session, phase)
    before = manifesto.events.count()
    with pytest.raises(WrongPhase) as refusal:
        propose(as_participant, live_session, clause)
    assert refusal.value.code == "wrong_phase"
    assert str(refusal.value.message)
    assert not Amendment.objects.exists()
    assert manifesto.events.count() == before


def test_participant_cannot_propose_on_a_clause_out_of_scope(as_participant, live_session, manifesto):
    in_scope, out_of_scope = list(manifesto.clauses.order_by("number")[:2])
    live_session.scope.add(in_scope)
    propose(as_participant, live_session, in_scope)
    with pytest.raises(PermissionDenied, match="pas en discussion"):
        propose(as_participant, live_session, out_of_scope)
    assert Amendment.objects.count() == 1


def test_participant_cannot_propose_in_a_closed_session(as_participant, live_session, clause):
    from django.utils import timezone

    LiveSession.objects.filter(pk=live_session.pk).update(closed_at=timezone.now())
    live_session.refresh_from_db()
    with pytest.raises(PermissionDenied, match="close"):
        propose(as_participant, live_session, clause)


def test_removed_participant_cannot_propose(participant, live_session, clause):
    from django.utils import timezone

    participant.removed_at = timezone.now()
    participant.save()
    with pytest.raises(PermissionDenied):
        propose(Actor(participant=participant), live_session, clause)


def test_participant_of_another_session_cannot_propose_here(live_session, agora, clause):
    other = LiveSession.objects.create(agora=agora, code="AUTRE1", phase=Phase.PROPOSALS)
    stranger = make_participant(other, "Eve")
    with pytest.raises(PermissionDenied):
        propose(Actor(participant=stranger), live_session, clause)


def test_cannot_propose_on_a_frozen_text(as_participant, live_session, clause, manifesto, organiser):
    text_services.set_status(actor=organiser, manifesto=manifesto, status=ManifestoStatus.FROZEN)
    live_session.agora.manifesto.refresh_from_db()
    with pytest.raises(PermissionDenied, match="figé"):
        propose(as_participant, live_session, clause)


# ------------------------------------------------------------------ author edits and withdraws


def test_author_edits_an_open_amendment(as_participant, live_session, clause, journal_events, manifesto):
    amendment = propose(as_participant, live_session, clause)
    edited = services.edit_amendment(actor=as_participant, amendment=amendment, text="Mieux dit.", justification="Pourquoi")
    assert edited.text == "Mieux dit."
    assert journal_events(manifesto)[-1].type == "amendment.edited"
    assert edited.history.first().history_change_reason == "Amendement modifié par son auteur·rice"


def test_author_rebases_a_stale_amendment_on_the_current_text(as_participant, as_facilitator, organiser, live_session, clause):
    amendment = propose(as_participant, live_session, clause, "Une proposition.")
    text_services.edit_clause(actor=organiser, clause=clause, text="Le texte a changé.", expected_revision=1)
    amendment.refresh_from_db()
    assert selectors.needs_review(amendment)
    services.edit_amendment(actor=as_participant, amendment=amendment, text="Le texte a bien changé.", justification="", rebase=True)
    amendment.refresh_from_db()
    assert (amendment.base_text, amendment.base_revision) == ("Le texte a changé.", 2)
    assert not selectors.needs_review(amendment)
    acceptance = services.accept_amendment(actor=as_facilitator, amendment=amendment)
    assert not acceptance.merged and acceptance.clause.text == "Le texte a bien changé."


def test_someone_else_cannot_edit_or_withdraw(as_participant, other_participant, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    other = Actor(participant=other_participant)
    with pytest.raises(PermissionDenied):
        services.edit_amendment(actor=other, amendment=amendment, text="Détourné.", justification="")
    with pytest.raises(PermissionDenied):
        services.withdraw_amendment(actor=other, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.text == "Nouvelle rédaction de l'article." and amendment.is_open


def test_author_withdraws_and_can_no_longer_edit(as_participant, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    services.withdraw_amendment(actor=as_participant, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.WITHDRAWN
    with pytest.raises(AmendmentClosed):
        services.edit_amendment(actor=as_participant, amendment=amendment, text="Trop tard.", justification="")


def test_author_cannot_edit_outside_the_proposals_phase(as_participant, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    set_phase(live_session, Phase.SUPPORTS)
    with pytest.raises(WrongPhase):
        services.edit_amendment(actor=as_participant, amendment=amendment, text="Plus tard.", justification="")


# ------------------------------------------------------------------ supports and comments


@pytest.mark.usefixtures("every_group_published")  # totals by family of two voices
def test_support_is_one_changeable_voice_with_totals_by_family(
    as_participant, other_participant, live_session, clause, journal_events, manifesto
):
    amendment = propose(as_participant, live_session, clause)
    set_phase(live_session, Phase.SUPPORTS)
    services.set_support(actor=as_participant, amendment=amendment, value="pour")
    services.set_support(actor=Actor(participant=other_participant), amendment=amendment, value="contre")
    services.set_support(actor=as_participant, amendment=amendment, value="abstention")
    assert Support.objects.filter(amendment=amendment).count() == 2
    event = journal_events(manifesto)[-1]
    assert event.type == "support.changed"
    assert event.data["totals"] == {"pour": 0, "contre": 1, "abstention": 1}
    assert event.data["by_family"] == {
        "cooperative": {"pour": 0, "contre": 0, "abstention": 1},
        "association": {"pour": 0, "contre": 1, "abstention": 0},
    }


def test_repeating_the_same_support_journals_nothing(as_participant, live_session, clause, manifesto):
    amendment = propose(as_participant, live_session, clause)
    set_phase(live_session, Phase.SUPPORTS)
    services.set_support(actor=as_participant, amendment=amendment, value="pour")
    before = manifesto.events.count()
    services.set_support(actor=as_participant, amendment=amendment, value="pour")
    assert manifesto.events.count() == before


def test_participant_cannot_support_during_proposals(as_participant, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    with pytest.raises(WrongPhase):
        services.set_support(actor=as_participant, amendment=amendment, value="pour")
    assert not Support.objects.exists()


def test_invalid_support_value_is_refused(as_participant, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    set_phase(live_session, Phase.SUPPORTS)
    with pytest.raises(InvalidInput):
        services.set_support(actor=as_participant, amendment=amendment, value="peut-être")


def test_cannot_support_a_closed_amendment(as_participant, as_facilitator, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    services.reject_amendment(actor=as_facilitator, amendment=amendment, reason="Hors sujet")
    set_phase(live_session, Phase.SUPPORTS)
    with pytest.raises(AmendmentClosed):
        services.set_support(actor=as_participant, amendment=amendment, value="pour")


def test_participant_comments_for_or_against(as_participant, other_participant, live_session, clause, journal_events, manifesto):
    amendment = propose(as_participant, live_session, clause)
    comment = services.add_comment(actor=Actor(participant=other_participant), amendment=amendment, stance="contre", text="Trop vague.")
    assert comment.stance == "contre"
    event = journal_events(manifesto)[-1]
    assert event.type == "comment.added"
    assert event.data["comment"]["author"] == "Dominique"
    with pytest.raises(InvalidInput):
        services.add_comment(actor=as_participant, amendment=amendment, stance="bof", text="?")
    with pytest.raises(InvalidInput):
        services.add_comment(actor=as_participant, amendment=amendment, stance="pour", text="")
    assert Comment.objects.count() == 1


def test_facilitator_without_participant_cannot_support(as_participant, as_facilitator, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    set_phase(live_session, Phase.SUPPORTS)
    with pytest.raises(PermissionDenied):
        services.set_support(actor=as_facilitator, amendment=amendment, value="pour")


# ------------------------------------------------------------------ moderation


def test_participant_cannot_accept_amendment(as_participant, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    with pytest.raises(PermissionDenied):
        services.accept_amendment(actor=as_participant, amendment=amendment)
    clause.refresh_from_db()
    assert clause.revision == 1


def test_outsider_and_facilitator_of_another_agora_cannot_moderate(as_participant, live_session, clause, outsider, manifesto):
    other_facilitator = make_user("autre-animateur")
    make_agora(manifesto=manifesto, title="Agora de Grenoble", facilitators=[other_facilitator])
    amendment = propose(as_participant, live_session, clause)
    for person in (outsider, other_facilitator):
        for action in (
            lambda a: services.accept_amendment(actor=a, amendment=amendment),
            lambda a: services.reject_amendment(actor=a, amendment=amendment, reason="non"),
            lambda a: services.hide_amendment(actor=a, amendment=amendment, reason="non"),
        ):
            with pytest.raises(PermissionDenied):
                action(Actor(user=person))
    amendment.refresh_from_db()
    assert amendment.is_open


def test_organiser_may_moderate(as_participant, live_session, clause, organiser):
    amendment = propose(as_participant, live_session, clause)
    services.reject_amendment(actor=Actor(user=organiser), amendment=amendment, reason="Redondant")
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.REJECTED


def test_accept_applies_the_text_with_attribution(as_participant, as_facilitator, facilitator, live_session, clause, journal_events, manifesto):
    amendment = propose(as_participant, live_session, clause, "Une économie au service de toutes et tous.")
    before = manifesto.events.count()
    acceptance = services.accept_amendment(actor=as_facilitator, amendment=amendment)
    clause.refresh_from_db()
    assert clause.text == "Une économie au service de toutes et tous."
    assert clause.revision == 2
    assert not acceptance.merged
    last = clause.history.first()
    assert last.history_change_reason == "Amendement n° 1 d'Amina (Agora de Lille) adopté"
    assert last.history_user == facilitator
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.ACCEPTED
    assert amendment.decided_by == facilitator and amendment.decided_at is not None
    assert amendment.applied_revision == 2
    assert amendment.history.first().history_user == facilitator
    types = [e.type for e in journal_events(manifesto, after=before)]
    assert types == ["clause.changed", "amendment.accepted"]


def test_accepting_twice_is_refused(as_participant, as_facilitator, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    services.accept_amendment(actor=as_facilitator, amendment=amendment)
    with pytest.raises(AmendmentClosed):
        services.accept_amendment(actor=as_facilitator, amendment=amendment)
    clause.refresh_from_db()
    assert clause.revision == 2


def test_accept_a_deletion_removes_the_clause(as_participant, as_facilitator, live_session, clause):
    amendment = propose(as_participant, live_session, clause, kind=AmendmentKind.DELETE)
    acceptance = services.accept_amendment(actor=as_facilitator, amendment=amendment)
    assert acceptance.clause is None
    assert not Clause.objects.filter(pk=clause.pk).exists()
    assert Clause.history.filter(id=clause.pk, history_type="-").first().history_change_reason.startswith("Amendement n° 1")


def test_accept_an_insertion_adds_a_clause_after_its_anchor(as_participant, as_facilitator, live_session, clause):
    amendment = propose(as_participant, live_session, clause, "Un nouvel article.", kind=AmendmentKind.INSERT)
    acceptance = services.accept_amendment(actor=as_facilitator, amendment=amendment)
    new = acceptance.clause
    assert new.text == "Un nouvel article."
    assert new.section_id == clause.section_id
    assert new.position == clause.position + 1
    amendment.refresh_from_db()
    assert amendment.applied_clause == new


def test_stale_amendment_with_disjoint_changes_merges_and_says_so(as_participant, as_facilitator, organiser, live_session, clause):
    base = clause.text  # "Texte de l'article 1.1, première rédaction."
    amendment = propose(as_participant, live_session, clause, base.replace("première", "seconde"))
    text_services.edit_clause(actor=organiser, clause=clause, text=base.replace("Texte", "Le texte"), expected_revision=1)
    assert selectors.needs_review(Amendment.objects.get(pk=amendment.pk))
    acceptance = services.accept_amendment(actor=as_facilitator, amendment=amendment)
    assert acceptance.merged
    clause.refresh_from_db()
    assert clause.text == "Le texte de l'article 1.1, seconde rédaction."
    assert "fusionné avec les modifications" in clause.history.first().history_change_reason


def test_stale_amendment_with_overlapping_changes_writes_nothing_and_shows_three_texts(
    as_participant, as_facilitator, organiser, live_session, clause, manifesto
):
    base = clause.text
    amendment = propose(as_participant, live_session, clause, base.replace("première", "seconde"))
    text_services.edit_clause(actor=organiser, clause=clause, text=base.replace("première", "troisième"), expected_revision=1)
    before = manifesto.events.count()
    with pytest.raises(AmendmentConflict) as conflict:
        services.accept_amendment(actor=as_facilitator, amendment=amendment)
    assert conflict.value.base == base
    assert conflict.value.current == base.replace("première", "troisième")
    assert conflict.value.proposed == base.replace("première", "seconde")
    assert conflict.value.current_revision == 2
    assert manifesto.events.count() == before
    clause.refresh_from_db()
    assert clause.revision == 2
    # The facilitator writes the merged text against the revision the conflict showed.
    acceptance = services.accept_amendment(
        actor=as_facilitator, amendment=amendment, resolved_text=base.replace("première", "deuxième et troisième"), expected_revision=2
    )
    assert acceptance.resolved
    clause.refresh_from_db()
    assert clause.text == base.replace("première", "deuxième et troisième")
    assert "après conflit" in clause.history.first().history_change_reason


def test_resolution_against_a_revision_that_moved_again_is_a_conflict(as_participant, as_facilitator, organiser, live_session, clause):
    amendment = propose(as_participant, live_session, clause, "Autre chose.")
    text_services.edit_clause(actor=organiser, clause=clause, text="Encore autre chose.", expected_revision=1)
    with pytest.raises(ClauseConflict):
        services.accept_amendment(actor=as_facilitator, amendment=amendment, resolved_text="Fusion.", expected_revision=1)
    clause.refresh_from_db()
    assert clause.text == "Encore autre chose."


def test_stale_deletion_against_an_edit_conflicts(as_participant, as_facilitator, organiser, live_session, clause):
    amendment = propose(as_participant, live_session, clause, kind=AmendmentKind.DELETE)
    text_services.edit_clause(actor=organiser, clause=clause, text="Réécrit entre-temps.", expected_revision=1)
    with pytest.raises(AmendmentConflict):
        services.accept_amendment(actor=as_facilitator, amendment=amendment)
    assert Clause.objects.filter(pk=clause.pk).exists()
    # Resolving with an empty text confirms the deletion.
    services.accept_amendment(actor=as_facilitator, amendment=amendment, resolved_text="", expected_revision=2)
    assert not Clause.objects.filter(pk=clause.pk).exists()


def test_two_conflicting_amendments_second_gets_a_conflict(as_participant, other_participant, as_facilitator, live_session, clause):
    first = propose(as_participant, live_session, clause, clause.text.replace("première", "seconde"))
    second = propose(Actor(participant=other_participant), live_session, clause, clause.text.replace("première", "dernière"))
    services.accept_amendment(actor=as_facilitator, amendment=first)
    with pytest.raises(AmendmentConflict):
        services.accept_amendment(actor=as_facilitator, amendment=second)
    assert Amendment.objects.get(pk=second.pk).is_open


def test_amendment_on_a_deleted_clause_cannot_be_accepted(as_participant, as_facilitator, organiser, live_session, clause):
    amendment = propose(as_participant, live_session, clause)
    text_services.delete_clause(actor=organiser, clause=clause)
    amendment.refresh_from_db()
    assert selectors.needs_review(amendment)
    with pytest.raises(ClauseConflict, match="supprimé"):
        services.accept_amendment(actor=as_facilitator, amendment=amendment)


def test_reject_requires_a_reason_and_records_it(as_participant, as_facilitator, facilitator, live_session, clause, journal_events, manifesto):
    amendment = propose(as_participant, live_session, clause)
    with pytest.raises(InvalidInput):
        services.reject_amendment(actor=as_facilitator, amendment=amendment, reason=" ")
    services.reject_amendment(actor=as_facilitator, amendment=amendment, reason="Contraire à l'esprit du texte")
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.REJECTED
    assert amendment.decision_reason == "Contraire à l'esprit du texte"
    row = amendment.history.first()
    assert row.history_user == facilitator
    assert row.history_change_reason == "Rejeté : Contraire à l'esprit du texte"
    assert journal_events(manifesto)[-1].type == "amendment.rejected"


def test_mark_duplicate_links_the_original(as_participant, other_participant, as_facilitator, live_session, clause):
    original = propose(as_participant, live_session, clause, "Version A.")
    copy = propose(Actor(participant=other_participant), live_session, clause, "Version A bis.")
    services.mark_duplicate(actor=as_facilitator, amendment=copy, duplicate_of=original)
    copy.refresh_from_db()
    assert copy.state == AmendmentState.DUPLICATE and copy.duplicate_of == original
    with pytest.raises(InvalidInput):
        services.mark_duplicate(actor=as_facilitator, amendment=original, duplicate_of=original)


def test_merge_several_into_a_compromise(as_participant, other_participant, as_facilitator, facilitator, live_session, clause, journal_events, manifesto):
    a = propose(as_participant, live_session, clause, "Version A.")
    b = propose(Actor(participant=other_participant), live_session, clause, "Version B.")
    before = manifesto.events.count()
    compromise = services.merge_amendments(actor=as_facilitator, amendments=[a, b], text="Version A et B.", justification="Compromis")
    assert compromise.is_open and compromise.author_user == facilitator
    assert compromise.base_revision == clause.revision
    for original in (a, b):
        original.refresh_from_db()
        assert original.state == AmendmentState.MERGED and original.merged_into == compromise
    assert [e.type for e in journal_events(manifesto, after=before)] == ["amendment.proposed", "amendment.merged", "amendment.merged"]
    services.accept_amendment(actor=as_facilitator, amendment=compromise)
    clause.refresh_from_db()
    assert clause.text == "Version A et B."
    # Credit where due: every merged amendment and its author, not the facilitator who wrote the compromise.
    assert clause.history.first().history_change_reason == "Compromis n° 3 des amendements n° 1 d'Amina et n° 2 de Dominique (Agora de Lille) adopté"


def test_merge_refuses_amendments_on_different_clauses(as_participant, as_facilitator, live_session, manifesto):
    one, two = list(manifesto.clauses.order_by("number")[:2])
    a = propose(as_participant, live_session, one, "A.")
    b = propose(as_participant, live_session, two, "B.")
    with pytest.raises(InvalidInput):
        services.merge_amendments(actor=as_facilitator, amendments=[a, b], text="AB.")
    assert Amendment.objects.filter(state=AmendmentState.OPEN).count() == 2


def test_hidden_amendment_is_visible_to_author_and_facilitators_only(
    as_participant, other_participant, as_facilitator, live_session, clause, outsider, journal_events, manifesto
):
    amendment = propose(as_participant, live_session, clause, "Propos injurieux.")
    services.hide_amendment(actor=as_facilitator, amendment=amendment, reason="Injure")
    event = journal_events(manifesto)[-1]
    assert event.type == "amendment.hidden"
    assert event.data["amendment"]["hidden"] is True
    assert event.data["amendment"]["text"] == "" and event.data["amendment"]["diff_html"] == ""
    assert "injurieux" not in str(event.data)
    assert [a.pk for a in selectors.amendments_for_session(live_session, as_participant)] == [amendment.pk]
    assert [a.pk for a in selectors.amendments_for_session(live_session, as_facilitator)] == [amendment.pk]
    assert selectors.amendments_for_session(live_session, Actor(participant=other_participant)) == []
    assert selectors.amendments_for_session(live_session, outsider) == []
    assert selectors.amendments_for_clause(clause, None) == {}
    assert selectors.data_for(amendment, as_participant)["text"] == "Propos injurieux."


def test_reopen_brings_back_a_rejected_or_hidden_amendment(as_participant, as_facilitator, live_session, clause, journal_events, manifesto):
    amendment = propose(as_participant, live_session, clause)
    services.hide_amendment(actor=as_facilitator, amendment=amendment, reason="Erreur")
    services.reopen_amendment(actor=as_facilitator, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.is_open
    event = journal_events(manifesto)[-1]
    assert event.type == "amendment.reopened" and event.data["amendment"]["text"] == amendment.text
    services.reject_amendment(actor=as_facilitator, amendment=amendment, reason="Non")
    services.reopen_amendment(actor=as_facilitator, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.is_open
    reasons = [row.history_change_reason for row in amendment.history.order_by("history_date", "history_id")]
    assert reasons == ["Amendement proposé", "Masqué : Erreur", "Rouvert", "Rejeté : Non", "Rouvert"]


def test_accepted_or_withdrawn_amendment_cannot_be_reopened(as_participant, as_facilitator, live_session, clause):
    accepted = propose(as_participant, live_session, clause)
    services.accept_amendment(actor=as_facilitator, amendment=accepted)
    with pytest.raises(AmendmentClosed):
        services.reopen_amendment(actor=as_facilitator, amendment=accepted)
    withdrawn = propose(as_participant, live_session, clause, "Retiré ensuite.")
    services.withdraw_amendment(actor=as_participant, amendment=withdrawn)
    with pytest.raises(AmendmentClosed):
        services.reopen_amendment(actor=as_facilitator, amendment=withdrawn)


def test_clause_listing_groups_by_state_with_totals(as_participant, other_participant, as_facilitator, live_session, clause):
    a = propose(as_participant, live_session, clause, "A.")
    b = propose(as_participant, live_session, clause, "B.")
    services.reject_amendment(actor=as_facilitator, amendment=b, reason="Non")
    set_phase(live_session, Phase.SUPPORTS)
    services.set_support(actor=Actor(participant=other_participant), amendment=a, value="pour")
    groups = selectors.amendments_for_clause(clause, None)
    assert list(groups) == ["open", "rejected"]
    assert groups["open"][0].total_pour == 1


def test_a_stale_copy_of_a_closed_session_does_not_let_a_proposal_through(live_session, participant, facilitator, clause):
    from agora import services as agora_services
    from agora.models import LiveSession

    stale = LiveSession.objects.get(pk=live_session.pk)
    agora_services.close_session(actor=facilitator, session=live_session)
    with pytest.raises(PermissionDenied):
        services.propose_amendment(
            actor=Actor(participant=participant), session=stale, kind="modify", clause=clause, text="Trop tard."
        )
    assert not Amendment.objects.exists()
