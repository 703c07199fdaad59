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


async def test_a_burst_of_thirty_gets_at_most_ten_through_in_a_second(server):
    session_id, code, fac_browser = await asyncio.to_thread(open_room, server)
    fac = Client(server, session_id, fac_browser)
    await fac.connect()
    loop = asyncio.get_running_loop()
    started = loop.time()
    for i in range(30):  # unknown commands: answered without touching the database
        await fac.ws.send(json.dumps({"type": "burst.test", "id": f"b{i}", "data": {}}))
    codes = [(await fac.next("error"))["code"] for _ in range(30)]
    elapsed = loop.time() - started
    through = codes.count("unknown_command")
    assert codes.count("rate_limited") + through == 30
    # At most 10 in any one-second window: exactly 10 when the burst was answered within a second.
    assert through == 10 if elapsed < 1.0 else through <= 10 * (int(elapsed) + 1)
    await fac.ws.close()
