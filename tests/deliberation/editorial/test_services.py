"""The collective's actions: integrate (as is, with modification, several at once), answer a
duplicate group once, set aside with a public reason, defer — credits in history, outcomes,
events, and refusals that change nothing."""

import pytest

from deliberation.editorial import selectors, services
from deliberation.errors import AmendmentClosed, AmendmentConflict, ClauseConflict, InvalidInput, PermissionDenied
from deliberation.models import Amendment, AmendmentState, Outcome
from manifesto.models import Clause
from tests.deliberation.editorial.conftest import ARTICLE

pytestmark = pytest.mark.django_db


def refreshed(*amendments):
    return [Amendment.objects.get(pk=a.pk) for a in amendments]


def article(manifesto):
    return manifesto.clauses.order_by("number").first()


def test_integrate_as_is_changes_the_text_and_credits_the_amendment_and_its_agora(manifesto, rooms, propose, editor, journal_events):
    amendment = propose(rooms["lille"], ARTICLE.replace("plutôt que", "avant"))
    clause = article(manifesto)
    seq = manifesto.events.count()
    result = services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[amendment.pk])
    clause.refresh_from_db()
    assert clause.text == ARTICLE.replace("plutôt que", "avant") and result.clause.revision == clause.revision
    (amendment,) = refreshed(amendment)
    assert amendment.outcome == Outcome.INTEGRATED and amendment.outcome_final
    assert amendment.applied_clause_id == clause.pk and amendment.applied_revision == clause.revision
    assert amendment.outcome_clause_id == clause.pk and amendment.outcome_by == editor
    assert amendment.state == AmendmentState.ACCEPTED
    reason = clause.history.first().history_change_reason
    assert "n° %d" % amendment.number in reason and "Agora de Lille" in reason and "Rosa Luxe" in reason
    assert clause.history.first().history_user == editor
    types = [e.type for e in journal_events(manifesto)][seq:]
    assert types == ["clause.changed", "amendment.outcome_given"]
    assert selectors.article_desk(manifesto, clause_number=clause.number) is None  # answered: off the desk


def test_integrating_several_compatible_amendments_at_once_merges_them(manifesto, rooms, propose, editor):
    first = propose(rooms["lille"], ARTICLE.replace("l'humain", "la personne"))
    second = propose(rooms["nantes"], ARTICLE.replace("partout en France", "partout en France et outre-mer"))
    services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[first.pk, second.pk])
    clause = article(manifesto)
    assert clause.text == "L'ESS place la personne plutôt que le profit au cœur de l'économie, partout en France et outre-mer."
    assert clause.history.count() == 3  # created, edited by the fixture, one integration
    reason = clause.history.first().history_change_reason
    assert f"n° {first.number} et {second.number}" in reason and "Agora de Lille, Agora de Nantes" in reason
    for amendment in refreshed(first, second):
        assert amendment.outcome == Outcome.INTEGRATED and amendment.applied_revision == clause.revision


def test_incompatible_amendments_are_refused_together_and_nothing_changes(manifesto, rooms, propose, editor):
    first = propose(rooms["lille"], ARTICLE.replace("partout en France", "dans chaque territoire"))
    second = propose(rooms["nantes"], ARTICLE.replace("partout en France", "en Europe"))
    clause = article(manifesto)
    with pytest.raises(AmendmentConflict) as caught:
        services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[first.pk, second.pk])
    assert caught.value.proposed == second.text and caught.value.current == ARTICLE
    assert Clause.objects.get(pk=clause.pk).revision == clause.revision
    assert all(a.outcome == Outcome.PENDING for a in refreshed(first, second))


def test_a_duplicate_group_is_answered_once_and_every_agora_is_credited(manifesto, rooms, propose, editor):
    deletion = ARTICLE.replace(" plutôt que", "")
    group = [propose(rooms["lille"], deletion), propose(rooms["nantes"], deletion), propose(rooms["lyon"], deletion.replace("l'humain", "l’humain"))]
    desk = selectors.article_desk(manifesto, clause_number=article(manifesto).number)
    (unit,) = desk.compatible
    assert unit.is_duplicate_group and desk.summary.startswith("Article") and "3 agoras veulent supprimer « plutôt que »" in desk.summary
    services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[int(i) for i in unit.ids.split(",")])
    lead, *others = refreshed(*group)
    clause = article(manifesto)
    assert clause.text == deletion
    assert lead.outcome == Outcome.INTEGRATED
    assert all(o.outcome == Outcome.DUPLICATE and o.outcome_related_id == lead.pk for o in others)
    assert all(a.applied_clause_id == clause.pk and a.applied_revision == clause.revision for a in [lead, *others])


def test_integrate_with_modification_credits_every_amendment(manifesto, rooms, propose, editor):
    amendments = [
        propose(rooms["lille"], ARTICLE.replace("partout en France", "dans chaque territoire")),
        propose(rooms["nantes"], ARTICLE.replace("partout en France", "en Europe")),
        propose(rooms["lyon"], ARTICLE.replace("plutôt que", "avant")),
    ]
    clause = article(manifesto)
    wording = "L'ESS place l'humain avant le profit au cœur de l'économie, dans chaque territoire et en Europe."
    services.integrate_modified(
        actor=editor, manifesto=manifesto, amendment_ids=[a.pk for a in amendments], text=wording, expected_revision=clause.revision
    )
    clause.refresh_from_db()
    assert clause.text == wording
    numbers = [a.number for a in amendments]
    assert clause.history.first().history_change_reason.startswith("Rédaction de Rosa Luxe d'après n° %d, %d et %d" % tuple(numbers))
    for amendment in refreshed(*amendments):
        assert amendment.outcome == Outcome.INTEGRATED_MODIFIED and amendment.outcome_clause_id == clause.pk
        assert amendment.applied_clause_id == clause.pk and amendment.applied_revision == clause.revision
        assert "d'après les amendements n° %d, %d et %d" % tuple(numbers) in amendment.history.first().history_change_reason


def test_integrate_with_modification_on_an_article_that_moved_on_is_a_conflict(manifesto, rooms, propose, editor, organiser):
    amendment = propose(rooms["lille"], ARTICLE.replace("plutôt que", "avant"))
    clause = article(manifesto)
    seen = clause.revision
    services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[propose(rooms["lyon"], ARTICLE + " Ensemble.").pk])
    with pytest.raises(ClauseConflict):
        services.integrate_modified(actor=editor, manifesto=manifesto, amendment_ids=[amendment.pk], text="Autre rédaction.", expected_revision=seen)
    assert refreshed(amendment)[0].outcome == Outcome.PENDING


def test_new_articles_are_integrated_where_they_were_proposed(manifesto, rooms, propose, editor):
    section = manifesto.sections.order_by("position").first()
    text = "Les monnaies locales sont un outil de l'ESS."
    group = [propose(rooms["lille"], text, kind="insert", section=section), propose(rooms["lyon"], text.lower(), kind="insert", section=section)]
    before = manifesto.clauses.count()
    result = services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[a.pk for a in group])
    assert manifesto.clauses.count() == before + 1 and result.clause.text == text and result.clause.section_id == section.pk
    lead, other = refreshed(*group)
    assert lead.outcome == Outcome.INTEGRATED and other.outcome == Outcome.DUPLICATE and other.applied_clause_id == result.clause.pk


def test_set_aside_needs_a_public_reason_and_answers_the_whole_group(manifesto, rooms, propose, editor, journal_events):
    group = [propose(rooms["lille"], ARTICLE + " Vite."), propose(rooms["nantes"], ARTICLE + " Vite !")]
    with pytest.raises(InvalidInput):
        services.set_aside(actor=editor, manifesto=manifesto, amendment_ids=[a.pk for a in group], reason="  ")
    services.set_aside(actor=editor, manifesto=manifesto, amendment_ids=[a.pk for a in group], reason="Hors du champ du manifeste.")
    for amendment in refreshed(*group):
        assert amendment.outcome == Outcome.SET_ASIDE and amendment.outcome_reason == "Hors du champ du manifeste."
        assert amendment.outcome_final and amendment.state == AmendmentState.REJECTED
    last = journal_events(manifesto)[-1]
    assert last.type == "amendment.outcome_given" and last.data["amendment"]["outcome"] == "set_aside"
    assert last.data["amendment"]["answer"] == "écarté — Hors du champ du manifeste."
    with pytest.raises(AmendmentClosed):
        services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[group[0].pk])


def test_defer_keeps_the_amendment_on_the_desk_marked_deferred(manifesto, rooms, propose, editor):
    amendment = propose(rooms["lille"], ARTICLE + " Plus tard.")
    services.defer(actor=editor, manifesto=manifesto, amendment_ids=[amendment.pk])
    (amendment,) = refreshed(amendment)
    assert amendment.deferred_at is not None and amendment.outcome == Outcome.PENDING and not amendment.outcome_final
    desk = selectors.desk(manifesto, filters=selectors.Filters(state="deferred"))
    assert [i.amendment.pk for a in desk.articles for u in a.compatible for i in u.items] == [amendment.pk]


@pytest.mark.parametrize("who", ["outsider", "organiser", "facilitator"])
def test_only_collective_members_act_and_a_refusal_changes_nothing(who, request, manifesto, rooms, propose, journal_events):
    person = request.getfixturevalue(who)
    amendment = propose(rooms["lille"], ARTICLE.replace("plutôt que", "avant"))
    clause = article(manifesto)
    seq = len(journal_events(manifesto))
    ids = [amendment.pk]
    for action in (
        lambda: services.integrate(actor=person, manifesto=manifesto, amendment_ids=ids),
        lambda: services.integrate_modified(actor=person, manifesto=manifesto, amendment_ids=ids, text="X.", expected_revision=clause.revision),
        lambda: services.set_aside(actor=person, manifesto=manifesto, amendment_ids=ids, reason="Non."),
        lambda: services.defer(actor=person, manifesto=manifesto, amendment_ids=ids),
    ):
        with pytest.raises(PermissionDenied):
            action()
    assert Clause.objects.get(pk=clause.pk).revision == clause.revision
    (amendment,) = refreshed(amendment)
    assert amendment.outcome == Outcome.PENDING and amendment.deferred_at is None
    assert len(journal_events(manifesto)) == seq


def test_an_amendment_of_another_manifesto_is_refused(manifesto, rooms, propose, editor, organiser):
    from tests.factories import make_manifesto

    other = make_manifesto(organiser=organiser, decision_mode="collective")
    other.collective.add(editor)
    amendment = propose(rooms["lille"], ARTICLE + " Ailleurs.")
    with pytest.raises(InvalidInput):
        services.integrate(actor=editor, manifesto=other, amendment_ids=[amendment.pk])


def test_what_a_room_merged_or_marked_duplicate_follows_the_amendment_it_lives_on_in(manifesto, rooms, propose, editor, facilitator):
    from deliberation import services as room_services
    from deliberation.permissions import Actor

    room = Actor(user=facilitator)
    originals = [propose(rooms["lille"], ARTICLE.replace("plutôt que", "avant")), propose(rooms["lille"], ARTICLE.replace("plutôt que", "bien avant"))]
    compromise = room_services.merge_amendments(actor=room, amendments=originals, text=ARTICLE.replace("plutôt que", "avant"))
    twin = propose(rooms["lyon"], ARTICLE + " Ensemble.")
    copy = propose(rooms["lyon"], ARTICLE + " Ensemble !")
    room_services.mark_duplicate(actor=room, amendment=copy, duplicate_of=twin)

    desk = selectors.article_desk(manifesto, clause_number=article(manifesto).number)
    shown = sorted(i.amendment.pk for u in desk.compatible + [u for s in desk.conflict_sets for u in s] for i in u.items)
    assert shown == sorted([compromise.pk, twin.pk])
    followers = {i.amendment.pk: [f.pk for f in i.followers] for u in desk.compatible + [u for s in desk.conflict_sets for u in s] for i in u.items}
    assert followers[compromise.pk] == [o.pk for o in originals] and followers[twin.pk] == [copy.pk]

    services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[compromise.pk])
    services.set_aside(actor=editor, manifesto=manifesto, amendment_ids=[twin.pk], reason="Déjà dit ailleurs.")
    clause = article(manifesto)
    for original in refreshed(*originals):
        assert original.outcome == Outcome.MERGED and original.outcome_related_id == compromise.pk and original.outcome_final
        assert original.applied_clause_id == clause.pk and original.applied_revision == clause.revision
    (copy,) = refreshed(copy)
    assert copy.outcome == Outcome.SET_ASIDE and copy.outcome_reason == "Déjà dit ailleurs."
