"""Online proposals between agoras: the organiser opens a standing online space, participants join
without a code and propose amendments there; the organiser closes it again."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from agora import selectors, services
from agora.models import Agora, LiveSession, Participant, Phase
from deliberation import services as deliberation_services
from deliberation.models import Amendment
from deliberation.permissions import Actor
from manifesto.errors import InvalidInput, PermissionDenied
from manifesto.models import ManifestoStatus
from tests.factories import make_agora

pytestmark = pytest.mark.django_db


def last_seq(manifesto) -> int:
    from manifesto.models import Event

    return Event.objects.filter(manifesto=manifesto).order_by("-seq").values_list("seq", flat=True).first() or 0


def online_url(manifesto) -> str:
    return reverse("agora:online", kwargs={"slug": manifesto.slug})


def join_online(client, manifesto, name="Camille", **extra):
    return client.post(online_url(manifesto), {"display_name": name, "organisation": "", "ess_family": "", **extra})


def test_organiser_opens_online_proposals_in_the_proposals_phase_on_the_whole_text(organiser, manifesto, journal_events):
    before = last_seq(manifesto)
    session = services.open_online_proposals(actor=organiser, manifesto=manifesto)
    assert session.is_open and session.phase == Phase.PROPOSALS
    assert not session.scope.exists()  # empty scope: the whole text
    space = session.agora
    assert space.is_online_space and space.title == "Contributions en ligne"
    assert space.venue == "" and space.manifesto == manifesto
    assert list(space.facilitators.all()) == [organiser]
    assert [e.type for e in journal_events(manifesto, after=before)] == ["session.opened", "session.phase_changed"]


def test_opening_twice_keeps_one_open_session(organiser, manifesto):
    first = services.open_online_proposals(actor=organiser, manifesto=manifesto)
    again = services.open_online_proposals(actor=organiser, manifesto=manifesto)
    assert again.pk == first.pk
    assert LiveSession.objects.filter(agora__is_online_space=True).count() == 1


def test_reopening_reuses_the_same_online_agora(organiser, manifesto, journal_events):
    before = last_seq(manifesto)
    first = services.open_online_proposals(actor=organiser, manifesto=manifesto)
    services.close_online_proposals(actor=organiser, manifesto=manifesto)
    assert selectors.online_session(manifesto) is None
    second = services.open_online_proposals(actor=organiser, manifesto=manifesto)
    assert second.pk != first.pk and second.agora_id == first.agora_id
    assert Agora.objects.filter(manifesto=manifesto, is_online_space=True).count() == 1
    assert [e.type for e in journal_events(manifesto, after=before)] == [
        "session.opened", "session.phase_changed", "session.closed", "session.opened", "session.phase_changed",
    ]


@pytest.mark.parametrize("who", ["outsider", "facilitator"])
def test_only_organisers_open_or_close_online_proposals(request, who, organiser, manifesto, agora, journal_events):
    person = request.getfixturevalue(who)  # facilitator: of another agora (the fixture's), not an organiser
    before = last_seq(manifesto)
    with pytest.raises(PermissionDenied):
        services.open_online_proposals(actor=person, manifesto=manifesto)
    assert not Agora.objects.filter(is_online_space=True).exists()
    assert journal_events(manifesto, after=before) == []
    services.open_online_proposals(actor=organiser, manifesto=manifesto)
    with pytest.raises(PermissionDenied):
        services.close_online_proposals(actor=person, manifesto=manifesto)
    assert selectors.online_session(manifesto) is not None


@pytest.mark.parametrize("who", ["outsider", "facilitator"])
def test_open_and_close_buttons_refuse_non_organisers(client, request, who, organiser, manifesto, agora):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("agora:online_open", kwargs={"slug": manifesto.slug}))
    assert response.status_code == 403
    assert not Agora.objects.filter(is_online_space=True).exists()
    services.open_online_proposals(actor=organiser, manifesto=manifesto)
    response = client.post(reverse("agora:online_close", kwargs={"slug": manifesto.slug}))
    assert response.status_code == 403
    assert selectors.online_session(manifesto) is not None


def test_anonymous_visitor_is_sent_to_log_in_and_nothing_opens(client, manifesto):
    response = client.post(reverse("agora:online_open", kwargs={"slug": manifesto.slug}))
    assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert not Agora.objects.filter(is_online_space=True).exists()


def test_closing_when_closed_says_so(organiser, manifesto):
    with pytest.raises(InvalidInput):
        services.close_online_proposals(actor=organiser, manifesto=manifesto)


def test_frozen_text_cannot_be_opened_online(organiser, manifesto):
    manifesto.status = ManifestoStatus.FROZEN
    manifesto.save(update_fields=["status"])
    with pytest.raises(InvalidInput):
        services.open_online_proposals(actor=organiser, manifesto=manifesto)
    assert not Agora.objects.filter(is_online_space=True).exists()


def test_organiser_opens_and_closes_from_the_page(client, organiser, manifesto):
    client.force_login(organiser)
    page = client.get(online_url(manifesto)).content.decode()
    assert "Les propositions en ligne sont fermées" in page
    assert reverse("agora:online_open", kwargs={"slug": manifesto.slug}) in page
    response = client.post(reverse("agora:online_open", kwargs={"slug": manifesto.slug}),
                           {"next": "https://evil.example/"}, follow=True)
    assert response.redirect_chain[-1][0] == online_url(manifesto)  # never off-site
    page = response.content.decode()
    assert "Les propositions en ligne sont ouvertes." in page
    assert reverse("agora:online_close", kwargs={"slug": manifesto.slug}) in page
    session = selectors.online_session(manifesto)
    assert reverse("agora:console", args=[session.pk]) in page
    response = client.post(reverse("agora:online_close", kwargs={"slug": manifesto.slug}),
                           {"next": reverse("agora:agenda")})
    assert response["Location"] == reverse("agora:agenda")
    assert selectors.online_session(manifesto) is None


def test_agenda_links_to_online_proposals_when_open_and_hides_the_space(client, organiser, manifesto):
    assert "Proposer des amendements en ligne" not in client.get(reverse("agora:agenda")).content.decode()
    services.open_online_proposals(actor=organiser, manifesto=manifesto)
    page = client.get(reverse("agora:agenda")).content.decode()
    assert "Proposer des amendements en ligne" in page and online_url(manifesto) in page
    assert reverse("agora:online_close", kwargs={"slug": manifesto.slug}) not in page
    assert page.count("Contributions en ligne") == 0  # the standing space is not an agora of the agenda
    client.force_login(organiser)
    page = client.get(reverse("agora:agenda")).content.decode()
    assert reverse("agora:online_close", kwargs={"slug": manifesto.slug}) in page


def test_participant_joins_without_a_code_and_proposes_an_amendment(client, organiser, manifesto, clause, journal_events):
    services.open_online_proposals(actor=organiser, manifesto=manifesto)
    session = selectors.online_session(manifesto)
    page = client.get(online_url(manifesto)).content.decode()
    assert "Participer en ligne" in page and 'name="code"' not in page
    after = journal_events(manifesto)[-1].seq

    response = join_online(client, manifesto, organisation="Mutuelle du Nord", ess_family="mutuelle")
    assert response.status_code == 302 and response["Location"] == reverse("agora:room", args=[session.pk])
    participant = Participant.objects.get(session=session)
    assert (participant.display_name, participant.organisation, participant.ess_family) == (
        "Camille", "Mutuelle du Nord", "mutuelle")
    assert selectors.current_participant(response.wsgi_request, session) == participant
    assert client.get(response["Location"]).status_code == 200
    # Joining again from the same browser keeps one identity.
    join_online(client, manifesto)
    assert Participant.objects.filter(session=session).count() == 1

    response = client.post(reverse("deliberation:propose", args=[session.pk]),
                           {"kind": "modify", "clause": clause.pk, "text": "Une rédaction venue d'en ligne.",
                            "justification": "Entre deux agoras."})
    amendment = Amendment.objects.get()
    assert response["Location"] == amendment.get_absolute_url()
    assert amendment.session == session and amendment.author == participant
    assert amendment.agora.title == "Contributions en ligne"
    events = journal_events(manifesto, after=after)
    assert [e.type for e in events] == ["amendment.proposed"]
    assert events[0].data["amendment"]["agora"] == "Contributions en ligne"


def test_organiser_moderates_online_amendments_and_attribution_names_the_online_space(organiser, manifesto, clause):
    session = services.open_online_proposals(actor=organiser, manifesto=manifesto)
    participant = services.join(session=session, display_name="Camille")
    amendment = deliberation_services.propose_amendment(
        actor=Actor(participant=participant), session=session, kind="modify", clause=clause, text="Un texte neuf.")
    deliberation_services.accept_amendment(actor=Actor(user=organiser), amendment=amendment)
    clause.refresh_from_db()
    assert clause.text == "Un texte neuf."
    assert "(Contributions en ligne)" in clause.history.first().history_change_reason


def test_when_closed_joining_and_proposing_are_refused(client, organiser, manifesto, clause):
    session = services.open_online_proposals(actor=organiser, manifesto=manifesto)
    join_online(client, manifesto)
    participant = Participant.objects.get(session=session)
    services.close_online_proposals(actor=organiser, manifesto=manifesto)

    page = client.get(online_url(manifesto)).content.decode()
    assert "Les propositions en ligne sont fermées pour le moment" in page
    assert "Participer en ligne" not in page
    other = client.__class__()
    response = join_online(other, manifesto, name="Léa")
    assert response.status_code == 302 and response["Location"] == online_url(manifesto)
    assert "Les propositions en ligne sont fermées pour le moment." in other.get(online_url(manifesto)).content.decode()
    assert Participant.objects.filter(session=session).count() == 1

    session.refresh_from_db()  # propose_amendment trusts the session it is given, as the views fetch it fresh
    with pytest.raises(PermissionDenied):
        deliberation_services.propose_amendment(
            actor=Actor(participant=participant), session=session, kind="modify", clause=clause, text="Trop tard.")
    client.post(reverse("deliberation:propose", args=[session.pk]),
                {"kind": "modify", "clause": clause.pk, "text": "Trop tard.", "justification": ""})
    assert not Amendment.objects.exists()


def test_online_space_of_one_manifesto_does_not_open_another(organiser, manifesto, agora):
    from tests.factories import make_manifesto

    other = make_manifesto(organiser=organiser, slug="autre-manifeste")
    services.open_online_proposals(actor=organiser, manifesto=manifesto)
    assert selectors.online_session(other) is None
    assert make_agora(manifesto=other).is_online_space is False


def test_room_of_the_online_space_sends_newcomers_to_the_online_page(client, organiser, manifesto):
    session = services.open_online_proposals(actor=organiser, manifesto=manifesto)
    response = client.get(reverse("agora:room", args=[session.pk]))
    assert response["Location"] == online_url(manifesto)
    join_online(client, manifesto)
    page = client.get(online_url(manifesto)).content.decode()
    assert "Vous participez sous le nom Camille." in page and reverse("agora:room", args=[session.pk]) in page
