"""session.show_amendment: the facilitator puts an amendment on the projector; the projector draws
its word diff, author, agora and publishable tally, live and after a reload."""

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.urls import reverse

from deliberation import selectors, services
from deliberation.errors import InvalidInput, PermissionDenied
from deliberation.permissions import Actor
from manifesto.models import Event
from manifesto.vocabulary import validate_event
from tests.deliberation.conftest import make_participant, set_phase
from tests.live import command, next_of, room


def propose(participant, session, clause, text):
    set_phase(session, "proposals")
    return services.propose_amendment(actor=Actor(participant=participant), session=session, kind="modify",
                                      clause=clause, text=text)


@pytest.mark.django_db
def test_show_amendment_journals_what_the_projector_draws(live_session, participant, facilitator, clause, settings):
    settings.MIN_PUBLISHED_GROUP = 5
    amendment = propose(participant, live_session, clause, clause.text.replace("première", "seconde"))
    set_phase(live_session, "supports")
    for n in range(5):
        voter = make_participant(live_session, f"Voix {n}", ess_family="cooperative")
        services.set_support(actor=Actor(participant=voter), amendment=amendment, value="pour")
    lone = make_participant(live_session, "Seule", ess_family="mutuelle")
    services.set_support(actor=Actor(participant=lone), amendment=amendment, value="contre")

    services.show_amendment(actor=Actor(user=facilitator), session=live_session, amendment_id=amendment.pk)
    event = Event.objects.filter(type="session.amendment_shown").latest("seq")
    validate_event(event.type, event.data)
    data = event.data
    assert data["amendment"]["id"] == amendment.pk and data["amendment"]["author"] == "Amina"
    assert data["totals"] == {"pour": 5, "contre": 1, "abstention": 0}
    # The small-group rule: one voice of a family is not published as that family's.
    assert "mutuelle" not in data["by_family"]
    assert ["delete", "première"] in data["chunks"] and ["insert", "seconde"] in data["chunks"]
    assert selectors.shown_amendment(live_session) == amendment

    services.show_amendment(actor=Actor(user=facilitator), session=live_session, amendment_id=None)
    assert selectors.shown_amendment(live_session) is None
    assert Event.objects.filter(type="session.amendment_shown").latest("seq").data["amendment"] is None


@pytest.mark.django_db
def test_only_the_sessions_facilitators_project_and_hidden_ones_never(live_session, participant, facilitator, clause):
    amendment = propose(participant, live_session, clause, "Autre texte.")
    with pytest.raises(PermissionDenied):
        services.show_amendment(actor=Actor(participant=participant), session=live_session, amendment_id=amendment.pk)
    services.hide_amendment(actor=Actor(user=facilitator), amendment=amendment, reason="Hors sujet.")
    with pytest.raises(InvalidInput):
        services.show_amendment(actor=Actor(user=facilitator), session=live_session, amendment_id=amendment.pk)
    with pytest.raises(InvalidInput):
        services.show_amendment(actor=Actor(user=facilitator), session=live_session, amendment_id=999999)


@pytest.mark.django_db
def test_projector_page_renders_the_shown_amendment_without_links(client, live_session, participant, facilitator, clause):
    amendment = propose(participant, live_session, clause, clause.text + " Avec <b>ajout</b>.")
    client.force_login(facilitator)
    response = client.post(reverse("deliberation:show_on_projector", args=[live_session.pk]), {"amendment_id": amendment.pk})
    assert response.status_code == 302
    page = client.get(reverse("agora:projector", args=[live_session.pk])).content.decode()
    assert f'data-projected-card="{amendment.pk}"' in page
    assert "<ins>" in page and "&lt;b&gt;ajout&lt;/b&gt;" in page
    assert "Amendement n° 1" in page and "Amina" in page
    moderation = client.get(reverse("deliberation:moderation", args=[live_session.pk])).content.decode()
    assert "À l&#x27;écran" in moderation or "À l'écran" in moderation


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("live_hub")
async def test_show_amendment_command_reaches_the_projector(live_session, participant, facilitator, clause):
    amendment = await sync_to_async(propose)(participant, live_session, clause, "Texte projeté.")
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=participant) as phone:
        refused = await command(phone, "session.show_amendment", {"amendment_id": amendment.pk})
        assert refused["type"] == "error"
        reply = await command(fac, "session.show_amendment", {"amendment_id": amendment.pk})
        assert reply["type"] == "ack" and reply["data"] == {"amendment_id": amendment.pk}
        event = await next_of(phone, "session.amendment_shown")
        validate_event(event["type"], event["data"])
        assert event["data"]["amendment"]["text"] == "Texte projeté."
