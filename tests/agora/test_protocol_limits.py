"""The frame limits as docs/realtime.md states them, against a real daphne (Autobahn's own limit included)."""

import asyncio
import json

import pytest
import websockets

from tests.agora.test_e2e import Client, join, open_room
from tests.server import daphne, live_server_env, prepare_database

pytestmark = pytest.mark.server


@pytest.fixture
def server(tmp_path):
    env = live_server_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    prepare_database(env)
    with daphne(env) as base:
        yield base


async def test_frames_over_the_limits(server):
    session_id, code, fac_browser = await asyncio.to_thread(open_room, server)
    amina_browser = await asyncio.to_thread(join, server, code, "Amina")
    fac, amina = Client(server, session_id, fac_browser), Client(server, session_id, amina_browser)
    await fac.connect()
    await amina.connect()

    # Over LIVE_MAX_FRAME_BYTES (64 KiB) but under daphne's 1 MiB: a named error, the socket stays.
    await amina.ws.send(json.dumps({"type": "queue.raise_hand", "id": "big", "data": {"pad": "é" * 40_000}}))
    assert (await amina.next("error"))["code"] == "frame_too_large"
    assert (await amina.command("queue.raise_hand"))["type"] == "ack"

    # Over 1 MiB: daphne drops the TCP connection (abnormal closure, 1006), as documented.
    await amina.ws.send(json.dumps({"type": "queue.lower_hand", "id": "huge", "data": {"pad": "x" * (1 << 20)}}))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:  # the raised hand's event may still be on its way (it and the ack come in either order)
            await asyncio.wait_for(amina.ws.recv(), 10)
    assert closed.value.rcvd is None  # no close frame from the server: code 1006
    assert amina.ws.close_code == 1006

    # Nothing was applied, and everyone else carries on.
    assert (await fac.command("session.set_phase", {"phase": "proposals"}))["type"] == "ack"
    presence = await fac.command("presence.list")
    assert presence["type"] == "ack"
    await fac.ws.close()


async def test_a_burst_of_thirty_gets_at_most_ten_through_in_any_second(server):
    """The limit checked exactly, however slow the run: from the client's clocks only.

    The server decides on each message at some moment between its sending and the arrival of its
    reply, and in order. So eleven let through within less than a second of each other (the
    first's sending to the eleventh's reply) break the limit, and a refusal is right only if the
    tenth message let through before it was answered less than a second before it was sent.
    """
    session_id, code, fac_browser = await asyncio.to_thread(open_room, server)
    fac = Client(server, session_id, fac_browser)
    await fac.connect()
    clock = asyncio.get_running_loop().time
    sent, answered = {}, {}

    async def read_replies():
        while len(answered) < 30:
            frame = await fac.next("error")
            answered[frame["in_reply_to"]] = (clock(), frame["code"])

    reader = asyncio.create_task(read_replies())
    for i in range(30):  # unknown commands: answered without touching the database
        sent[f"b{i}"] = clock()
        await fac.ws.send(json.dumps({"type": "burst.test", "id": f"b{i}", "data": {}}))
    await asyncio.wait_for(reader, 30)
    await fac.ws.close()

    order = [f"b{i}" for i in range(30)]
    assert {code for _at, code in answered.values()} <= {"unknown_command", "rate_limited"}
    through = [m for m in order if answered[m][1] == "unknown_command"]
    assert through[:10] == order[:10]  # a fresh connection: the first ten go through
    for earlier, later in zip(through, through[10:]):
        assert answered[later][0] - sent[earlier] >= 1.0, f"{earlier} to {later}: eleven within a second"
    for refused in (m for m in order if answered[m][1] == "rate_limited"):
        before = [m for m in through if order.index(m) < order.index(refused)]
        assert len(before) >= 10 and sent[refused] - answered[before[-10]][0] < 1.0, f"{refused} refused wrongly"
