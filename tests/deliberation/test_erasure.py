"""Erasing a participant: on a full dump, the name appears nowhere, and the text's history still reads."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from agora import services as agora_services
from agora.models import Participant, Phase
from deliberation import services
from deliberation.erasure import ERASED_NAME, erase_participant
from deliberation.permissions import Actor
from manifesto.errors import PermissionDenied
from tests.deliberation.conftest import make_participant, set_phase

NAME = "Camille Zébulon"


def full_dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", "--natural-foreign", stdout=out)  # every table, history tables and the journal included
    return out.getvalue()


@pytest.fixture
def camille_took_part(live_session, clause, facilitator):
    camille = make_participant(live_session, NAME, ess_family="cooperative", organisation="Coop Zébulon")
    actor = Actor(participant=camille)
    amendment = services.propose_amendment(actor=actor, session=live_session, kind="modify", clause=clause,
                                           text="Une rédaction proposée par Camille.")
    services.add_comment(actor=actor, amendment=amendment, stance="pour", text="Je soutiens.")
    set_phase(live_session, Phase.SUPPORTS)
    services.set_support(actor=actor, amendment=amendment, value="pour")
    agora_services.raise_hand(participant=camille)
    services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    return camille, amendment


def test_a_full_dump_holds_no_trace_of_the_erased_participant_and_history_still_reads(
    camille_took_part, organiser, clause
):
    camille, amendment = camille_took_part
    assert "Zébulon" in full_dump()  # the test would see it

    erase_participant(actor=organiser, participant=camille)

    dump = full_dump()
    assert "Zébulon" not in dump and "Zebulon" not in dump
    reasons = list(clause.history.values_list("history_change_reason", flat=True))
    assert any(f"n° {amendment.number} de {ERASED_NAME}" in (reason or "") for reason in reasons), reasons
    clause.refresh_from_db()
    assert clause.text == "Une rédaction proposée par Camille."  # the words stay: they are the text now
    amendment.refresh_from_db()
    assert amendment.author_name == ERASED_NAME


def test_a_namesake_in_another_reason_and_the_text_itself_are_left_alone(live_session, clause, facilitator, organiser):
    camille = make_participant(live_session, "Paris")
    other = make_participant(live_session, "Paris")  # a namesake, who is not erased
    first = services.propose_amendment(actor=Actor(participant=camille), session=live_session, kind="modify",
                                       clause=clause, text="Paris et les territoires.")
    second = services.propose_amendment(actor=Actor(participant=other), session=live_session, kind="insert",
                                        section=clause.section, text="Un article de plus.")
    services.accept_amendment(actor=Actor(user=facilitator), amendment=first)
    services.accept_amendment(actor=Actor(user=facilitator), amendment=second)

    erase_participant(actor=organiser, participant=camille)

    clause.refresh_from_db()
    assert clause.text == "Paris et les territoires."
    reasons = " ".join(r or "" for r in clause.section.clauses.model.history.values_list("history_change_reason", flat=True))
    assert f"n° {first.number} de {ERASED_NAME}" in reasons
    assert f"n° {second.number} de Paris" in reasons


def test_only_organisers_or_the_person_erase(camille_took_part, facilitator, outsider):
    camille, _amendment = camille_took_part
    for person in (facilitator, outsider, None):
        with pytest.raises(PermissionDenied):
            erase_participant(actor=person, participant=camille)
    camille.refresh_from_db()
    assert camille.display_name == NAME
    erase_participant(actor=None, participant=camille, own=True)
    camille.refresh_from_db()
    assert camille.display_name == ERASED_NAME and camille.erased_at is not None


def test_a_participant_erases_their_own_name_from_the_room_page(client, live_session):
    client.post("/agoras/rejoindre/", {"code": live_session.code, "display_name": NAME})
    room = client.get(f"/agoras/seance/{live_session.pk}/").content.decode()
    assert "Effacer mon nom de cette séance" in room
    url = reverse("deliberation:erase_me", kwargs={"session_pk": live_session.pk})
    client.post(url, {})  # not confirmed: nothing happens
    assert Participant.objects.get().display_name == NAME
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "Votre nom est effacé" in response.content.decode()
    assert Participant.objects.get().display_name == ERASED_NAME
    assert client.post(url, {"confirm": "yes"}).status_code == 403  # this browser is no longer anyone


def test_organisers_erase_on_request_with_a_command(camille_took_part, organiser, facilitator):
    from django.core.management.base import CommandError

    camille, _amendment = camille_took_part
    with pytest.raises(CommandError):
        call_command("erase_participant", camille.pk, organiser=facilitator.username)
    call_command("erase_participant", camille.pk, organiser=organiser.username, stdout=io.StringIO())
    camille.refresh_from_db()
    assert camille.display_name == ERASED_NAME
