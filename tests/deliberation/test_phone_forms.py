"""The phone's forms on the server side: one-time tokens, no silent truncation, offered only when they can work."""

import pytest
from django.urls import reverse

from agora import services as agora_services
from agora.models import LiveSession, Phase
from agora.services import remember_participant
from deliberation import selectors
from deliberation.commands import amendments_snapshot
from deliberation.models import Amendment
from manifesto import services as text_services
from manifesto.models import ManifestoStatus
from manifesto.vocabulary import VocabularyError, validate_event
from tests.deliberation.conftest import set_phase


@pytest.fixture
def participant_client(client, participant):
    session = client.session
    remember_participant(session, participant)
    session.save()
    return client


def url(session):
    return reverse("deliberation:propose", args=[session.pk])


def post(client, session, clause, *, token, text="Une rédaction neuve.", justification=""):
    return client.post(url(session), {"token": token, "kind": "modify", "clause": clause.pk, "text": text,
                                      "justification": justification}, follow=True)


def test_the_same_form_token_posted_twice_files_one_amendment_and_shows_the_first(participant_client, live_session, clause):
    token = "tok-" + "a" * 20
    first = post(participant_client, live_session, clause, token=token)
    again = post(participant_client, live_session, clause, token=token, text="Autre chose, même formulaire.")
    amendment = Amendment.objects.get()
    assert first.redirect_chain[-1][0] == again.redirect_chain[-1][0] == amendment.get_absolute_url()
    assert "Ce formulaire a déjà été envoyé : votre amendement n° 1 est déposé une seule fois." in [
        str(m) for m in again.context["messages"]]


def test_back_and_resubmit_with_a_fresh_token_files_no_copy_of_the_same_proposal(participant_client, live_session, clause):
    post(participant_client, live_session, clause, token="first-" + "b" * 20)
    post(participant_client, live_session, clause, token="second-" + "c" * 20)
    assert Amendment.objects.count() == 1
    post(participant_client, live_session, clause, token="third-" + "d" * 20, text="Une autre proposition.")
    assert Amendment.objects.count() == 2  # a different proposal is a new one


def test_a_refused_post_keeps_its_token_so_the_retry_is_still_once(participant_client, live_session, clause):
    set_phase(live_session, Phase.SUPPORTS)
    token = "retry-" + "e" * 20
    refused = post(participant_client, live_session, clause, token=token)
    assert refused.status_code == 403 or refused.status_code == 400
    assert f'value="{token}"' in refused.content.decode()
    set_phase(live_session, Phase.PROPOSALS)
    post(participant_client, live_session, clause, token=token)
    post(participant_client, live_session, clause, token=token)
    assert Amendment.objects.count() == 1


def test_long_texts_are_counted_not_cut_and_refused_with_the_text_kept(participant_client, live_session, clause):
    page = participant_client.get(url(live_session)).content.decode()
    assert ' maxlength=' not in page and 'data-maxlength="5000"' in page and 'data-maxlength="2000"' in page
    long_text = "L'ESS " * 17_000
    response = participant_client.post(url(live_session), {"token": "", "kind": "modify", "clause": clause.pk,
                                                            "text": long_text, "justification": ""})
    assert response.status_code == 400
    assert "au plus 5000 caractères" in response.content.decode()
    assert response.context["form"]["text"].value() == long_text
    assert not Amendment.objects.exists()


def test_without_javascript_the_proposal_page_starts_on_the_focused_article_with_its_text(participant_client, live_session, manifesto):
    focus = manifesto.clauses.order_by("number")[1]
    LiveSession.objects.filter(pk=live_session.pk).update(focus_clause=focus)
    form = participant_client.get(url(live_session)).context["form"]
    assert form["clause"].value() == focus.pk
    assert form["text"].value() == focus.text
    assert len(form["token"].value()) >= 16


def test_proposals_are_offered_only_while_they_can_work(participant_client, live_session, organiser, participant):
    room = reverse("agora:room", args=[live_session.pk])
    assert selectors.proposal_refusal(live_session) is None
    assert "data-propose-link" in participant_client.get(room).content.decode()

    set_phase(live_session, Phase.SUPPORTS)
    assert selectors.proposal_refusal(live_session) == "La phase a changé : les propositions sont closes."
    assert "data-propose-link" not in participant_client.get(room).content.decode()

    set_phase(live_session, Phase.PROPOSALS)
    text_services.set_status(actor=organiser, manifesto=live_session.agora.manifesto, status=ManifestoStatus.SIGNING)
    live_session.agora.manifesto.refresh_from_db()
    assert selectors.proposal_refusal(live_session) == "Le texte est figé : il ne peut plus être modifié."
    page = participant_client.get(room).content.decode()
    assert "data-propose-link" not in page and "Le texte est figé" in page
    form_page = participant_client.get(url(live_session)).content.decode()
    assert "<fieldset class=\"stack plain\" disabled>" in form_page
    conditions = amendments_snapshot(LiveSession.objects.get(pk=live_session.pk), participant=participant,
                                     is_facilitator=False)["proposals"]
    assert conditions == {"text_status": "signing", "stage_allows": True, "stages_allowing": None}


def test_the_room_without_javascript_says_it_is_static_and_hides_live_only_widgets(participant_client, live_session):
    page = participant_client.get(reverse("agora:room", args=[live_session.pk])).content.decode()
    assert "data-static-only" in page and "Recharger la page" in page
    assert 'data-live-state data-live-only hidden' in page
    assert '<div data-live-only hidden><dt>Présent·es</dt>' in page
    assert '<script id="phase-labels" type="application/json">' in page


def test_phase_changes_carry_the_code_only(facilitator, live_session, journal_events):
    agora_services.set_phase(actor=facilitator, session=live_session, phase=Phase.SUPPORTS)
    event = journal_events(live_session.agora.manifesto)[-1].as_wire()
    assert event["type"] == "session.phase_changed"
    assert event["data"] == {"session_id": live_session.pk, "phase": "supports"}
    with pytest.raises(VocabularyError):
        validate_event("session.phase_changed", {"session_id": 1, "phase": "supports", "label": "Soutiens et votes"})
