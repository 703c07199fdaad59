"""Stages of the whole process: data, transitions, and the rule checked on every path."""

import datetime

import pytest
from django.urls import reverse

from agora import services as agora_services
from agora.models import LiveSession, Phase
from deliberation import services as deliberation_services
from deliberation.models import Amendment, Support
from deliberation.permissions import Actor
from manifesto import services as text_services
from manifesto import stage_services, stages
from manifesto.errors import InvalidInput, PermissionDenied, WrongStage
from manifesto.models import Clause, Stage

pytestmark = pytest.mark.django_db

PLAN = {
    "contributions": (datetime.date(2027, 1, 10), datetime.date(2027, 2, 28)),
    "agoras": (datetime.date(2027, 4, 1), datetime.date(2027, 6, 30)),
    "adoption": (datetime.date(2027, 9, 1), datetime.date(2027, 9, 15)),
}


@pytest.fixture
def staged(manifesto, organiser):
    stage_services.configure_stages(actor=organiser, manifesto=manifesto, plan=PLAN)
    return manifesto


def in_proposals(session):
    LiveSession.objects.filter(pk=session.pk).update(phase=Phase.PROPOSALS)
    session.phase = Phase.PROPOSALS
    return session


def test_a_manifesto_without_stages_allows_every_action(manifesto):
    assert stages.stages_of(manifesto) == []
    for action in stages.ACTIONS:
        stages.require_allowed(manifesto, action)  # no error
    assert stages.timeline(manifesto) == []


def test_every_stage_names_only_known_actions_and_the_required_ones_exist():
    required = {
        "contribution.post", "contribution.support", "amendment.propose", "amendment.support",
        "editorial.integrate", "vote.open", "vote.cast", "proclaim", "signature.sign",
    }
    assert required <= set(stages.ACTIONS)
    assert stages.ORDER == ["contributions", "redaction", "agoras", "synthese", "adoption", "proclamee", "close"]
    assert stages.stages_allowing("amendment.propose") == ["agoras"]
    assert stages.stages_allowing("signature.sign") == ["proclamee"]


def test_configuring_creates_the_seven_stages_once_with_their_plan(staged, organiser, journal_events):
    stage_services.configure_stages(actor=organiser, manifesto=staged)
    rows = list(Stage.objects.filter(manifesto=staged).order_by("position"))
    assert [s.kind for s in rows] == stages.ORDER
    assert rows[0].planned_opens_on == datetime.date(2027, 1, 10)
    assert all(s.state == "pending" for s in rows)
    assert [e.type for e in journal_events(staged)].count("stage.configured") == 2


def test_before_the_first_stage_opens_nothing_staged_is_allowed(staged):
    with pytest.raises(WrongStage) as refused:
        stages.require_allowed(staged, "contribution.post")
    assert refused.value.code == "wrong_stage"
    assert "le processus n'a pas commencé" in refused.value.message
    assert "« Contributions » (prévue du 10 janvier 2027 au 28 février 2027)" in refused.value.message


def test_opening_a_later_stage_closes_the_current_and_skips_those_between(staged, organiser, journal_events):
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="contributions")
    move = stage_services.open_stage(actor=organiser, manifesto=staged, kind="agoras")
    by_kind = {s.kind: s for s in Stage.objects.filter(manifesto=staged)}
    assert by_kind["contributions"].state == "closed"
    assert by_kind["redaction"].state == "skipped"
    assert by_kind["agoras"].state == "open"
    assert [s.kind for s in move.skips] == ["redaction"]
    types = [e.type for e in journal_events(staged)]
    assert types[-4:] == ["stage.opened", "stage.closed", "stage.skipped", "stage.opened"]


def test_only_one_stage_is_open_at_a_time_even_written_by_hand(staged, organiser):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    stage_services.open_stage(actor=organiser, manifesto=staged, kind="contributions")
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.filter(manifesto=staged, kind="agoras").update(opened_at=timezone.now())


def test_going_back_where_nothing_is_lost_is_allowed_and_says_so(staged, organiser):
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="contributions")
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="redaction")
    first_opened = Stage.objects.get(manifesto=staged, kind="contributions").opened_at
    preview = stage_services.preview_open(manifesto=staged, kind="contributions")
    assert preview.backwards and preview.allowed
    assert any("rien n'est perdu" in sentence for sentence in preview.sentences())
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="contributions")
    by_kind = {s.kind: s for s in Stage.objects.filter(manifesto=staged)}
    assert by_kind["contributions"].state == "open"
    assert by_kind["contributions"].opened_at == first_opened  # the stage keeps its first opening
    assert by_kind["redaction"].state == "pending"


def test_going_back_is_refused_when_a_guard_says_something_would_be_lost(staged, organiser):
    def ballots_cast(manifesto, kind):
        return "12 bulletins ont été déposés." if stages.ORDER.index(kind) < stages.ORDER.index("adoption") else None

    stages.register_leave_guard(ballots_cast)
    try:
        stage_services.open_stage(actor=organiser, manifesto=staged, kind="adoption")
        preview = stage_services.preview_open(manifesto=staged, kind="agoras")
        assert not preview.allowed and "12 bulletins" in " ".join(preview.sentences())
        with pytest.raises(WrongStage) as refused:
            stage_services.open_stage(actor=organiser, manifesto=staged, kind="agoras")
        assert "Retour à l'étape « Agoras » impossible" in refused.value.message
        assert Stage.objects.get(manifesto=staged, kind="adoption").state == "open"  # nothing changed
    finally:
        stages._leave_guards.remove(ballots_cast)


def test_going_back_after_signatures_were_collected_is_refused(staged, organiser):
    from manifesto.models import Signature
    from manifesto.signatures import services as signature_services

    version = text_services.freeze_version(actor=organiser, manifesto=staged, label="Adoptée")
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="proclamee")
    signature_services.open_campaign(actor=organiser, manifesto=staged, version=version, goal=None)
    Signature.objects.create(manifesto=staged, version=version, kind="person", email="a@example.org", first_name="A", last_name="B")
    with pytest.raises(WrongStage) as refused:
        stage_services.open_stage(actor=organiser, manifesto=staged, kind="adoption")
    assert "signature" in refused.value.message


def test_skip_and_close(staged, organiser):
    stage_services.skip_stage(actor=organiser, manifesto=staged, kind="redaction")
    with pytest.raises(InvalidInput):
        stage_services.skip_stage(actor=organiser, manifesto=staged, kind="redaction")
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="contributions")
    stage_services.close_stage(actor=organiser, manifesto=staged)
    with pytest.raises(WrongStage) as refused:
        stages.require_allowed(staged, "contribution.post")
    assert "aucune étape n'est ouverte" in refused.value.message
    with pytest.raises(InvalidInput):
        stage_services.close_stage(actor=organiser, manifesto=staged)


def test_only_organisers_conduct_stages(staged, outsider, facilitator):
    for person in (outsider, facilitator, None):
        with pytest.raises(PermissionDenied):
            stage_services.open_stage(actor=person, manifesto=staged, kind="contributions")
        with pytest.raises(PermissionDenied):
            stage_services.plan_stage(actor=person, manifesto=staged, kind="agoras", opens_on=None, closes_on=None)
    assert not Stage.objects.filter(manifesto=staged, opened_at__isnull=False).exists()


# ------------------------------------------------------------------ the rule on every path


def test_an_amendment_outside_the_agoras_stage_is_refused_and_nothing_changes(
    live_session, participant, staged, organiser, clause
):
    in_proposals(live_session)
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="adoption")
    with pytest.raises(WrongStage) as refused:
        deliberation_services.propose_amendment(
            actor=Actor(participant=participant), session=live_session, kind="modify", clause=clause, text="Autre texte."
        )
    message = refused.value.message
    assert "Proposer un amendement n'est pas possible à l'étape « Adoption »" in message
    assert "clôture prévue le 15 septembre 2027" in message
    assert "« Agoras » (étape passée le" in message
    assert Amendment.objects.count() == 0


def test_supports_and_moderation_follow_the_stage_but_hiding_abuse_always_works(
    live_session, participant, staged, organiser, facilitator, clause
):
    in_proposals(live_session)
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="agoras")
    amendment = deliberation_services.propose_amendment(
        actor=Actor(participant=participant), session=live_session, kind="modify", clause=clause, text="Autre texte."
    )
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="adoption")
    LiveSession.objects.filter(pk=live_session.pk).update(phase=Phase.SUPPORTS)
    with pytest.raises(WrongStage):
        deliberation_services.set_support(actor=Actor(participant=participant), amendment=amendment, value="pour")
    with pytest.raises(WrongStage):
        deliberation_services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    assert Support.objects.count() == 0
    assert Clause.objects.get(pk=clause.pk).revision == 1
    deliberation_services.hide_amendment(actor=Actor(user=facilitator), amendment=amendment, reason="Propos injurieux")


def test_opening_a_live_session_follows_the_stage(staged, organiser, agora, facilitator):
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="synthese")
    with pytest.raises(WrongStage):
        agora_services.open_session(actor=facilitator, agora=agora)
    assert not LiveSession.objects.filter(agora=agora).exists()
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="adoption")
    with pytest.raises(WrongStage):
        agora_services.open_session(actor=facilitator, agora=agora)


def test_the_organiser_edits_the_text_only_in_a_stage_that_allows_it(staged, organiser, clause):
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="agoras")
    with pytest.raises(WrongStage):
        text_services.edit_clause(actor=organiser, clause=clause, text="Réécrit.", expected_revision=1)
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="synthese")
    text_services.edit_clause(actor=organiser, clause=clause, text="Réécrit.", expected_revision=1)
    assert Clause.objects.get(pk=clause.pk).text == "Réécrit."


def test_signing_outside_the_proclaimed_stage_is_refused(staged, organiser, settings):
    from manifesto.models import Signature, SignatureKind
    from manifesto.signatures import selectors, services as signature_services
    from manifesto.signatures.services import SignatureInput

    settings.SIGNATURE_RATE_LIMIT = 1000
    version = text_services.freeze_version(actor=organiser, manifesto=staged, label="Texte adopté")
    signature_services.open_campaign(actor=organiser, manifesto=staged, version=version, goal=None)
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="adoption")
    data = SignatureInput(kind=SignatureKind.PERSON, email="c@example.org", territory="35", first_name="C", last_name="M")
    with pytest.raises(WrongStage) as refused:
        signature_services.sign(campaign=selectors.campaign_state(slug=staged.slug), data=data, ip="127.0.0.1")
    assert "Signer le manifeste n'est pas possible à l'étape « Adoption »" in refused.value.message
    assert Signature.objects.count() == 0
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="proclamee")
    signature_services.sign(campaign=selectors.campaign_state(slug=staged.slug), data=data, ip="127.0.0.1")
    assert Signature.objects.count() == 1


# ------------------------------------------------------------------ pages


def test_organiser_page_opens_a_stage_after_saying_what_it_does(client, staged, organiser):
    client.force_login(organiser)
    page = client.get(reverse("manifesto:stages", kwargs={"slug": staged.slug}))
    assert page.status_code == 200 and "Ouvrir l'étape « Agoras »" in page.content.decode()
    url = reverse("manifesto:stage_open", kwargs={"slug": staged.slug, "kind": "agoras"})
    preview = client.get(url).content.decode()
    assert "Étapes passées : « Contributions », « Rédaction »." in preview
    response = client.post(url, follow=True)
    assert "L&#x27;étape « Agoras » est ouverte." in response.content.decode()
    assert Stage.objects.get(manifesto=staged, kind="agoras").state == "open"


def test_organiser_page_plans_dates_and_reports_bad_ones(client, staged, organiser):
    client.force_login(organiser)
    url = reverse("manifesto:stage_plan", kwargs={"slug": staged.slug, "kind": "synthese"})
    bad = client.post(url, {"synthese-opens_on": "2027-07-10", "synthese-closes_on": "2027-07-01"})
    assert bad.status_code == 400 and "après l&#x27;ouverture" in bad.content.decode()
    client.post(url, {"synthese-opens_on": "2027-07-01", "synthese-closes_on": "2027-07-31"})
    assert Stage.objects.get(manifesto=staged, kind="synthese").planned_closes_on == datetime.date(2027, 7, 31)


def test_outsiders_cannot_reach_the_stage_pages(client, staged, outsider):
    client.force_login(outsider)
    assert client.get(reverse("manifesto:stages", kwargs={"slug": staged.slug})).status_code == 403
    response = client.post(reverse("manifesto:stage_open", kwargs={"slug": staged.slug, "kind": "agoras"}))
    assert response.status_code == 403
    assert not Stage.objects.filter(manifesto=staged, opened_at__isnull=False).exists()


def test_public_timeline_on_the_reading_page(client, staged, organiser):
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="contributions")
    html = client.get(staged.get_absolute_url()).content.decode()
    assert "Les étapes" in html and 'aria-current="step"' in html
    assert "clôture prévue le 28 février 2027" in html
    assert "prévue du 1 avril 2027 au 30 juin 2027" in html or "prévue du 1er avril 2027 au 30 juin 2027" in html


def test_reading_page_without_stages_has_no_timeline(client, manifesto):
    assert "Les étapes" not in client.get(manifesto.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("live_hub")
async def test_a_websocket_amendment_during_the_vote_is_refused_with_the_stage_sentence(
    live_session, participant, staged, organiser, clause
):
    from channels.db import database_sync_to_async as sync_to_async

    from tests.live import command, room

    await sync_to_async(in_proposals)(live_session)
    await sync_to_async(stage_services.open_stage)(actor=organiser, manifesto=staged, kind="adoption")
    async with room(live_session, participant=participant) as ws:
        reply = await command(
            ws,
            "amendment.propose",
            {"kind": "modify", "clause_id": clause.pk, "section_id": None, "text": "Autre.", "justification": ""},
        )
    assert reply["type"] == "error" and reply["code"] == "wrong_stage", reply
    assert "« Adoption »" in reply["message"]
    assert await sync_to_async(Amendment.objects.count)() == 0


def test_the_desk_integrates_only_in_a_stage_that_allows_it(organiser, facilitator):
    """The editorial desk's actions (deliberation/editorial) ask the stage too: not during the agoras."""
    from deliberation import services as deliberation_services
    from deliberation.editorial import services as desk
    from deliberation.models import Amendment, Outcome
    from tests.factories import make_agora, make_manifesto, make_user

    manifesto = make_manifesto(organiser=organiser, decision_mode="collective")
    editor = make_user("redactrice")
    manifesto.collective.add(editor)
    stage_services.configure_stages(actor=organiser, manifesto=manifesto)
    stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="agoras")
    session = in_proposals(agora_services.open_session(actor=facilitator, agora=make_agora(manifesto=manifesto, facilitators=[facilitator])))
    clause = manifesto.clauses.order_by("number").first()
    amendment = deliberation_services.propose_amendment(
        actor=Actor(participant=agora_services.join(session=session, display_name="Amina")),
        session=session, kind="modify", clause=clause, text="Un texte nouveau.",
    )
    with pytest.raises(WrongStage) as refused:
        desk.integrate(actor=editor, manifesto=manifesto, amendment_ids=[amendment.pk])
    assert "Intégrer des amendements au texte n'est pas possible à l'étape « Agoras »" in refused.value.message
    with pytest.raises(WrongStage):
        desk.set_aside(actor=editor, manifesto=manifesto, amendment_ids=[amendment.pk], reason="Non")
    assert Clause.objects.get(pk=clause.pk).revision == clause.revision
    assert Amendment.objects.get(pk=amendment.pk).outcome == Outcome.PENDING
    stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="synthese")
    desk.integrate(actor=editor, manifesto=manifesto, amendment_ids=[amendment.pk])
    assert Clause.objects.get(pk=clause.pk).text == "Un texte nouveau."
