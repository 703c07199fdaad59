"""End to end against real daphne processes, with the `websockets` client library.

Set up through HTTP like a person would: the demo facilitator logs in and opens a session,
participants join by code; then everyone talks to the websocket endpoint for real.
"""

import asyncio
import json
import re
import uuid

import pytest
import websockets

from tests import services
from tests.server import Browser, daphne, free_port, live_server_env, prepare_database

pytestmark = pytest.mark.server
DEMO_PASSWORD = "demo-coecrire"


def open_room(base: str):
    """(session id, code, facilitator browser) for a new session of the demo agora."""
    facilitator = Browser(base)
    facilitator.login("animateur", DEMO_PASSWORD)
    url, page = facilitator.post("/agoras/agora-lille/ouvrir/", {})
    session_id = int(re.search(r"/seance/(\d+)/animer/", url).group(1))
    code = re.search(r'class="join-code">([A-Z0-9]+)<', page).group(1)
    return session_id, code, facilitator


def join(base: str, code: str, name: str) -> Browser:
    browser = Browser(base)
    url, page = browser.post("/agoras/rejoindre/", {"code": code, "display_name": name})
    assert "/seance/" in url and name in page
    return browser


class Client:
    def __init__(self, base: str, session_id: int, browser: Browser):
        self.ws_url = base.replace("http", "ws") + f"/ws/live/{session_id}/"
        self.origin = base
        self.browser = browser
        self.ws = None
        self.seq = None
        self.counter = 0
        self.inbox = []

    async def connect(self, since=None):
        url = self.ws_url + (f"?since={since}" if since is not None else "")
        self.inbox = []
        self.ws = await websockets.connect(url, origin=self.origin,
                                           additional_headers={"Cookie": self.browser.cookie_header()})
        first = await self.next("snapshot", "resumed")
        return first

    async def take(self, match, timeout=10.0) -> dict:
        """The first frame (set aside earlier, or arriving now) that `match`es; others are set aside."""
        for i, frame in enumerate(self.inbox):
            if match(frame):
                return self.inbox.pop(i)
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if match(frame):
                return frame
            self.inbox.append(frame)

    async def next(self, *types, timeout=10.0):
        return await self.take(lambda f: f["type"] in types, timeout)

    async def journal(self, count: int, timeout=10.0) -> list[dict]:
        """The next `count` journaled events, in arrival order (presence counts have a null seq)."""
        return [await self.take(lambda f: f.get("seq") is not None and f["type"] != "snapshot", timeout)
                for _ in range(count)]

    async def command(self, type, data=None):
        self.counter += 1
        command_id = f"{id(self)}-{self.counter}"
        await self.ws.send(json.dumps({"type": type, "id": command_id, "data": data or {}}))
        while True:
            frame = await self.next("ack", "error")
            if frame["in_reply_to"] == command_id:
                return frame


@pytest.fixture
def embedded_server(tmp_path):
    env = live_server_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    prepare_database(env)
    with daphne(env) as base:
        yield base


async def test_reconnecting_participant_gets_exactly_the_missed_events_once_in_order(embedded_server):
    base = embedded_server
    session_id, code, fac_browser = await asyncio.to_thread(open_room, base)
    amina_browser = await asyncio.to_thread(join, base, code, "Amina")
    bruno_browser = await asyncio.to_thread(join, base, code, "Bruno")
    fac, amina, bruno = (Client(base, session_id, b) for b in (fac_browser, amina_browser, bruno_browser))
    await fac.connect()
    await amina.connect()
    snapshot = await bruno.connect()
    assert snapshot["type"] == "snapshot"
    assert snapshot["data"]["session"]["you"]["participant"]["display_name"] == "Bruno"

    assert (await fac.command("session.set_phase", {"phase": "proposals"}))["type"] == "ack"
    seen = (await bruno.journal(1))[0]["seq"]
    await bruno.ws.close()

    assert (await amina.command("queue.raise_hand"))["type"] == "ack"
    await fac.command("session.set_timer", {"seconds": 90})
    await fac.command("session.set_phase", {"phase": "supports"})
    missed = await amina.journal(4)  # phase (already), queue, timer, phase
    missed = [f for f in missed if f["seq"] > seen]
    assert [f["type"] for f in missed] == ["queue.changed", "session.timer_changed", "session.phase_changed"]

    resumed = Client(base, session_id, bruno_browser)
    resumed.ws = await websockets.connect(resumed.ws_url + f"?since={seen}", origin=base,
                                          additional_headers={"Cookie": bruno_browser.cookie_header()})
    replay = []
    while True:
        frame = json.loads(await asyncio.wait_for(resumed.ws.recv(), 10))
        if frame["type"] == "resumed":
            break
        if frame.get("seq") is not None:
            replay.append(frame)
    assert replay == missed  # exactly the missed events, in order, each once
    assert frame["seq"] == missed[-1]["seq"]
    # Live again: the next event arrives once.
    await fac.command("session.set_phase", {"phase": "closing"})
    after = await resumed.journal(1)
    assert after[0]["seq"] == missed[-1]["seq"] + 1
    for client in (fac, amina, resumed):
        await client.ws.close()


async def test_vanished_client_drops_out_of_presence(tmp_path):
    """A client that stops answering (phone locked, Wi-Fi gone) is dropped by the server's ping timeout."""
    env = live_server_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    prepare_database(env)
    port = free_port()
    with daphne(env, port=port, extra_args=["--ping-interval", "1", "--ping-timeout", "2"]) as base:
        session_id, code, fac_browser = await asyncio.to_thread(open_room, base)
        ghost_browser = await asyncio.to_thread(join, base, code, "Fantôme")
        fac = Client(base, session_id, fac_browser)
        await fac.connect()
        ghost = Client(base, session_id, ghost_browser)
        await ghost.connect()
        count = await fac.next("presence.changed")
        while count["data"]["count"] != 2:
            count = await fac.next("presence.changed")
        ghost.ws.transport.pause_reading()  # no more pongs, no close frame: a vanished phone
        count = await fac.next("presence.changed", timeout=20)
        while count["data"]["count"] != 1:
            count = await fac.next("presence.changed", timeout=20)
        listed = await fac.command("presence.list")
        assert [p["display_name"] for p in listed["data"]["participants"]] == []
        await fac.ws.close()


async def test_two_daphne_processes_on_redis_share_a_room(tmp_path):
    redis_url = services.redis_url()
    env = live_server_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"), REDIS_URL=redis_url,
                     CHANNEL_PREFIX=f"e2e-{uuid.uuid4().hex[:8]}")
    prepare_database(env)
    with daphne(env) as one, daphne(env) as two:
        session_id, code, fac_browser = await asyncio.to_thread(open_room, one)
        amina_browser = await asyncio.to_thread(join, two, code, "Amina")
        fac = Client(one, session_id, fac_browser)
        amina = Client(two, session_id, amina_browser)
        await fac.connect()
        await amina.connect()
        # Idle longer than redis-py 8's default 5 s socket timeout before the first broadcast.
        await asyncio.sleep(6)
        await fac.command("session.set_phase", {"phase": "proposals"})
        event = (await amina.journal(1))[0]
        assert event["type"] == "session.phase_changed" and event["data"]["phase"] == "proposals"
        # And the other way round: a command on process two reaches process one.
        await amina.command("queue.raise_hand")
        event = await fac.next("queue.changed")
        assert event["data"]["hands"][0]["display_name"] == "Amina"
        count = await fac.next("presence.changed")
        while count["data"]["count"] != 2:
            count = await fac.next("presence.changed")
        await fac.ws.close()
        await amina.ws.close()
