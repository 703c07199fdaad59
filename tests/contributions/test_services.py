"""Open contributions: posting under the stage rule, double opt-in, one voice each, moderation, answers."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from deliberation.contributions import selectors, services
from deliberation.contributions.models import (
    Contribution,
    ContributionLink,
    ContributionState,
    ContributionSupport,
    Contributor,
)
from deliberation.contributions.permissions import ContributionActor
from manifesto import stage_services
from manifesto.errors import InvalidInput, InvalidToken, PermissionDenied, WrongStage
from manifesto.models import Clause
from tests.contributions.conftest import as_participant, confirmed_contributor, join, last_link, post
from tests.factories import make_user

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ posting and the stage rule


def test_a_participant_posts_a_contribution_that_everyone_sees(in_contributions, participant, live_session, journal_events):
    contribution = post(as_participant(participant), in_contributions, title="  Coopérer   davantage ")
    assert contribution.number == 1 and contribution.title == "Coopérer davantage"
    assert contribution.state == ContributionState.PUBLISHED
    assert contribution.agora == live_session.agora and contribution.session == live_session
    assert contribution.ess_family == "cooperative" and contribution.territory == live_session.agora.departement
    event = journal_events(in_contributions)[-1]
    assert event.type == "contribution.posted"
    assert event.data["contribution"]["title"] == "Coopérer davantage"
    assert event.data["session_id"] == live_session.pk


def test_a_contribution_outside_the_contributions_stage_is_refused_and_nothing_changes(in_contributions, participant, organiser):
    stage_services.open_stage(actor=organiser, manifesto=in_contributions, kind="agoras")
    with pytest.raises(WrongStage) as refused:
        post(as_participant(participant), in_contributions)
    assert refused.value.code == "wrong_stage"
    assert "Proposer une contribution n'est pas possible à l'étape « Agoras »" in refused.value.message
    assert "« Contributions » (du " in refused.value.message
    assert not Contribution.objects.exists()


def test_without_stages_contributions_are_always_open(manifesto, participant):
    assert post(as_participant(participant), manifesto).state == ContributionState.PUBLISHED


def test_a_theme_is_required_and_must_belong_to_the_manifesto(in_contributions, participant, organiser):
    actor = as_participant(participant)
    with pytest.raises(InvalidInput):
        services.post_contribution(actor=actor, manifesto=in_contributions, title="T", text="X", section=None, new_theme="")
    new = services.post_contribution(actor=actor, manifesto=in_contributions, title="T", text="X", new_theme="Finance solidaire")
    assert new.section is None and new.new_theme == "Finance solidaire"
    clause = in_contributions.clauses.order_by("number").last()
    about = services.post_contribution(actor=actor, manifesto=in_contributions, title="T", text="X", clause=clause)
    assert about.section == clause.section and about.clause_number == clause.number
    with pytest.raises(InvalidInput):
        post(actor, in_contributions, title="", text="X")


def test_a_stranger_without_identity_cannot_post(in_contributions):
    with pytest.raises(PermissionDenied):
        post(ContributionActor(), in_contributions)


# ------------------------------------------------------------------ online: double opt-in


def test_online_contribution_waits_for_the_address_then_publishes(in_contributions, journal_events, django_capture_on_commit_callbacks):
    section = in_contributions.sections.first()
    before = len(journal_events(in_contributions))
    with django_capture_on_commit_callbacks(execute=True):
        pending = services.request_link(
            manifesto=in_contributions, email=" Claire@Example.org ", display_name="Claire", ess_family="mutuelle", territory="59",
            ip="192.0.2.1", contribution={"title": "Mutualiser", "text": "Le risque.", "section": section, "new_theme": "", "clause": None},
        )
    assert pending.state == ContributionState.PENDING
    assert selectors.browse(in_contributions, selectors.Filters()) == []
    assert len(journal_events(in_contributions)) == before  # nothing public yet
    assert mail.outbox[-1].to == ["claire@example.org"] and "Mutualiser" in mail.outbox[-1].body
    token = last_link()
    contributor = Contributor.objects.get()
    assert contributor.token_hash != token and len(token) >= 43  # 256 bits, stored hashed
    services.confirm(token=token)
    published = Contribution.objects.get(pk=pending.pk)
    assert published.state == ContributionState.PUBLISHED and published.territory == "Nord"
    assert journal_events(in_contributions)[-1].type == "contribution.posted"
    with pytest.raises(InvalidToken):
        services.confirm(token=token)  # single use


def test_an_expired_or_unknown_link_is_refused(in_contributions, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.request_link(manifesto=in_contributions, email="a@example.org", display_name="A", ip=None)
    Contributor.objects.update(token_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(InvalidToken):
        services.confirm(token=last_link())
    with pytest.raises(InvalidToken):
        services.confirm(token="inconnu")
    assert not Contributor.objects.filter(confirmed_at__isnull=False).exists()


def test_a_bad_address_is_refused_and_nothing_is_stored(in_contributions):
    with pytest.raises(InvalidInput):
        services.request_link(manifesto=in_contributions, email="pas-une-adresse", display_name="A", ip=None)
    assert not Contributor.objects.exists() and not mail.outbox


# ------------------------------------------------------------------ supports


@pytest.mark.usefixtures("every_group_published")  # totals by family of two voices
def test_one_voice_each_changed_not_doubled(in_contributions, participant, live_session, journal_events):
    contribution = post(as_participant(participant), in_contributions)
    other = join(live_session, "Dominique", "association")
    claire = confirmed_contributor(in_contributions)
    services.set_support(actor=as_participant(other), contribution=contribution, value="pour")
    services.set_support(actor=as_participant(other), contribution=contribution, value="contre")
    services.set_support(actor=ContributionActor(contributor=claire), contribution=contribution, value="pour")
    assert ContributionSupport.objects.count() == 2
    totals, by_family = selectors.support_totals(contribution)
    assert totals == {"pour": 1, "contre": 1, "abstention": 0}
    assert by_family == {"association": {"pour": 0, "contre": 1, "abstention": 0}, "mutuelle": {"pour": 1, "contre": 0, "abstention": 0}}
    event = journal_events(in_contributions)[-1]
    assert event.type == "contribution.support_changed" and event.data["totals"] == totals


def test_the_same_browser_in_two_sessions_has_one_voice(in_contributions, participant, live_session, agora, facilitator):
    from agora import services as agora_services

    from tests.factories import make_agora

    contribution = post(as_participant(participant), in_contributions)
    other_agora = make_agora(manifesto=agora.manifesto, facilitators=[facilitator], title="Agora de Rennes")
    second_session = agora_services.open_session(actor=facilitator, agora=other_agora)  # one open session per agora
    same_person = agora_services.join(session=second_session, display_name="Amina bis")
    same_person.browser_key = participant.browser_key
    same_person.save()
    services.set_support(actor=as_participant(participant), contribution=contribution, value="pour")
    services.set_support(actor=as_participant(same_person), contribution=contribution, value="abstention")
    assert list(ContributionSupport.objects.values_list("value", flat=True)) == ["abstention"]


def test_supports_follow_the_stage_and_refuse_unknown_values(in_contributions, participant, organiser):
    contribution = post(as_participant(participant), in_contributions)
    with pytest.raises(InvalidInput):
        services.set_support(actor=as_participant(participant), contribution=contribution, value="peut-être")
    stage_services.open_stage(actor=organiser, manifesto=in_contributions, kind="redaction")
    with pytest.raises(WrongStage) as refused:
        services.set_support(actor=as_participant(participant), contribution=contribution, value="pour")
    assert "« Rédaction »" in refused.value.message
    assert not ContributionSupport.objects.exists()


def test_an_unconfirmed_contributor_cannot_support(in_contributions, participant):
    contribution = post(as_participant(participant), in_contributions)
    pending = Contributor.objects.create(manifesto=in_contributions, email="x@example.org", display_name="X")
    with pytest.raises(PermissionDenied):
        services.set_support(actor=ContributionActor(contributor=pending), contribution=contribution, value="pour")


def test_comments(in_contributions, participant, journal_events):
    contribution = post(as_participant(participant), in_contributions)
    comment = services.add_comment(actor=as_participant(participant), contribution=contribution, text="Je précise : <b>oui</b>.")
    assert comment.author_name == "Amina"
    assert journal_events(in_contributions)[-1].data["comment"]["text"] == "Je précise : <b>oui</b>."
    with pytest.raises(InvalidInput):
        services.add_comment(actor=as_participant(participant), contribution=contribution, text="   ")


# ------------------------------------------------------------------ moderation


@pytest.fixture
def online_contribution(in_contributions):
    return post(ContributionActor(contributor=confirmed_contributor(in_contributions)), in_contributions, title="En ligne")


def test_moderation_permissions(in_contributions, participant, online_contribution, facilitator, outsider, organiser):
    from_the_room = post(as_participant(participant), in_contributions, title="En salle")
    collective_member = make_user("collectif")
    in_contributions.collective.add(collective_member)
    # The agora's facilitator moderates what was posted in their agora, not what came online.
    with pytest.raises(PermissionDenied):
        services.hide_contribution(actor=facilitator, contribution=online_contribution, reason="Hors sujet")
    with pytest.raises(PermissionDenied):
        services.hide_contribution(actor=outsider, contribution=from_the_room, reason="Hors sujet")
    assert Contribution.objects.filter(state=ContributionState.HIDDEN).count() == 0
    services.hide_contribution(actor=facilitator, contribution=from_the_room, reason="Propos injurieux")
    services.mark_duplicate(actor=collective_member, contribution=online_contribution, duplicate_of=from_the_room)
    assert Contribution.objects.get(pk=online_contribution.pk).state == ContributionState.DUPLICATE
    with pytest.raises(InvalidInput):
        services.hide_contribution(actor=organiser, contribution=from_the_room, reason="")


def test_a_hidden_contribution_leaves_public_lists_but_not_the_moderators(in_contributions, participant, facilitator, journal_events):
    contribution = post(as_participant(participant), in_contributions, title="À masquer")
    services.hide_contribution(actor=facilitator, contribution=contribution, reason="Propos injurieux")
    assert selectors.browse(in_contributions, selectors.Filters()) == []
    assert [r.contribution.pk for r in selectors.browse(in_contributions, selectors.Filters(include_hidden=True))] == [contribution.pk]
    data = journal_events(in_contributions)[-1].data["contribution"]
    assert data["hidden"] and data["title"] == "" and data["text"] == "" and data["author"] == ""
    services.restore_contribution(actor=facilitator, contribution=contribution)
    assert len(selectors.browse(in_contributions, selectors.Filters())) == 1


# ------------------------------------------------------------------ the collective's answers and drafting


@pytest.fixture
def collective_member(in_contributions):
    user = make_user("redactrice", first_name="Rose")
    in_contributions.collective.add(user)
    return user


def test_only_the_collective_answers_and_only_in_a_stage_that_allows_it(in_contributions, online_contribution, facilitator, collective_member, organiser):
    with pytest.raises(WrongStage):
        services.set_aside(actor=collective_member, contribution=online_contribution, reason="Hors du champ")
    stage_services.open_stage(actor=organiser, manifesto=in_contributions, kind="redaction")
    with pytest.raises(PermissionDenied):
        services.set_aside(actor=facilitator, contribution=online_contribution, reason="Hors du champ")
    services.set_aside(actor=collective_member, contribution=online_contribution, reason="Hors du champ du manifeste")
    assert selectors.answer(Contribution.objects.get(pk=online_contribution.pk)) == "Écartée — motif : Hors du champ du manifeste"


def test_the_collective_rewrites_an_article_from_contributions(in_contributions, participant, online_contribution, collective_member, organiser, journal_events):
    from_the_room = post(as_participant(participant), in_contributions, title="En salle")
    stage_services.open_stage(actor=organiser, manifesto=in_contributions, kind="redaction")
    clause = in_contributions.clauses.order_by("number").first()
    written = services.draft_article(
        actor=collective_member, manifesto=in_contributions, contributions=[online_contribution, from_the_room],
        clause=clause, text="Nous coopérons et mutualisons.", expected_revision=clause.revision,
    )
    assert written.text == "Nous coopérons et mutualisons." and written.revision == clause.revision + 1
    reason = Clause.history.filter(id=clause.pk).latest("history_date").history_change_reason
    assert reason == f"Réécrit par Rose d'après les contributions n° {online_contribution.number}, n° {from_the_room.number}"
    for c in (online_contribution, from_the_room):
        c.refresh_from_db()
        assert c.outcome == "taken_up" and selectors.answer(c) == f"Reprise dans l'article {clause.number}"
    assert set(ContributionLink.objects.values_list("revision", flat=True)) == {written.revision}
    assert [c.pk for c in selectors.for_clause(clause)] == sorted([online_contribution.pk, from_the_room.pk])
    assert journal_events(in_contributions)[-1].type == "contribution.answered"


def test_a_stale_rewrite_is_a_conflict_and_nothing_is_written(in_contributions, online_contribution, collective_member, organiser):
    from manifesto.errors import ClauseConflict

    stage_services.open_stage(actor=organiser, manifesto=in_contributions, kind="redaction")
    clause = in_contributions.clauses.order_by("number").first()
    with pytest.raises(ClauseConflict):
        services.draft_article(
            actor=collective_member, manifesto=in_contributions, contributions=[online_contribution],
            clause=clause, text="Autre.", expected_revision=clause.revision - 1 if clause.revision > 1 else 99,
        )
    assert Clause.objects.get(pk=clause.pk).text == clause.text
    assert not ContributionLink.objects.exists()
    assert Contribution.objects.get(pk=online_contribution.pk).outcome == "waiting"


def test_the_collective_writes_a_new_article_and_drafting_is_refused_in_the_vote(in_contributions, online_contribution, collective_member, organiser, outsider):
    stage_services.open_stage(actor=organiser, manifesto=in_contributions, kind="redaction")
    section = in_contributions.sections.order_by("position").last()
    with pytest.raises(PermissionDenied):
        services.draft_article(actor=outsider, manifesto=in_contributions, contributions=[online_contribution], section=section, text="Nouveau.")
    written = services.draft_article(actor=collective_member, manifesto=in_contributions, contributions=[online_contribution], section=section, text="Un article neuf.")
    assert written.section == section
    stage_services.open_stage(actor=organiser, manifesto=in_contributions, kind="adoption")
    with pytest.raises(WrongStage):
        services.draft_article(actor=collective_member, manifesto=in_contributions, contributions=[online_contribution], section=section, text="Trop tard.")
    assert not Clause.objects.filter(text="Trop tard.").exists()


# ------------------------------------------------------------------ browsing, sorting, searching


@pytest.mark.usefixtures("every_group_published")  # sorted by supports of one voice
def test_browse_filters_sorts_and_searches(in_contributions, participant, live_session, organiser):
    lille = post(as_participant(participant), in_contributions, title="Les coopératives d'habitants", text="Logement partagé.")
    claire = confirmed_contributor(in_contributions)
    online = post(ContributionActor(contributor=claire), in_contributions, title="Finance", text="Épargne solidaire et banques coopératives.",
                  section=None, new_theme="Finance solidaire")
    voters = [join(live_session, f"V{i}", family) for i, family in enumerate(["association"] * 3 + ["cooperative"] * 3)]
    for v in voters:
        services.set_support(actor=as_participant(v), contribution=lille, value="pour")
    # online: many voices from one family only — more support, but no cross-family agreement
    for i in range(8):
        services.set_support(actor=as_participant(join(live_session, f"M{i}", "mutuelle")), contribution=online, value="pour")

    def numbers(**kwargs):
        return [r.contribution.number for r in selectors.browse(in_contributions, selectors.Filters(**kwargs))]

    assert numbers(sort="support") == [online.number, lille.number]
    assert numbers(sort="agreement") == [lille.number, online.number]
    assert numbers(sort="recent") == [online.number, lille.number]
    assert numbers(theme="new") == [online.number]
    assert numbers(theme=str(lille.section_id)) == [lille.number]
    assert numbers(agora=live_session.agora.slug) == [lille.number]
    assert numbers(agora="online") == [online.number]
    assert numbers(family="mutuelle") == [online.number]
    assert numbers(territory="Ille-et-Vilaine") == [online.number]
    assert set(numbers(query="coopératives")) == {online.number, lille.number}
    assert numbers(query="épargne") == [online.number]
    assert numbers(query="ÉPARGNE solidaire") == [online.number]
    assert numbers(query="logement partagé") == [lille.number]
    assert numbers(query="introuvable") == []
    row = selectors.browse(in_contributions, selectors.Filters(sort="agreement"))[0]
    assert row.agreement.percent == 100 and row.agreement.families == 2 and row.agreement.voices == 6


def test_cross_family_agreement_needs_enough_voices_in_two_families():
    a = selectors.cross_family_agreement
    assert a({"association": {"pour": 3, "contre": 0, "abstention": 0}}).score is None
    assert a({"association": {"pour": 2, "contre": 0, "abstention": 0}, "cooperative": {"pour": 2, "contre": 0, "abstention": 0}}).score is None
    mixed = a({"association": {"pour": 3, "contre": 1, "abstention": 0}, "cooperative": {"pour": 1, "contre": 2, "abstention": 0}, "": {"pour": 9, "contre": 0, "abstention": 0}})
    assert mixed.percent == 33 and mixed.families == 2 and mixed.voices == 7


def test_timeline_counts_what_the_stages_produced(in_contributions, participant, organiser, collective_member):
    from manifesto import stages

    c = post(as_participant(participant), in_contributions)
    services.set_support(actor=as_participant(participant), contribution=c, value="pour")
    stage_services.open_stage(actor=organiser, manifesto=in_contributions, kind="redaction")
    services.link_to_article(actor=collective_member, manifesto=in_contributions, clause=in_contributions.clauses.first(), contributions=[c])
    entries = {e.stage.kind: e for e in stages.timeline(in_contributions)}
    assert entries["contributions"].outputs == ["1 contribution", "1 soutien"]
    assert entries["redaction"].outputs[:2] == ["1 article reprend des contributions", "1 contribution reprise"]
    assert entries["agoras"].outputs == []


def test_postgresql_search_uses_the_french_gin_index(in_contributions, participant):
    from django.db import connection

    from tests.services import require_postgresql

    require_postgresql("the full-text index exists on PostgreSQL only")
    post(as_participant(participant), in_contributions, title="Coopératives", text="Épargne solidaire.")
    queryset = selectors.search(Contribution.objects.all(), "coopérative")
    assert queryset.count() == 1  # stemmed: the singular finds the plural
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "contribution_search_fr_unaccent" in plan


@pytest.mark.parametrize("query", ["epargne", "ÉPARGNE", "épargne solidaire", "cooperatives epargne"])
def test_search_ignores_accents_and_case_on_every_database(in_contributions, participant, query):
    """Phones type without accents: the same queries find the same contribution on PostgreSQL
    (french_unaccent) and on SQLite (the folded fallback)."""
    post(as_participant(participant), in_contributions, title="Coopératives", text="Épargne solidaire.")
    post(as_participant(participant), in_contributions, title="Logement", text="Habitat participatif.")
    found = selectors.search(Contribution.objects.all(), query)
    assert list(found.values_list("title", flat=True)) == ["Coopératives"]


def test_an_article_drafted_from_contributions_credits_them_in_its_provenance(in_contributions, online_contribution, collective_member, organiser):
    from manifesto import provenance

    stage_services.open_stage(actor=organiser, manifesto=in_contributions, kind="redaction")
    clause = in_contributions.clauses.order_by("number").first()
    written = services.draft_article(
        actor=collective_member, manifesto=in_contributions, contributions=[online_contribution],
        clause=clause, text=clause.text + " Et mutualisons.", expected_revision=clause.revision,
    )
    sources = provenance.resolve_sources([(clause.pk, written.revision)])[(clause.pk, written.revision)]
    assert [s.label for s in sources] == [f"Contribution n° {online_contribution.number} — En ligne"]
    assert sources[0].url == online_contribution.get_absolute_url() and sources[0].origin == "en ligne"
    assert sources[0].decided_by == "Rose"


def test_erasing_a_participant_erases_their_name_from_contributions_and_their_events(in_contributions, participant, organiser, journal_events):
    from deliberation.erasure import ERASED_NAME, erase_participant

    contribution = post(as_participant(participant), in_contributions, title="Une idée d'Amina")
    comment = services.add_comment(actor=as_participant(participant), contribution=contribution, text="Précision.")
    erase_participant(actor=organiser, participant=participant)
    contribution.refresh_from_db()
    comment.refresh_from_db()
    assert contribution.author_name == ERASED_NAME and comment.author_name == ERASED_NAME
    assert contribution.text == "Développons les coopératives."  # the opinion stays, without its author
    payloads = [e.data for e in journal_events(in_contributions) if e.type.startswith("contribution.")]
    assert "Amina" not in str(payloads)


def test_small_family_groups_are_not_published(in_contributions, participant, live_session, settings, journal_events):
    settings.MIN_PUBLISHED_GROUP = 3
    contribution = post(as_participant(participant), in_contributions)
    for i in range(3):
        services.set_support(actor=as_participant(join(live_session, f"A{i}", "association")), contribution=contribution, value="pour")
    for i in range(3):
        services.set_support(actor=as_participant(join(live_session, f"C{i}", "cooperative")), contribution=contribution, value="contre")
    services.set_support(actor=as_participant(join(live_session, "Seule", "fondation")), contribution=contribution, value="pour")
    totals, by_family = selectors.support_totals(contribution)
    assert totals == {"pour": 4, "contre": 3, "abstention": 0}
    # The lone fondation voice is left out, and so is the smallest group that would give it back.
    assert "fondation" not in by_family and len(by_family) == 1
    assert "fondation" not in journal_events(in_contributions)[-1].data["by_family"]
