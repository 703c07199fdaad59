"""The per-process hub: one listener per process, membership renewal, ordered gapless delivery."""

import asyncio
from contextlib import AsyncExitStack
from unittest import mock

import pytest
from asgiref.sync import sync_to_async

from agora import hub as live_hub
from manifesto.journal import encode, group_name
from tests.live import command, next_of, nothing_more, receive, room

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_hub")]


async def test_one_listener_channel_per_process_whatever_the_number_of_connections(live_session, facilitator,
                                                                                    participant):
    async with room(live_session, user=facilitator), room(live_session, participant=participant):
        hub = live_hub.get()
        assert len(hub.rooms[live_session.agora.manifesto_id]) == 2
        layer = hub.layer
        if hasattr(layer, "groups"):  # the in-memory layer shows its members
            assert list(layer.groups[group_name(live_session.agora.manifesto_id)]) == [hub.channel]


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


async def silent_commands(fac, *phases: str) -> list:
    """Run set_phase commands whose events are journaled but never broadcast; their journal rows."""
    from manifesto.models import Event

    with mock.patch("manifesto.journal.broadcast"):
        for phase in phases:
            assert (await command(fac, "session.set_phase", {"phase": phase}))["type"] == "ack"
    return await sync_to_async(lambda: list(Event.objects.order_by("-seq")[: len(phases)])[::-1])()


async def broadcast(event) -> None:
    """What journal.broadcast sends, at the moment the test chooses."""
    from channels.layers import get_channel_layer

    await get_channel_layer().group_send(group_name(event.manifesto_id), {
        "type": "journal.event", "manifesto_id": event.manifesto_id, "seq": event.seq, "frame": encode(event)})


async def journaled(ws, count: int) -> list[tuple[str, int]]:
    return [(f["type"], f["seq"]) for f in [await receive(ws) for _ in range(count)]]


async def test_frames_reaching_the_hub_out_of_order_are_delivered_in_order(live_session, facilitator, participant):
    """The cause of the events missed live: seq N+1 reached the process before seq N, and the
    socket dropped N as already sent. The hub holds N+1 until N arrives."""
    async with room(live_session, participant=participant) as ws, room(live_session, user=facilitator) as fac:
        first, second, third = await silent_commands(fac, "proposals", "supports", "closing")
        for event in (third, second, first):
            await broadcast(event)
        frames = await journaled(ws, 3)
        assert await nothing_more(ws)
        stats = live_hub.get().stats
    assert frames == [("session.phase_changed", e.seq) for e in (first, second, third)]
    assert stats["out_of_order"] == 2 and stats["read_back"] == 0


async def test_a_dropped_broadcast_is_read_back_from_the_journal_once_for_the_process(live_session, facilitator,
                                                                                    participant):
    """The layer may drop messages (capacity, at most once): the hub fills the gap from the journal,
    so clients receive every event in order without resuming."""
    from agora import services

    bruno = await sync_to_async(services.join)(session=live_session, display_name="Bruno")
    async with room(live_session, participant=participant) as a, room(live_session, participant=bruno) as b, \
            room(live_session, user=facilitator) as fac:
        lost, kept = await silent_commands(fac, "proposals", "supports")
        with mock.patch("agora.hub._events_between", wraps=live_hub._events_between) as reads:
            await broadcast(kept)
            for ws in (a, b):
                assert await journaled(ws, 2) == [("session.phase_changed", lost.seq), ("session.phase_changed", kept.seq)]
                assert await nothing_more(ws)
        stats = live_hub.get().stats
    assert reads.call_count == 1  # once for the process, whatever its number of sockets
    assert stats["read_back"] == 1


async def test_a_lost_last_event_is_read_back_by_the_journal_check(live_session, facilitator, participant):
    """No later frame reveals a lost last event (a phase change): the periodic check does."""
    async with room(live_session, participant=participant) as ws, room(live_session, user=facilitator) as fac:
        (lost,) = await silent_commands(fac, "proposals")
        assert await nothing_more(ws)
        await live_hub.get().check_journal()
        frame = await next_of(ws, "session.phase_changed")
    assert (frame["seq"], frame["data"]["phase"]) == (lost.seq, "proposals")


async def test_duplicate_frames_are_delivered_once(live_session, facilitator, participant):
    async with room(live_session, participant=participant) as ws, room(live_session, user=facilitator) as fac:
        (event,) = await silent_commands(fac, "proposals")
        await broadcast(event)
        await broadcast(event)
        assert await journaled(ws, 1) == [("session.phase_changed", event.seq)]
        assert await nothing_more(ws)
        assert live_hub.get().stats["duplicates"] == 1


async def test_facilitators_racing_deliver_every_event_in_order(live_session, facilitator, participant):
    """Several facilitators at once (each command's broadcast in its own thread): nothing missed live."""
    async with AsyncExitStack() as stack:
        ws = await stack.enter_async_context(room(live_session, participant=participant))
        facs = [await stack.enter_async_context(room(live_session, user=facilitator)) for _ in range(4)]
        start = ws.first["seq"]

        async def three_timers(fac):
            return [(await command(fac, "session.set_timer", {"seconds": 60 + i}))["type"] for i in range(3)]

        replies = await asyncio.gather(*[three_timers(f) for f in facs])
        assert replies == [["ack"] * 3] * 4
        seqs = [(await next_of(ws, "session.timer_changed"))["seq"] for _ in range(12)]
    assert seqs == list(range(start + 1, start + 13))
