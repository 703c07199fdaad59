"""Per-process broadcast of the journal to the live room's websockets.

Channels' usual pattern (every consumer in the group, one channel-layer message per
connection) costs 15–30× a raw broadcast (see DESIGN "Measured on this machine"). Instead
each process (each event loop) has ONE listener channel in the group of every manifesto it
serves, and a registry of its local connections per manifesto. A `journal.event` arrives
once per process, already encoded, and is written to each local connection with the
consumer's `base_send`.

Pitfalls handled here:
- membership is renewed every LIVE_GROUP_RENEW_SECONDS, before the layer's group expiry,
  or the process would silently go deaf;
- delivery is not relied on (the listener channel has the layer's capacity and
  channels-redis is at most once): clients detect gaps by `seq` and resume from the journal;
- presence is counted in the database (Connection rows, refreshed by this process) and
  broadcast at most once a second per session, coalesced, as an unjournaled frame.
"""

import asyncio
import json
import logging
import secrets
import weakref

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from manifesto.journal import group_name

log = logging.getLogger(__name__)

PRESENCE_INTERVAL = 1.0  # seconds: presence frames are coalesced per session at this pace
HEARTBEAT_INTERVAL = 20.0  # seconds: this process refreshes its connections' seen_at

_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def get() -> "Hub":
    """The hub of the running event loop (one per daphne process; one per test's loop)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub(get_channel_layer())
    return hub


def encode_frame(message: dict) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def kick(*, manifesto_id: int, session_id: int, participant_id: int) -> None:
    """Close a removed participant's connections in every process (called after commit, sync)."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(
            group_name(manifesto_id),
            {"type": "live.kick", "session_id": session_id, "participant_id": participant_id},
        )


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.channel: str | None = None
        self.rooms: dict[int, set] = {}  # manifesto id -> local consumers
        self._joined: dict[int, asyncio.Task] = {}  # manifesto id -> the group_add in flight or done
        self._tasks: list[asyncio.Task] = []
        self._started: asyncio.Task | None = None
        self._dirty_presence: dict[int, int] = {}  # session id -> manifesto id
        self.manifesto_of: dict[int, int] = {}  # session id -> manifesto id (never changes)
        self._probes: dict[str, asyncio.Future] = {}  # readiness probes in flight (see probe)

    # ------------------------------------------------------------------ lifecycle

    async def _start(self) -> None:
        self.channel = await self.layer.new_channel("live-hub.")
        self._tasks = [
            asyncio.create_task(self._read(), name="live-hub-reader"),
            asyncio.create_task(self._renew(), name="live-hub-renew"),
            asyncio.create_task(self._presence(), name="live-hub-presence"),
            asyncio.create_task(self._heartbeat(), name="live-hub-heartbeat"),
        ]

    async def started(self) -> None:
        if self._started is None:
            self._started = asyncio.ensure_future(self._start())
        await asyncio.shield(self._started)

    async def stop(self) -> None:
        """Stop the background tasks (tests: before their event loop closes)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        self._tasks = []
        for manifesto_id in list(self._joined):
            try:
                await self.layer.group_discard(group_name(manifesto_id), self.channel)
            except Exception:  # pragma: no cover - best effort at shutdown
                pass
        self._joined.clear()
        self.rooms.clear()
        self._started = None

    # ------------------------------------------------------------------ membership

    async def join(self, manifesto_id: int, consumer) -> None:
        """Register a local connection; returns once this process is in the manifesto's group."""
        await self.started()
        self.rooms.setdefault(manifesto_id, set()).add(consumer)
        joined = self._joined.get(manifesto_id)
        if joined is None or (joined.done() and joined.exception() is not None):
            joined = self._joined[manifesto_id] = asyncio.ensure_future(
                self.layer.group_add(group_name(manifesto_id), self.channel)
            )
        await asyncio.shield(joined)

    def leave(self, manifesto_id: int, consumer) -> None:
        room = self.rooms.get(manifesto_id)
        if room is not None:
            room.discard(consumer)
        # The group itself is left by _renew once the room stayed empty: a join racing a
        # discard could otherwise leave a connection deaf.

    def connections(self):
        for room in self.rooms.values():
            yield from room

    # ------------------------------------------------------------------ background tasks

    async def _read(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live hub: receive failed; retrying")
                await asyncio.sleep(1)
                continue
            try:
                await self.dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live hub: could not deliver %s", message.get("type"))

    async def dispatch(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "live.probe":
            return self._probed(message)
        room = self.rooms.get(message.get("manifesto_id"))
        if kind == "journal.event":
            if room:
                seq, frame = message["seq"], message["frame"]
                # A plain loop: measured faster than asyncio.gather, and daphne's send never waits.
                for consumer in list(room):
                    await consumer.deliver(seq, frame)
        elif kind == "live.presence":
            for consumer in list(room or ()):
                if consumer.session_id == message["session_id"]:
                    await consumer.deliver(None, message["frame"])
        elif kind == "live.kick":
            for consumer in [c for r in self.rooms.values() for c in r]:
                if consumer.session_id == message["session_id"] and consumer.participant_id == message["participant_id"]:
                    await consumer.removed()

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(settings.LIVE_GROUP_RENEW_SECONDS)
            await self.renew()

    async def renew(self) -> None:
        for manifesto_id in list(self._joined):
            group = group_name(manifesto_id)
            try:
                if self.rooms.get(manifesto_id):
                    await self.layer.group_add(group, self.channel)
                else:
                    self.rooms.pop(manifesto_id, None)
                    self._joined.pop(manifesto_id, None)
                    await self.layer.group_discard(group, self.channel)
            except Exception:
                log.exception("live hub: could not renew %s", group)

    # ------------------------------------------------------------------ readiness

    async def probe(self, timeout: float) -> None:
        """Send a message to this process's own listener channel and wait until the reader gets it.

        /readyz calls it: it proves the layer answers AND this process's reader is alive,
        which a ping of Redis alone would not (a deaf process still pings).
        """
        await self.started()
        token = secrets.token_hex(8)
        waiter = self._probes[token] = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(self.layer.send(self.channel, {"type": "live.probe", "token": token}), timeout)
            await asyncio.wait_for(waiter, timeout)
        finally:
            self._probes.pop(token, None)

    def _probed(self, message: dict) -> None:
        waiter = self._probes.get(message.get("token"))
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # ------------------------------------------------------------------ presence

    def presence_changed(self, *, session_id: int, manifesto_id: int) -> None:
        self._dirty_presence[session_id] = manifesto_id

    async def _presence(self) -> None:
        while True:
            await asyncio.sleep(PRESENCE_INTERVAL)
            await self.flush_presence()

    async def flush_presence(self) -> None:
        dirty, self._dirty_presence = self._dirty_presence, {}
        for session_id, manifesto_id in dirty.items():
            try:
                count = await database_sync_to_async(_presence_count)(session_id)
                frame = encode_frame(
                    {"type": "presence.changed", "seq": None, "data": {"session_id": session_id, "count": count}}
                )
                await self.layer.group_send(
                    group_name(manifesto_id),
                    {"type": "live.presence", "manifesto_id": manifesto_id, "session_id": session_id, "frame": frame},
                )
            except Exception:
                log.exception("live hub: presence of session %s not sent", session_id)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_INTERVAL)
            await self.heartbeat()

    async def heartbeat(self) -> None:
        keys = [c.connection_key for c in self.connections() if c.connection_key]
        try:
            stale = await database_sync_to_async(_heartbeat)(keys)
        except Exception:
            log.exception("live hub: heartbeat failed")
            return
        for session_id, manifesto_id in stale:
            self.presence_changed(session_id=session_id, manifesto_id=manifesto_id)


def _presence_count(session_id: int) -> int:
    from agora.selectors import presence_count

    return presence_count(session_id)


def _heartbeat(keys: list[str]) -> list[tuple[int, int]]:
    """Refresh our connections; forget other processes' dead ones; the sessions whose count changed."""
    from agora import services

    services.connections_seen(keys=keys)
    return services.forget_stale_connections()
