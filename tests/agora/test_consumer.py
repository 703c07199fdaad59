"""The live room's websocket, through the whole ASGI stack (origin check, session auth)."""

import json

import pytest
from asgiref.sync import sync_to_async

from agora.models import CommandReceipt, LiveSession, RaisedHand
from tests.live import command, communicator, next_of, nothing_before_marker, receive, room, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_hub")]


def reload(obj):
    return sync_to_async(lambda: type(obj).objects.get(pk=obj.pk))()


async def test_facilitator_gets_a_snapshot_on_connect(live_session, facilitator):
    async with room(live_session, user=facilitator) as ws:
        snapshot = ws.first
    assert snapshot["type"] == "snapshot"
    assert snapshot["data"]["session"]["code"] == live_session.code
    assert snapshot["data"]["session"]["you"]["is_facilitator"] is True
    assert snapshot["data"]["queue"] == {"hands": [], "floor": None}
    assert snapshot["seq"] >= 1


async def test_participant_gets_a_snapshot_with_their_identity(live_session, participant):
    async with room(live_session, participant=participant) as ws:
        you = ws.first["data"]["session"]["you"]
    assert you == {"participant": {"id": participant.pk, "display_name": "Amina", "organisation": "Coop du Val",
                                   "ess_family": "cooperative"}, "is_facilitator": False}


async def test_stranger_is_refused(live_session, outsider):
    cookie = await sync_to_async(session_cookie)(user=outsider)
    ws = communicator(live_session.pk, cookie=cookie)
    connected, _ = await ws.connect()
    assert connected
    frame = await ws.receive_json_from()
    assert frame["code"] == "not_joined"
    assert (await ws.receive_output())["type"] == "websocket.close"


async def test_anonymous_browser_is_refused(live_session):
    ws = communicator(live_session.pk)
    await ws.connect()
    assert (await ws.receive_json_from())["code"] == "not_joined"


async def test_foreign_origin_is_refused(live_session, facilitator):
    cookie = await sync_to_async(session_cookie)(user=facilitator)
    ws = communicator(live_session.pk, cookie=cookie, origin=b"http://evil.example")
    connected, _ = await ws.connect()
    assert not connected


async def test_phase_change_is_acked_and_broadcast(live_session, facilitator, participant):
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=participant) as part:
        reply = await command(fac, "session.set_phase", {"phase": "proposals"})
        assert reply == {"type": "ack", "in_reply_to": reply["in_reply_to"], "data": {"phase": "proposals"}}
        event = await next_of(part, "session.phase_changed")
        assert event["data"] == {"session_id": live_session.pk, "phase": "proposals"}  # a code: each client names it
        assert event["seq"] == part.first["seq"] + 1
    assert (await reload(live_session)).phase == "proposals"


@pytest.mark.parametrize(
    "type, data",
    [
        ("session.set_phase", {"phase": "proposals"}),
        ("session.set_focus", {"clause_id": None}),
        ("session.set_timer", {"seconds": 60}),
        ("session.close", {}),
        ("session.remove_participant", {"participant_id": 1}),
        ("queue.lower", {"participant_id": 1}),
        ("queue.give_floor", {"participant_id": None}),
        ("queue.clear", {}),
        ("presence.list", {}),
    ],
)
async def test_participant_cannot_send_facilitator_commands(live_session, participant, journal_events, type, data):
    before = await sync_to_async(lambda: len(journal_events(live_session.agora.manifesto)))()
    async with room(live_session, participant=participant) as ws:
        reply = await command(ws, type, data)
    assert reply["type"] == "error" and reply["code"] == "forbidden"
    assert reply["message"]
    after = await sync_to_async(lambda: len(journal_events(live_session.agora.manifesto)))()
    assert after == before
    assert (await reload(live_session)).phase == "welcome"


async def test_facilitator_cannot_raise_a_hand(live_session, facilitator):
    async with room(live_session, user=facilitator) as ws:
        reply = await command(ws, "queue.raise_hand")
    assert reply["code"] == "forbidden"


async def test_malformed_json_gets_an_error_and_the_connection_stays(live_session, participant):
    async with room(live_session, participant=participant) as ws:
        await ws.send_to(text_data="{not json")
        assert (await next_of(ws, "error"))["code"] == "malformed"
        await ws.send_to(text_data="[1, 2]")
        assert (await next_of(ws, "error"))["code"] == "malformed"
        await ws.send_to(bytes_data=b"\x00")
        assert (await next_of(ws, "error"))["code"] == "malformed"
        await ws.send_json_to({"type": "queue.raise_hand", "data": {}})  # no id
        assert (await next_of(ws, "error"))["code"] == "malformed"
        reply = await command(ws, "queue.raise_hand")
        assert reply["type"] == "ack"


async def test_unknown_command_and_wrong_fields(live_session, facilitator):
    async with room(live_session, user=facilitator) as ws:
        assert (await command(ws, "session.dance", {}))["code"] == "unknown_command"
        assert (await command(ws, "session.set_phase", {}))["code"] == "invalid_command"
        assert (await command(ws, "session.set_phase", {"phase": 3}))["code"] == "invalid_command"
        assert (await command(ws, "session.set_phase", {"phase": "x", "more": 1}))["code"] == "invalid_command"
        assert (await command(ws, "session.set_phase", {"phase": "nap"}))["code"] == "invalid"
        assert (await command(ws, "session.set_focus", {"clause_id": 999999}))["code"] == "not_found"
    assert (await reload(live_session)).phase == "welcome"


async def test_oversize_frame_is_refused(live_session, participant, settings):
    async with room(live_session, participant=participant) as ws:
        await ws.send_to(text_data=json.dumps({"type": "queue.raise_hand", "id": "big", "data": {"x": "é" * 40000}}))
        reply = await next_of(ws, "error")
        assert reply["code"] == "frame_too_large"
        assert (await command(ws, "queue.raise_hand"))["type"] == "ack"


async def test_flood_is_throttled_for_that_connection_only(live_session, participant, facilitator, settings):
    settings.LIVE_COMMANDS_PER_SECOND = 3
    async with room(live_session, participant=participant) as flooder, room(live_session, user=facilitator) as other:
        for i in range(8):
            await flooder.send_json_to({"type": "ping-not", "id": f"f{i}", "data": {}})
        codes = [(await next_of(flooder, "error"))["code"] for _ in range(8)]
        assert codes.count("rate_limited") == 5
        assert (await command(other, "session.set_phase", {"phase": "proposals"}))["type"] == "ack"


async def test_duplicate_command_id_is_applied_once(live_session, participant, journal_events):
    async with room(live_session, participant=participant) as ws:
        first = await command(ws, "queue.raise_hand", id="same")
        await next_of(ws, "queue.changed")
        await command(ws, "queue.lower_hand", id="lower")
        await next_of(ws, "queue.changed")
        again = await command(ws, "queue.raise_hand", id="same")
    assert again == first
    assert not await sync_to_async(RaisedHand.objects.filter(participant=participant).exists)()
    assert await sync_to_async(CommandReceipt.objects.filter(command_id="same").count)() == 1


async def test_duplicate_id_after_reconnect_gets_the_stored_error(live_session, facilitator):
    async with room(live_session, user=facilitator) as ws:
        refused = await command(ws, "session.set_focus", {"clause_id": 424242}, id="f1")
    async with room(live_session, user=facilitator) as ws:
        again = await command(ws, "session.set_focus", {"clause_id": 424242}, id="f1")
    assert refused["code"] == "not_found" and again == refused


async def test_command_not_allowed_in_this_phase(live_session, participant, facilitator):
    from agora.registry import command as register, _registry

    @register("test.phase_only", roles={"participant"}, phases={"supports"})
    def handler(ctx, data):
        return {"ok": True}

    from manifesto import vocabulary

    vocabulary.COMMANDS["test.phase_only"] = vocabulary.Shape("test.phase_only", {})
    try:
        async with room(live_session, participant=participant) as ws:
            reply = await command(ws, "test.phase_only")
            assert reply["code"] == "wrong_phase"
            assert "Accueil" in reply["message"]
            await sync_to_async(lambda: LiveSession.objects.filter(pk=live_session.pk).update(phase="supports"))()
            assert (await command(ws, "test.phase_only"))["data"] == {"ok": True}
    finally:
        del vocabulary.COMMANDS["test.phase_only"]
        del _registry["test.phase_only"]


async def test_resume_from_a_seq_replays_exactly_the_missed_events(live_session, facilitator, participant):
    async with room(live_session, participant=participant) as ws:
        seen = ws.first["seq"]
    async with room(live_session, user=facilitator) as fac:
        await command(fac, "session.set_phase", {"phase": "proposals"})
        await command(fac, "session.set_timer", {"seconds": 120})
        await command(fac, "session.set_phase", {"phase": "supports"})
    async with room(live_session, participant=participant, since=seen, first=None) as ws, \
            room(live_session, user=facilitator) as fac:
        frames = [await receive(ws) for _ in range(4)]
        await nothing_before_marker(ws, fac)
    assert [f["type"] for f in frames] == [
        "session.phase_changed", "session.timer_changed", "session.phase_changed", "resumed"]
    assert [f["seq"] for f in frames] == [seen + 1, seen + 2, seen + 3, seen + 3]


async def test_resume_from_an_unknown_seq_gets_a_snapshot(live_session, participant):
    async with room(live_session, participant=participant, since=10**9) as ws:
        assert ws.first["type"] == "snapshot"


async def test_resume_too_far_behind_gets_a_snapshot(live_session, participant, facilitator, settings):
    settings.LIVE_RESUME_LIMIT = 2
    async with room(live_session, user=facilitator) as fac:
        for seconds in (10, 20, 30):
            await command(fac, "session.set_timer", {"seconds": seconds})
    async with room(live_session, participant=participant, since=0) as ws:
        assert ws.first["type"] == "snapshot"
        assert ws.first["data"]["session"]["timer_ends_at"]


async def test_resume_message_on_an_open_connection(live_session, participant, facilitator):
    async with room(live_session, participant=participant) as ws, room(live_session, user=facilitator) as fac:
        seen = ws.first["seq"]
        await command(fac, "session.set_phase", {"phase": "proposals"})
        await next_of(ws, "session.phase_changed")
        await ws.send_json_to({"type": "resume", "data": {"seq": seen}})
        replayed = await receive(ws)
        assert replayed["type"] == "session.phase_changed" and replayed["seq"] == seen + 1
        assert (await receive(ws)) == {"type": "resumed", "seq": seen + 1}


async def test_ping_gets_a_pong_with_the_last_seq_sent(live_session, participant):
    async with room(live_session, participant=participant) as ws:
        await ws.send_json_to({"type": "ping"})
        assert await next_of(ws, "pong") == {"type": "pong", "seq": ws.first["seq"]}
