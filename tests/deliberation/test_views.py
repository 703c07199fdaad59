"""The no-JavaScript pages and forms: every change reachable by a form; text always escaped."""

import pytest
from django.urls import reverse

from agora.models import Phase
from agora.services import remember_participant
from deliberation import services
from deliberation.models import Amendment, AmendmentState, Comment, Support
from deliberation.permissions import Actor
from deliberation.selectors import amendments_for_clause
from manifesto import services as text_services
from manifesto.models import Clause
from tests.deliberation.conftest import make_participant, set_phase

XSS = '<script>alert("x")</script>'


@pytest.fixture
def participant_client(client, participant):
    session = client.session
    remember_participant(session, participant)
    session.save()
    return client


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def propose(participant, session, clause, text="Texte proposé.", **kwargs):
    return services.propose_amendment(
        actor=Actor(participant=participant), session=session, kind=kwargs.pop("kind", "modify"), clause=clause, text=text, **kwargs
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_participant_proposes_through_the_form(participant_client, live_session, clause):
    url = reverse("deliberation:propose", args=[live_session.pk])
    page = participant_client.get(url + f"?article={clause.pk}")
    assert page.status_code == 200
    response = participant_client.post(
        url, {"kind": "modify", "clause": clause.pk, "text": "Une rédaction neuve.", "justification": "Motif."}, follow=True
    )
    amendment = Amendment.objects.get()
    assert response.redirect_chain[-1][0] == amendment.get_absolute_url()
    assert "Votre amendement n° 1 est déposé." in messages_of(response)
    assert amendment.text == "Une rédaction neuve." and amendment.author.display_name == "Amina"


def test_refused_proposal_keeps_what_was_typed(participant_client, live_session, clause):
    set_phase(live_session, Phase.SUPPORTS)
    response = participant_client.post(
        reverse("deliberation:propose", args=[live_session.pk]),
        {"kind": "modify", "clause": clause.pk, "text": "Mon texte précieux.", "justification": ""},
    )
    assert response.status_code == 403  # refused, with the sentence, and what was typed kept
    assert "Mon texte précieux." in response.content.decode()
    assert "phase" in response.content.decode()
    assert not Amendment.objects.exists()


def test_visitor_cannot_propose(client, live_session, clause):
    response = client.post(
        reverse("deliberation:propose", args=[live_session.pk]), {"kind": "modify", "clause": clause.pk, "text": "Intrus."}
    )
    assert response.status_code == 403
    assert "Rejoignez la séance" in response.content.decode()
    assert not Amendment.objects.exists()


@pytest.mark.usefixtures("every_group_published")  # the page's tally of one voice
def test_permalink_shows_everything_escaped(client, live_session, participant, clause):
    amendment = propose(participant, live_session, clause, "Texte " + XSS, justification="Motif " + XSS)
    set_phase(live_session, Phase.SUPPORTS)
    other = make_participant(live_session, "Dominique")
    services.set_support(actor=Actor(participant=other), amendment=amendment, value="pour")
    services.add_comment(actor=Actor(participant=other), amendment=amendment, stance="pour", text="Avis " + XSS)
    html = client.get(amendment.get_absolute_url()).content.decode()
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") >= 4  # diff, text, justification, comment
    assert "Amendement n° 1" in html and "Amina" in html and "Agora de Lille" in html
    assert "Pour : 1" in html and "Association" in html
    assert "Amendement proposé" in html  # history


def test_participant_supports_and_comments_by_form(participant_client, live_session, participant, clause):
    amendment = propose(participant, live_session, clause)
    set_phase(live_session, Phase.SUPPORTS)
    response = participant_client.post(reverse("deliberation:support", args=[amendment.pk]), {"value": "contre"}, follow=True)
    assert "Votre position est enregistrée." in messages_of(response)
    assert Support.objects.get().value == "contre"
    participant_client.post(reverse("deliberation:comment", args=[amendment.pk]), {"stance": "pour", "text": "Bien vu."})
    assert Comment.objects.get().text == "Bien vu."


def test_refused_support_says_why_and_changes_nothing(participant_client, live_session, participant, clause):
    amendment = propose(participant, live_session, clause)
    response = participant_client.post(reverse("deliberation:support", args=[amendment.pk]), {"value": "pour"})
    assert response.status_code == 403 and "phase" in response.content.decode()
    assert not Support.objects.exists()


def test_author_edits_and_withdraws_by_form(participant_client, live_session, participant, clause):
    amendment = propose(participant, live_session, clause)
    participant_client.post(reverse("deliberation:edit", args=[amendment.pk]), {"text": "Réécrit.", "justification": ""})
    amendment.refresh_from_db()
    assert amendment.text == "Réécrit."
    participant_client.post(reverse("deliberation:withdraw", args=[amendment.pk]))
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.WITHDRAWN


def test_stale_amendment_edit_page_offers_the_proposal_on_the_current_text(participant_client, organiser, live_session, participant, clause):
    amendment = propose(participant, live_session, clause, clause.text.replace("première", "seconde"))
    text_services.edit_clause(actor=organiser, clause=clause, text=clause.text.replace("Texte", "Le texte"), expected_revision=1)
    page = participant_client.get(reverse("deliberation:edit", args=[amendment.pk])).content.decode()
    assert "Le texte de l&#x27;article 1.1, seconde rédaction." in page and 'name="rebase"' in page
    participant_client.post(
        reverse("deliberation:edit", args=[amendment.pk]),
        {"text": "Le texte de l'article 1.1, seconde rédaction.", "justification": "", "rebase": "on"},
    )
    amendment.refresh_from_db()
    assert amendment.base_revision == 2 and amendment.base_text == "Le texte de l'article 1.1, première rédaction."


def test_facilitator_accepts_by_form(facilitator_client, live_session, participant, clause):
    amendment = propose(participant, live_session, clause, "Adopté par formulaire.")
    response = facilitator_client.post(reverse("deliberation:accept", args=[amendment.pk]), follow=True)
    assert "Amendement n° 1 adopté." in messages_of(response)
    clause.refresh_from_db()
    assert clause.text == "Adopté par formulaire."


def test_stale_accept_by_form_says_it_merged(facilitator_client, organiser, live_session, participant, clause):
    amendment = propose(participant, live_session, clause, clause.text.replace("première", "seconde"))
    text_services.edit_clause(actor=organiser, clause=clause, text=clause.text.replace("Texte", "Le texte"), expected_revision=1)
    response = facilitator_client.post(reverse("deliberation:accept", args=[amendment.pk]), follow=True)
    assert any("fusionnées" in m for m in messages_of(response))
    clause.refresh_from_db()
    assert clause.text == "Le texte de l'article 1.1, seconde rédaction."


def test_conflict_shows_three_texts_and_the_resolution_form(facilitator_client, organiser, live_session, participant, clause):
    amendment = propose(participant, live_session, clause, clause.text.replace("première", "seconde " + XSS))
    text_services.edit_clause(actor=organiser, clause=clause, text=clause.text.replace("première", "troisième"), expected_revision=1)
    response = facilitator_client.post(reverse("deliberation:accept", args=[amendment.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Conflit" in html and "troisième" in html and "seconde" in html and "première" in html
    assert "<script>" not in html
    assert 'name="expected_revision" value="2"' in html
    clause.refresh_from_db()
    assert clause.revision == 2
    response = facilitator_client.post(
        reverse("deliberation:accept", args=[amendment.pk]),
        {"resolve": "True", "expected_revision": "2", "resolved_text": "Texte de l'article 1.1, seconde et troisième rédaction."},
        follow=True,
    )
    assert "Amendement n° 1 adopté avec le texte fusionné." in messages_of(response)
    clause.refresh_from_db()
    assert clause.text == "Texte de l'article 1.1, seconde et troisième rédaction."


def test_conflict_page_named_in_a_conflict_reply_shows_the_three_texts_on_get(
    facilitator_client, organiser, live_session, participant, clause
):
    amendment = propose(participant, live_session, clause, clause.text.replace("première", "seconde"))
    text_services.edit_clause(actor=organiser, clause=clause, text=clause.text.replace("première", "troisième"), expected_revision=1)
    html = facilitator_client.get(reverse("deliberation:accept", args=[amendment.pk])).content.decode()
    assert 'class="base-text">Texte de l&#x27;article 1.1, première rédaction.' in html
    assert 'class="current-text">Texte de l&#x27;article 1.1, troisième rédaction.' in html
    assert 'class="proposed-text">Texte de l&#x27;article 1.1, seconde rédaction.' in html
    assert 'name="expected_revision" value="2"' in html
    clause.refresh_from_db()
    assert clause.revision == 2  # GET writes nothing


def test_accept_page_without_a_conflict_shows_no_conflict_on_get(facilitator_client, live_session, participant, clause):
    amendment = propose(participant, live_session, clause, clause.text.replace("première", "seconde"))
    html = facilitator_client.get(reverse("deliberation:accept", args=[amendment.pk])).content.decode()
    assert "base-text" not in html and "Conflit" not in html


def test_facilitator_rejects_hides_reopens_marks_duplicate_and_merges_by_form(facilitator_client, live_session, participant, clause):
    a = propose(participant, live_session, clause, "A.")
    b = propose(participant, live_session, clause, "B.")
    c = propose(participant, live_session, clause, "C.")
    facilitator_client.post(reverse("deliberation:reject", args=[a.pk]), {"reason": "Non retenu"})
    facilitator_client.post(reverse("deliberation:reopen", args=[a.pk]))
    facilitator_client.post(reverse("deliberation:duplicate", args=[c.pk]), {"duplicate_of": b.number})
    facilitator_client.post(reverse("deliberation:hide", args=[c.pk]), {"reason": "Abus"})
    response = facilitator_client.post(
        reverse("deliberation:merge", args=[live_session.pk]), {"amendments": [a.pk, b.pk], "text": "A et B.", "justification": ""}
    )
    compromise = Amendment.objects.get(number=4)
    assert response.status_code == 302 and response.url == compromise.get_absolute_url()
    states = dict(Amendment.objects.values_list("number", "state"))
    assert states == {1: "merged", 2: "merged", 3: "hidden", 4: "open"}
    queue = facilitator_client.get(reverse("deliberation:moderation", args=[live_session.pk]))
    assert queue.status_code == 200 and "File de modération" in queue.content.decode()


def test_participant_cannot_moderate_by_form(participant_client, live_session, participant, clause):
    amendment = propose(participant, live_session, clause)
    assert participant_client.post(reverse("deliberation:accept", args=[amendment.pk])).status_code == 404
    response = participant_client.post(reverse("deliberation:reject", args=[amendment.pk]), {"reason": "x"})
    assert response.status_code == 403 and "animateur" in response.content.decode()
    assert participant_client.get(reverse("deliberation:moderation", args=[live_session.pk])).status_code == 404
    amendment.refresh_from_db()
    assert amendment.is_open


def test_hidden_amendment_page_is_for_author_and_facilitators_only(client, participant_client, facilitator, live_session, participant, clause):
    amendment = propose(participant, live_session, clause, "Injurieux.")
    services.hide_amendment(actor=Actor(user=facilitator), amendment=amendment, reason="Injure")
    assert participant_client.get(amendment.get_absolute_url()).status_code == 200
    participant_client.logout()
    assert client.get(amendment.get_absolute_url()).status_code == 404
    client.force_login(facilitator)
    assert "Injurieux." in client.get(amendment.get_absolute_url()).content.decode()


def test_session_page_lists_amendments_and_flags_the_stale(client, organiser, live_session, participant, clause):
    propose(participant, live_session, clause, "Ancienne base.")
    text_services.edit_clause(actor=organiser, clause=clause, text="Changé entre-temps.", expected_revision=1)
    html = client.get(reverse("deliberation:session", args=[live_session.pk])).content.decode()
    assert "Amendement n° 1" in html and "à revoir" in html


def test_stale_permalink_shows_the_new_text(client, organiser, live_session, participant, clause):
    amendment = propose(participant, live_session, clause, "Ancienne base.")
    text_services.edit_clause(actor=organiser, clause=clause, text="Changé entre-temps.", expected_revision=1)
    html = client.get(amendment.get_absolute_url()).content.decode()
    assert "À revoir" in html and "Changé entre-temps." in html


def test_clause_listing_selector_for_the_clause_page(live_session, participant, facilitator, clause):
    a = propose(participant, live_session, clause, "A.")
    hidden = propose(participant, live_session, clause, "Caché.")
    services.hide_amendment(actor=Actor(user=facilitator), amendment=hidden, reason="Abus")
    assert {state: [x.pk for x in items] for state, items in amendments_for_clause(clause, None).items()} == {"open": [a.pk]}
    assert list(amendments_for_clause(clause, facilitator)) == ["open", "hidden"]
    assert Clause.objects.filter(pk=clause.pk).exists()


def test_lists_queue_projector_and_conflict_pages_keep_xss_as_text(facilitator_client, organiser, live_session, participant, clause):
    amendment = propose(participant, live_session, clause, clause.text.replace("première", XSS), justification=XSS)
    services.add_comment(actor=Actor(participant=participant), amendment=amendment, stance="contre", text=XSS)
    text_services.edit_clause(actor=organiser, clause=clause, text=clause.text.replace("première", "autre"), expected_revision=1)
    pages = [
        facilitator_client.get(reverse("deliberation:session", args=[live_session.pk])),
        facilitator_client.get(reverse("deliberation:moderation", args=[live_session.pk])),
        facilitator_client.get(reverse("agora:projector", args=[live_session.pk])),
        facilitator_client.post(reverse("deliberation:accept", args=[amendment.pk])),  # a conflict: three texts
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.content.decode()
    assert "&lt;script&gt;" in pages[0].content.decode() and "&lt;script&gt;" in pages[3].content.decode()


def test_admin_lists_amendments_read_only(client, organiser, live_session, participant, clause):
    propose(participant, live_session, clause)
    organiser.is_staff = organiser.is_superuser = True
    organiser.save()
    client.force_login(organiser)
    page = client.get("/admin/deliberation/amendment/")
    html = page.content.decode()
    assert page.status_code == 200 and "Amendement n° 1" in html and "1 amendement" in html
    assert client.get("/admin/deliberation/amendment/add/").status_code == 403
