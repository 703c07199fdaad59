"""The per-process hub: one listener per process, membership renewal, and gaps filled by resume."""

from unittest import mock

import pytest
from asgiref.sync import sync_to_async

from agora import hub as live_hub
from manifesto.journal import group_name
from tests.live import command, next_of, receive, room

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_hub")]


async def test_one_listener_channel_per_process_whatever_the_number_of_connections(live_session, facilitator,
                                                                                    participant):
    async with room(live_session, user=facilitator), room(live_session, participant=participant):
        hub = live_hub.get()
        assert len(hub.rooms[live_session.agora.manifesto_id]) == 2
        assert await group_members(hub.layer, group_name(live_session.agora.manifesto_id)) == [hub.channel]


async def group_members(layer, group: str) -> list[str]:
    """The channels in a group, read from the layer itself: in memory, or Redis's sorted set."""
    if hasattr(layer, "groups"):
        return list(layer.groups.get(group, {}))
    connection = layer.connection(layer.consistent_hash(group))
    return [member.decode() for member in await connection.zrange(layer._group_key(group), 0, -1)]


async def test_membership_is_renewed_and_empty_rooms_are_left(live_session, participant):
    calls = []
    async with room(live_session, participant=participant):
        hub = live_hub.get()
        original_add = hub.layer.group_add

        async def spy_add(group, channel):
            calls.append(("add", group))
            return await original_add(group, channel)

        with mock.patch.object(hub.layer, "group_add", spy_add):
            await hub.renew()
    assert calls == [("add", group_name(live_session.agora.manifesto_id))]
    await hub.renew()  # the room is empty now: the process leaves the group
    assert live_session.agora.manifesto_id not in hub.rooms


async def test_a_dropped_broadcast_is_recovered_by_resume(live_session, facilitator, participant):
    """The layer may drop messages (capacity, at-most-once): the client sees the gap and resumes."""
    async with room(live_session, participant=participant) as ws, room(live_session, user=facilitator) as fac:
        seen = ws.first["seq"]
        with mock.patch("manifesto.journal.broadcast"):  # this event is journaled but never delivered
            await command(fac, "session.set_phase", {"phase": "proposals"})
        await command(fac, "session.set_phase", {"phase": "supports"})
        late = await next_of(ws, "session.phase_changed")
        assert late["seq"] == seen + 2  # a gap: seen + 1 never arrived
        await ws.send_json_to({"type": "resume", "data": {"seq": seen}})
        replay = [await receive(ws) for _ in range(3)]
    assert [(f["type"], f["seq"]) for f in replay] == [
        ("session.phase_changed", seen + 1), ("session.phase_changed", seen + 2), ("resumed", seen + 2)]
    assert replay[0]["data"]["phase"] == "proposals"


async def test_events_reach_all_local_connections_once(live_session, facilitator, participant):
    from agora import services

    bruno = await sync_to_async(services.join)(session=live_session, display_name="Bruno")
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=participant) as a, \
            room(live_session, participant=bruno) as b:
        await command(fac, "session.set_timer", {"seconds": 60})
        for ws in (a, b):
            event = await next_of(ws, "session.timer_changed")
            assert event["data"]["seconds"] == 60
            from tests.live import nothing_more

            assert await nothing_more(ws)
