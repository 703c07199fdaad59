"""The clause page (manifesto) lists the clause's amendments through deliberation's panel."""

from django.utils import translation

from deliberation import services
from deliberation.permissions import Actor


def propose(participant, session, clause, text):
    return services.propose_amendment(
        actor=Actor(participant=participant), session=session, kind="modify", clause=clause, text=text
    )


def test_clause_page_lists_its_amendments_by_state(client, live_session, participant, clause):
    amendment = propose(participant, live_session, clause, "Une rédaction <b>meilleure</b>.")
    page = client.get(clause.get_absolute_url()).content.decode()
    assert amendment.get_absolute_url() in page
    assert "En discussion" in page
    assert "<b>meilleure</b>" not in page


def test_hidden_amendment_is_not_listed_for_visitors(client, live_session, participant, facilitator, clause):
    amendment = propose(participant, live_session, clause, "Texte injurieux.")
    services.hide_amendment(actor=Actor(user=facilitator), amendment=amendment, reason="Propos injurieux")
    assert amendment.get_absolute_url() not in client.get(clause.get_absolute_url()).content.decode()
    client.force_login(facilitator)
    assert amendment.get_absolute_url() in client.get(clause.get_absolute_url()).content.decode()


def test_adoption_reason_is_recorded_in_french_whatever_the_facilitator_language(
    live_session, participant, facilitator, clause
):
    from agora.models import LiveSession, Phase

    amendment = propose(participant, live_session, clause, "Texte adopté.")
    LiveSession.objects.filter(pk=live_session.pk).update(phase=Phase.SUPPORTS)
    live_session.refresh_from_db()
    with translation.override("en"):
        services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    clause.refresh_from_db()
    assert clause.history.first().history_change_reason.startswith(f"Amendement n° {amendment.number} d'Amina ")
    assert clause.history.first().history_change_reason.endswith("adopté")
