"""Contributions in the live room: posted and supported over the websocket, seen live by the others."""

import json

import pytest
from channels.db import database_sync_to_async as sync_to_async

from deliberation.contributions.models import Contribution, ContributionSupport
from manifesto import stage_services
from manifesto.vocabulary import validate_event
from tests.contributions.conftest import join
from tests.live import command, next_of, room

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_hub")]


@pytest.mark.usefixtures("every_group_published")  # live supports by family of one voice
async def test_a_contribution_posted_in_the_room_reaches_everyone_and_supports_update_live(
    in_contributions, live_session, participant, facilitator
):
    second = await sync_to_async(join)(live_session, "Dominique", "association")
    section_id = await sync_to_async(lambda: in_contributions.sections.first().pk)()
    async with room(live_session, participant=participant) as author, room(live_session, participant=second) as other, room(
        live_session, user=facilitator
    ) as console:
        reply = await command(author, "contribution.post", {
            "title": "<b>Jeunesse</b>", "text": "Ouvrir les coopératives aux jeunes.", "section_id": section_id,
            "new_theme": "", "clause_number": None,
        })
        assert reply["type"] == "ack", reply
        for ws in (other, console):
            event = await next_of(ws, "contribution.posted")
            assert json.loads(json.dumps(event)) == event
            validate_event(event["type"], event["data"])
            assert event["data"]["contribution"]["title"] == "<b>Jeunesse</b>"  # raw; clients use textContent
        contribution_id = reply["data"]["contribution"]["id"]
        ack = await command(other, "contribution.support", {"contribution_id": contribution_id, "value": "pour"})
        assert ack["type"] == "ack" and ack["data"]["totals"]["pour"] == 1
        changed = await next_of(author, "contribution.support_changed")
        assert changed["data"]["totals"] == {"pour": 1, "contre": 0, "abstention": 0}
        assert changed["data"]["by_family"] == {"association": {"pour": 1, "contre": 0, "abstention": 0}}
    assert await sync_to_async(ContributionSupport.objects.count)() == 1


async def test_the_room_cannot_post_a_contribution_once_the_stage_has_moved_on(in_contributions, live_session, participant, organiser):
    await sync_to_async(stage_services.open_stage)(actor=organiser, manifesto=in_contributions, kind="agoras")
    async with room(live_session, participant=participant) as ws:
        reply = await command(ws, "contribution.post", {
            "title": "Trop tard", "text": "…", "section_id": None, "new_theme": "Divers", "clause_number": None,
        })
    assert reply["type"] == "error" and reply["code"] == "wrong_stage"
    assert "« Agoras »" in reply["message"]
    assert not await sync_to_async(Contribution.objects.exists)()
