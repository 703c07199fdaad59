"""The per-process hub: one listener per process, membership renewal, ordered gapless delivery."""

import asyncio
from contextlib import AsyncExitStack
from unittest import mock

import pytest
from asgiref.sync import sync_to_async

from agora import hub as live_hub
from manifesto.journal import encode, group_name, scope_of
from tests.live import command, eventually, next_of, nothing_before_marker, nothing_queued, receive, room

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
        "type": "journal.event", "manifesto_id": event.manifesto_id, "seq": event.seq,
        "session_id": scope_of(event), "frame": encode(event)})


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
        stats = live_hub.get().stats.copy()
        await nothing_before_marker(ws, fac)
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
            for ws in (a, b):
                await nothing_before_marker(ws, fac)
        stats = live_hub.get().stats
    assert reads.call_count == 1  # once for the process, whatever its number of sockets
    assert stats["read_back"] == 1


async def test_a_lost_last_event_is_read_back_by_the_journal_check(live_session, facilitator, participant, settings):
    """No later frame reveals a lost last event (a phase change): the periodic check does."""
    settings.LIVE_HUB_CHECK_SECONDS = 3600  # the check runs when the test says, not in the middle of it
    async with room(live_session, participant=participant) as ws, room(live_session, user=facilitator) as fac:
        (lost,) = await silent_commands(fac, "proposals")
        await nothing_queued(ws)
        await live_hub.get().check_journal()
        frame = await next_of(ws, "session.phase_changed")
    assert (frame["seq"], frame["data"]["phase"]) == (lost.seq, "proposals")


async def test_duplicate_frames_are_delivered_once(live_session, facilitator, participant):
    async with room(live_session, participant=participant) as ws, room(live_session, user=facilitator) as fac:
        (event,) = await silent_commands(fac, "proposals")
        await broadcast(event)
        await broadcast(event)
        assert await journaled(ws, 1) == [("session.phase_changed", event.seq)]
        await nothing_before_marker(ws, fac)
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


# ---------------------------------------------------------------------- scoping: many rooms at once


@pytest.fixture
def other_session(manifesto, facilitator):
    """A second agora of the same manifesto, live at the same time (Marseille beside Lille)."""
    from agora import services
    from tests.factories import make_agora

    agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de Marseille")
    return services.open_session(actor=facilitator, agora=agora)


def text_wide_event(manifesto_id: int, status: str):
    from django.db import transaction

    from manifesto.journal import record_event

    with transaction.atomic():
        return record_event(manifesto_id=manifesto_id, type="manifesto.status_changed", data={"status": status})


async def test_a_socket_receives_its_session_and_the_text_not_other_rooms(live_session, other_session, facilitator,
                                                                          participant):
    """Each frame says with `prev` which seq came before it in the socket's scope, so gaps stay visible."""
    manifesto_id = live_session.agora.manifesto_id
    async with room(live_session, participant=participant) as lille, room(live_session, user=facilitator) as fac, \
            room(other_session, user=facilitator) as marseille:
        start = lille.first["seq"]
        await command(marseille, "session.set_timer", {"seconds": 60})  # another room: not for Lille
        text = await sync_to_async(text_wide_event)(manifesto_id, "open")
        await command(fac, "session.set_phase", {"phase": "proposals"})
        await command(marseille, "session.set_timer", {"seconds": 90})
        received = [await receive(lille) for _ in range(2)]
        own = received[-1]
        await nothing_before_marker(lille, fac)
        seen_by_marseille = [(await next_of(marseille, "session.timer_changed"))["seq"],
                             (await next_of(marseille, "manifesto.status_changed"))["seq"],
                             (await next_of(marseille, "session.timer_changed"))["seq"]]
    assert [(f["type"], f["seq"], f["prev"]) for f in received] == [
        ("manifesto.status_changed", text.seq, start), ("session.phase_changed", own["seq"], text.seq)]
    assert seen_by_marseille == [start + 1, start + 2, start + 4]


async def test_resume_replays_only_the_sessions_scope_with_prev(live_session, other_session, facilitator,
                                                                participant):
    async with room(live_session, user=facilitator) as fac, room(other_session, user=facilitator) as marseille:
        start = fac.first["seq"]
        await command(fac, "session.set_phase", {"phase": "proposals"})
        await command(marseille, "session.set_timer", {"seconds": 60})
        await command(fac, "session.set_timer", {"seconds": 30})
    async with room(live_session, participant=participant, since=start, first=None) as ws:
        replay = []
        while not replay or replay[-1]["type"] != "resumed":
            replay.append(await receive(ws))
    assert [(f["type"], f["seq"], f.get("prev")) for f in replay] == [
        ("session.phase_changed", start + 1, start), ("session.timer_changed", start + 3, start + 1),
        ("resumed", start + 3, None)]


async def test_a_database_thread_hands_its_broadcast_to_the_hub_and_does_not_wait_for_the_layer(live_session,
                                                                                                participant):
    """After commit, the broadcast is queued on the hub's loop: the thread returns while the layer
    is still busy, and the hub's task sends it (docs/realtime.md, "Commands under load")."""
    from manifesto import journal

    message = {"type": "journal.event", "manifesto_id": live_session.agora.manifesto_id, "seq": 10**6,
               "session_id": None, "frame": "{}"}
    async with room(live_session, participant=participant):
        hub = live_hub.get()
        release, sent = asyncio.Event(), []

        async def slow_send(group, msg):
            sent.append((group, msg["seq"], asyncio.get_running_loop()))
            await release.wait()

        with mock.patch.object(hub.layer, "group_send", slow_send):
            event = mock.Mock(manifesto_id=message["manifesto_id"], seq=message["seq"])
            with mock.patch("manifesto.journal.encode", return_value="{}"), \
                 mock.patch("manifesto.journal.scope_of", return_value=None):
                await asyncio.wait_for(sync_to_async(journal.broadcast, thread_sensitive=False)(event), 2)
            await eventually(lambda: sent)
            assert sent == [(group_name(message["manifesto_id"]), message["seq"], hub.loop)]
            release.set()
        await hub.stop()
    # Stopped: the hub no longer takes broadcasts, and a thread sends its own.
    assert hub.hand_over(message) is False
    assert journal.hand_broadcasts_to(None) is None


async def test_a_broadcast_the_hub_could_not_send_is_counted_as_failed(live_session, participant):
    from manifesto import journal

    failed = []

    def on_failed(sender, message, **kwargs):
        failed.append(message["seq"])

    journal.broadcast_failed.connect(on_failed)
    try:
        async with room(live_session, participant=participant):
            hub = live_hub.get()

            async def broken_send(group, msg):
                raise ConnectionError("Redis is down")

            with mock.patch.object(hub.layer, "group_send", broken_send):
                assert hub.hand_over({"type": "journal.event", "manifesto_id": live_session.agora.manifesto_id,
                                      "seq": 41, "session_id": None, "frame": "{}"})
                await eventually(lambda: failed)
    finally:
        journal.broadcast_failed.disconnect(on_failed)
    assert failed == [41]
