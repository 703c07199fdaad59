"""An English page gets English from the live feed: its socket speaks the page's language (cookie,
else the browser's Accept-Language), and what a broadcast says in the site's language (an
amendment's answer) the page says again in its own, from the codes and parts the event carries."""

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.utils import translation

from agora.models import LiveSession, Phase
from deliberation import selectors, services
from deliberation.permissions import Actor
from deliberation.templatetags.deliberation import decision_headline
from deliberation.words import answer_of
from tests.live import communicator, next_of, session_cookie


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("live_hub")
async def test_a_socket_without_language_cookie_speaks_the_browsers_language(live_session, participant):
    await sync_to_async(LiveSession.objects.filter(pk=live_session.pk).update)(phase=Phase.PROPOSALS)
    cookie = await sync_to_async(session_cookie)(participant=participant)
    ws = communicator(live_session.pk, cookie=cookie)
    ws.scope["headers"].append((b"accept-language", b"en-GB,en;q=0.9,fr;q=0.5"))
    connected, _ = await ws.connect()
    assert connected
    try:
        snapshot = await next_of(ws, "snapshot")
        assert snapshot["data"]["session"]["phase_label"] == "Proposals"
        await ws.send_json_to({"type": "amendment.propose", "id": "c1", "data": {"kind": "modify"}})
        reply = await next_of(ws, "error")
        assert reply["in_reply_to"] == "c1"
        assert not any(word in reply["message"] for word in (" le ", " la ", " les ", " est ", "Choisissez")), reply
    finally:
        await ws.disconnect()


@pytest.mark.django_db
def test_an_answer_is_said_in_the_pages_language_from_the_events_parts(live_session, facilitator, clause):
    LiveSession.objects.filter(pk=live_session.pk).update(phase=Phase.PROPOSALS)
    live_session.refresh_from_db()
    from tests.deliberation.conftest import make_participant

    author = make_participant(live_session, "Inès")
    amendment = services.propose_amendment(
        actor=Actor(participant=author), session=live_session, kind="modify", clause=clause, section=None, text="Texte neuf."
    )
    services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    amendment.refresh_from_db()
    data = selectors.public_data(amendment)
    assert data["outcome"] == "integrated" and data["outcome_clause_number"] == clause.number
    assert data["answer"].startswith("intégré")  # the broadcast's words: the site's language
    with translation.override("en"):
        english = answer_of(data)
    assert english.startswith("integrated") and str(clause.number) in english
    assert answer_of(data) == data["answer"]  # French pages say what the site says


@pytest.mark.django_db
def test_the_projector_headline_of_a_duplicate_is_in_the_pages_language():
    data = {
        "state": "duplicate", "kind": "modify", "clause_number": 2, "outcome": "duplicate", "decision_reason": "",
        "answer": "doublon de n° 12", "outcome_reason": "", "deferred": False,
        "outcome_clause_number": None, "outcome_related_number": 12,
    }
    with translation.override("en"):
        headline = decision_headline(data)
    assert "doublon" not in headline and "12" in headline
    assert decision_headline(data) == "Doublon de n° 12"
