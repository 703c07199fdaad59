"""Every live-room command over the websocket: what it changes and what everyone sees."""

import pytest
from asgiref.sync import sync_to_async

from agora import services
from agora.models import Connection, Floor, LiveSession, Participant, RaisedHand
from tests.live import command, next_of, room

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_hub")]


def second_participant(live_session, name="Bruno"):
    return sync_to_async(services.join)(session=live_session, display_name=name)


async def test_focus_change_reaches_participants_with_the_clause(live_session, facilitator, participant, clause):
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=participant) as ws:
        assert (await command(fac, "session.set_focus", {"clause_id": clause.pk}))["type"] == "ack"
        event = await next_of(ws, "session.focus_changed")
    assert event["data"]["clause"]["id"] == clause.pk
    assert event["data"]["clause"]["text"] == clause.text
    assert (await sync_to_async(LiveSession.objects.get)(pk=live_session.pk)).focus_clause_id == clause.pk


async def test_focus_outside_the_scope_is_refused(agora, facilitator, manifesto):
    def open_with_scope():
        first, second = manifesto.clauses.order_by("number")[:2]
        return services.open_session(actor=facilitator, agora=agora, clause_ids=[first.pk]), second

    session, outside = await sync_to_async(open_with_scope)()
    async with room(session, user=facilitator) as fac:
        reply = await command(fac, "session.set_focus", {"clause_id": outside.pk})
    assert reply["code"] == "invalid"


async def test_timer_starts_and_stops(live_session, facilitator, participant):
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=participant) as ws:
        ack = await command(fac, "session.set_timer", {"seconds": 300})
        started = await next_of(ws, "session.timer_changed")
        await command(fac, "session.set_timer", {"seconds": None})
        stopped = await next_of(ws, "session.timer_changed")
        too_long = await command(fac, "session.set_timer", {"seconds": 10**6})
    assert ack["data"]["ends_at"] == started["data"]["ends_at"]
    assert started["data"]["seconds"] == 300
    assert stopped["data"] == {"session_id": live_session.pk, "ends_at": None, "seconds": None}
    assert too_long["code"] == "invalid"


async def test_speaker_queue_raise_give_floor_lower_clear(live_session, facilitator, participant):
    bruno = await second_participant(live_session)
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=participant) as amina, \
            room(live_session, participant=bruno) as b:
        await command(amina, "queue.raise_hand")
        assert [h["display_name"] for h in (await next_of(fac, "queue.changed"))["data"]["hands"]] == ["Amina"]
        await command(b, "queue.raise_hand")
        assert [h["display_name"] for h in (await next_of(fac, "queue.changed"))["data"]["hands"]] == ["Amina", "Bruno"]
        await command(fac, "queue.give_floor", {"participant_id": participant.pk})
        state = await next_of(b, "queue.changed")
        while state["data"]["floor"] is None:
            state = await next_of(b, "queue.changed")
        assert state["data"]["floor"]["display_name"] == "Amina"
        assert [h["display_name"] for h in state["data"]["hands"]] == ["Bruno"]
        reply = await command(fac, "queue.lower", {"participant_id": bruno.pk})
        assert reply["type"] == "ack", reply
        state = await next_of(amina, "queue.changed", timeout=3)
        while [h["display_name"] for h in state["data"]["hands"]] != []:  # skip frames sent before the lowering
            state = await next_of(amina, "queue.changed", timeout=3)
        assert state["data"]["floor"]["display_name"] == "Amina"
        assert not await sync_to_async(RaisedHand.objects.filter(participant=bruno).exists)()
        await command(fac, "queue.clear")
    assert not await sync_to_async(RaisedHand.objects.exists)()
    assert not await sync_to_async(Floor.objects.exists)()


async def test_raising_twice_is_one_hand_and_lowering_your_own(live_session, participant):
    async with room(live_session, participant=participant) as ws:
        await command(ws, "queue.raise_hand")
        await command(ws, "queue.raise_hand")
        assert await sync_to_async(RaisedHand.objects.count)() == 1
        await command(ws, "queue.lower_hand")
    assert await sync_to_async(RaisedHand.objects.count)() == 0


async def test_removed_participant_is_disconnected_and_refused(live_session, facilitator, participant):
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=participant) as ws:
        await command(ws, "queue.raise_hand")
        ack = await command(fac, "session.remove_participant", {"participant_id": participant.pk})
        assert ack["data"] == {"participant_id": participant.pk}
        removed = await next_of(ws, "error")
        assert removed["code"] == "removed"
        assert (await ws.receive_output(timeout=3))["type"] == "websocket.close"
    assert (await sync_to_async(Participant.objects.get)(pk=participant.pk)).removed_at is not None
    assert not await sync_to_async(RaisedHand.objects.exists)()
    from tests.live import communicator, session_cookie

    cookie = await sync_to_async(session_cookie)(participant=participant)
    again = communicator(live_session.pk, cookie=cookie)
    await again.connect()
    assert (await again.receive_json_from())["code"] == "not_joined"


async def test_closing_the_session_refuses_further_commands(live_session, facilitator, participant):
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=participant) as ws:
        await command(fac, "session.close")
        assert (await next_of(ws, "session.closed"))["data"] == {"session_id": live_session.pk}
        assert (await command(ws, "queue.raise_hand"))["code"] == "session_closed"
        assert (await command(fac, "session.set_phase", {"phase": "closing"}))["code"] == "session_closed"


async def test_presence_count_and_list(live_session, facilitator, participant):
    async with room(live_session, user=facilitator) as fac:
        async with room(live_session, participant=participant):
            count = await next_of(fac, "presence.changed")
            while count["data"]["count"] != 2:
                count = await next_of(fac, "presence.changed")
            listed = await command(fac, "presence.list")
            assert listed["data"]["participants"] == [
                {"id": participant.pk, "display_name": "Amina", "organisation": "Coop du Val", "ess_family": "cooperative"}]
        assert count["seq"] is None
        count = await next_of(fac, "presence.changed")
        while count["data"]["count"] != 1:
            count = await next_of(fac, "presence.changed")
    assert count["data"] == {"session_id": live_session.pk, "count": 1}


async def test_connections_of_a_dead_process_expire(live_session, participant, settings):
    from datetime import timedelta

    from django.utils import timezone

    def ghost():
        Connection.objects.create(session=live_session, participant=participant, key="ghost",
                                  seen_at=timezone.now() - timedelta(seconds=settings.LIVE_PRESENCE_TIMEOUT + 1))
        from agora.selectors import presence_count

        before = presence_count(live_session.pk)
        touched = services.forget_stale_connections()
        return before, touched

    before, touched = await sync_to_async(ghost)()
    assert before == 0  # not counted even before the sweep
    assert touched == [(live_session.pk, live_session.agora.manifesto_id)]


async def test_events_of_every_command_match_the_vocabulary(live_session, facilitator, participant, clause,
                                                            journal_events):
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=participant) as ws:
        await command(ws, "queue.raise_hand")
        await command(fac, "session.set_focus", {"clause_id": clause.pk})
        await command(fac, "session.set_timer", {"seconds": 30})
        await command(fac, "session.set_phase", {"phase": "supports"})
        await command(fac, "queue.give_floor", {"participant_id": participant.pk})
        await command(fac, "session.remove_participant", {"participant_id": participant.pk})
        await command(fac, "session.close")
    events = await sync_to_async(journal_events)(live_session.agora.manifesto)
    types = {e.type for e in events}
    assert {"session.opened", "queue.changed", "session.focus_changed", "session.timer_changed",
            "session.phase_changed", "session.participant_removed", "session.closed"} <= types
