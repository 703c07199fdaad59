"""Helpers to open the live room's websocket in tests, as a facilitator or as a participant.

    async with room(live_session, user=facilitator) as ws:
        await ws.send_json_to({"type": "session.set_phase", "id": "c1", "data": {"phase": "proposals"}})
        reply = await next_of(ws, "ack")

Use them in `@pytest.mark.django_db(transaction=True)` tests so that events are broadcast on
commit, with the `live_hub` fixture (tests/conftest.py) so the per-process hub stops with the test.
"""

import asyncio
from contextlib import asynccontextmanager

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

ORIGIN = b"http://testserver"


def session_cookie(*, user=None, participant=None) -> str:
    """A Django session (sync; uses the DB) logged in as `user` and/or bound to `participant`."""
    from agora.services import remember_participant

    store = SessionStore()
    if user is not None:
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if participant is not None:
        remember_participant(store, participant)
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def communicator(session_id: int, *, cookie: str | None = None, since: int | None = None, origin: bytes = ORIGIN):
    from config.asgi import application

    headers = [(b"host", b"testserver"), (b"origin", origin)]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    path = f"/ws/live/{session_id}/" + (f"?since={since}" if since is not None else "")
    return WebsocketCommunicator(application, path, headers=headers)


@asynccontextmanager
async def room(live_session, *, user=None, participant=None, since=None, first: str | None = "snapshot-or-resumed"):
    """An open websocket on `live_session`; by default its first frame (snapshot or resumed) is read
    and kept as `ws.first`."""
    cookie = await sync_to_async(session_cookie)(user=user, participant=participant)
    ws = communicator(live_session.pk, cookie=cookie, since=since)
    connected, _ = await ws.connect()
    assert connected
    ws.first = None
    try:
        if first == "snapshot-or-resumed":
            ws.first = await next_of(ws, "snapshot", "resumed")
        yield ws
    finally:
        # A crash in the consumer's disconnect path fails the test; a timeout only means the
        # application had already finished (it closed the socket itself), which is not an error.
        try:
            await ws.disconnect()
        except asyncio.TimeoutError:
            pass


async def next_of(ws, *types: str, timeout: float = 3.0, keep: bool = False) -> dict:
    """The next frame of one of `types`, skipping others (presence frames...).

    Frames skipped with `keep` are set aside for the next call (`command` keeps the events
    that arrive before its ack)."""
    stash = ws.__dict__.setdefault("stash", [])
    for i, frame in enumerate(stash):
        if frame["type"] in types:
            return stash.pop(i)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        frame = await ws.receive_json_from(timeout=max(0.01, deadline - loop.time()))
        if frame["type"] in types:
            return frame
        if keep:
            stash.append(frame)


async def command(ws, type: str, data: dict | None = None, *, id: str | None = None) -> dict:
    """Send a command and return its reply (ack or error)."""
    command.counter += 1
    id = id or f"test-{command.counter}"
    await ws.send_json_to({"type": type, "id": id, "data": data if data is not None else {}})
    while True:
        frame = await next_of(ws, "ack", "error", keep=True)
        if frame["in_reply_to"] == id:
            return frame


command.counter = 0


async def receive(ws, timeout: float = 3.0) -> dict:
    """The next frame that is not a presence count (those come whenever people connect)."""
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        if frame["type"] != "presence.changed":
            return frame


MARKER_SECONDS = 3599  # a timer no test sets otherwise


async def nothing_before_marker(ws, facilitator) -> None:
    """Assert that nothing but presence counts reaches `ws` before a later event, the marker.

    The marker (`facilitator`, a socket of the same room, sets the timer) is journaled after
    everything the test did, so it has the highest seq, and the hub delivers a socket's frames
    in order: any frame still to come for what the test did arrives before it. An absence is
    thus seen as soon as the marker arrives, instead of by waiting and hoping it was long enough.
    """
    unexpected = [f for f in ws.__dict__.get("stash", []) if f["type"] != "presence.changed"]
    reply = await command(facilitator, "session.set_timer", {"seconds": MARKER_SECONDS})
    assert reply["type"] == "ack", reply
    while True:
        frame = await ws.receive_json_from(timeout=5)
        if frame["type"] == "session.timer_changed" and frame["data"]["seconds"] == MARKER_SECONDS:
            break
        if frame["type"] != "presence.changed":
            unexpected.append(frame)
    assert unexpected == [], f"frames before the marker: {unexpected}"


async def nothing_queued(ws) -> None:
    """Assert that nothing but presence counts is queued for `ws`: a ping's pong, answered in
    order after whatever the socket had been sent, comes first."""
    unexpected = [f for f in ws.__dict__.get("stash", []) if f["type"] != "presence.changed"]
    await ws.send_json_to({"type": "ping"})
    while (frame := await ws.receive_json_from(timeout=5))["type"] != "pong":
        if frame["type"] != "presence.changed":
            unexpected.append(frame)
    assert unexpected == [], f"frames before the pong: {unexpected}"


async def eventually(condition, timeout: float = 10.0) -> None:
    """Wait until `condition()` is true, failing after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        await asyncio.sleep(0.01)
