"""Per-process broadcast of the journal to the live room's websockets.

Channels' usual pattern (every consumer in the group, one channel-layer message per
connection) costs 15–30× a raw broadcast in server CPU per recipient (measured with
bench/room_broadcast.py on 2 cores: 210–440 µs against ~14 µs for raw websockets). Instead
each process (each event loop) has ONE listener channel in the group of every manifesto it
serves, and a registry of its local connections per manifesto. A `journal.event` arrives
once per process, already encoded, and is written to each local connection with the
consumer's `base_send`.

Pitfalls handled here:
- membership is renewed every LIVE_GROUP_RENEW_SECONDS, before the layer's group expiry,
  or the process would silently go deaf; it is re-added at once when the layer fails (a
  restarted Redis comes back without its groups);
- frames reach the hub out of seq order (each after-commit broadcast runs in its own thread
  or process) and the layer may drop some (capacity, at most once). The hub delivers each
  manifesto's journal in seq order, without gaps, once (`Stream`): a frame ahead of a gap
  waits LIVE_REORDER_WAIT_MS; if the gap is still open then, the missing events are read
  from the journal once for the whole process. A periodic check of the journal's last seq
  (LIVE_HUB_CHECK_SECONDS) catches a lost last event, which no later frame would reveal;
- presence is counted in the database (Connection rows, refreshed by this process) and
  broadcast at most once a second per session, coalesced, as an unjournaled frame. The rows
  of the connections opened and closed meanwhile are written in that same tick, in one
  database hop (a join burst writes one batch a second, not one row per join);
- the part of the snapshot that is the same for everyone in a session is built once per seq
  and shared by the joiners of this process (`shared_snapshot`);
- the after-commit broadcasts of this process's database threads are handed to the hub
  (`hand_over`) and sent to the layer by one task, in the order they were handed over: a
  command's thread no longer waits for the layer's round trip, which it did on a busy loop.
"""

import asyncio
import json
import logging
import secrets
import time
import weakref
from collections import Counter

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import InterfaceError, OperationalError

try:  # the pool's timeout (psycopg_pool.PoolTimeout) is not wrapped by Django
    from psycopg import OperationalError as PoolTimeout
except ImportError:  # pragma: no cover - SQLite-only installs
    PoolTimeout = OperationalError

from agora import metrics, wire
from manifesto import journal
from manifesto.journal import encode, group_name, scope_of, with_prev

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


class Stream:
    """One manifesto's journal as this process delivers it: in seq order, each event once.

    `delivered` is the last seq written to the local connections (None until the process
    knows where the journal stood when it joined the group); `held` the frames that arrived
    ahead of a gap; `target` a seq the journal is known to have reached (from the periodic
    check), so a lost last event is read back too.
    """

    def __init__(self):
        self.delivered: int | None = None
        self.held: dict[int, tuple[int | None, str]] = {}  # seq -> (session id or None, frame)
        self.target = 0
        self.gap_since: float | None = None  # when the current gap was first seen
        # Per-session scoping (docs/realtime.md): the last seq of each session's own events and
        # of the text-wide ones, so every frame can say which seq came before it in its scope.
        self.last_of_session: dict[int, int] = {}
        self.last_text = 0
        self.repair: asyncio.Task | None = None
        self.lock = asyncio.Lock()

    def ahead(self) -> int:
        """The highest seq known to exist (held or announced)."""
        return max([self.target, *self.held])

    def gap_open(self) -> bool:
        return self.delivered is not None and self.ahead() > self.delivered


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.channel: str | None = None
        self.rooms: dict[int, set] = {}  # manifesto id -> local consumers
        self.sessions: dict[int, dict[int, set]] = {}  # manifesto id -> session id -> local consumers
        self.streams: dict[int, Stream] = {}  # manifesto id -> its ordered delivery
        self._joined: dict[int, asyncio.Task] = {}  # manifesto id -> the group_add in flight or done
        self._tasks: list[asyncio.Task] = []
        self._started: asyncio.Task | None = None
        self._dirty_presence: dict[int, int] = {}  # session id -> manifesto id
        self.manifesto_of: dict[int, int] = {}  # session id -> manifesto id (never changes)
        # What the hub repaired, for operators: out_of_order (frames held until an earlier one
        # came), read_back (events read from the journal), duplicates, layer_errors, rejoins.
        self.stats: Counter = Counter()
        self._probes: dict[str, asyncio.Future] = {}  # readiness probes in flight (see probe)
        self._opened: dict[str, dict] = {}  # connection key -> its presence row, not yet written
        self._closed: set[str] = set()  # keys of written rows to delete
        self._shared: dict[tuple, asyncio.Future] = {}  # (session id, language) -> a snapshot.Shared
        self.loop: asyncio.AbstractEventLoop | None = None
        self.outbox: asyncio.Queue | None = None  # journal broadcasts handed over by database threads

    # ------------------------------------------------------------------ lifecycle

    async def _start(self) -> None:
        self.channel = await self.layer.new_channel("live-hub.")
        self.loop, self.outbox = asyncio.get_running_loop(), asyncio.Queue()
        self._tasks = [
            asyncio.create_task(self._send_out(), name="live-hub-outbox"),
            asyncio.create_task(self._read(), name="live-hub-reader"),
            asyncio.create_task(self._renew(), name="live-hub-renew"),
            asyncio.create_task(self._presence(), name="live-hub-presence"),
            asyncio.create_task(self._heartbeat(), name="live-hub-heartbeat"),
            asyncio.create_task(self._watch(), name="live-hub-watch"),
        ]
        journal.hand_broadcasts_to(self.hand_over)

    async def started(self) -> None:
        if self._started is None:
            self._started = asyncio.ensure_future(self._start())
        await asyncio.shield(self._started)

    async def stop(self) -> None:
        """Stop the background tasks (tests: before their event loop closes)."""
        previous = journal.hand_broadcasts_to(None)
        if previous is not None and previous != self.hand_over:
            journal.hand_broadcasts_to(previous)  # another loop's hub (tests)
        tasks = self._tasks + [s.repair for s in self.streams.values() if s.repair is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        self._tasks = []
        while self.outbox is not None and not self.outbox.empty():
            await self._broadcast(self.outbox.get_nowait())  # handed over before the stop: send them
        self.loop = self.outbox = None  # hand_over answers False from now on
        for manifesto_id in list(self._joined):
            try:
                await self.layer.group_discard(group_name(manifesto_id), self.channel)
            except Exception:  # pragma: no cover - best effort at shutdown
                pass
        self._joined.clear()
        self.rooms.clear()
        self.sessions.clear()
        self.streams.clear()
        self._shared.clear()
        self._started = None

    # ------------------------------------------------------------------ broadcasts

    def hand_over(self, message: dict) -> bool:
        """Queue a journal broadcast (from a database thread, after commit) and return at once;
        False when this hub's loop no longer runs, and the caller sends it itself."""
        loop = self.loop
        if loop is None or self.outbox is None or loop.is_closed() or not loop.is_running():
            return False
        try:
            loop.call_soon_threadsafe(self.outbox.put_nowait, message)
        except RuntimeError:  # the loop closed meanwhile
            return False
        return True

    async def _send_out(self) -> None:
        while True:
            await self._broadcast(await self.outbox.get())

    async def _broadcast(self, message: dict) -> None:
        try:
            await self.layer.group_send(group_name(message["manifesto_id"]), message)
        except Exception:
            # Committed all the same: every hub reads the missing event back from the journal.
            journal.broadcast_failed.send(sender=None, message=message)
            log.warning("live hub: broadcast of manifesto %s seq %s failed; the hubs will read it back",
                        message["manifesto_id"], message["seq"], exc_info=True)

    # ------------------------------------------------------------------ membership

    async def join(self, manifesto_id: int, consumer) -> None:
        """Register a local connection; returns once this process is in the manifesto's group
        and knows from which seq it delivers the journal."""
        await self.started()
        self.rooms.setdefault(manifesto_id, set()).add(consumer)
        self.sessions.setdefault(manifesto_id, {}).setdefault(consumer.session_id, set()).add(consumer)
        stream = self.streams.setdefault(manifesto_id, Stream())
        joined = self._joined.get(manifesto_id)
        if joined is None or (joined.done() and joined.exception() is not None):
            joined = self._joined[manifesto_id] = asyncio.ensure_future(self._join_group(manifesto_id, stream))
        await asyncio.shield(joined)

    async def _join_group(self, manifesto_id: int, stream: Stream) -> None:
        await self.layer.group_add(group_name(manifesto_id), self.channel)
        if stream.delivered is None:
            # Read after group_add: every event committed later reaches us through the group
            # (or the journal, if the layer drops it); earlier ones are in the joiners' catch-up.
            last_seq = await database_sync_to_async(_last_seqs)([manifesto_id])
            async with stream.lock:
                stream.delivered = stream.last_text = last_seq.get(manifesto_id, 0)
                await self._drain(manifesto_id, stream)

    def leave(self, manifesto_id: int, consumer) -> None:
        room = self.rooms.get(manifesto_id)
        if room is not None:
            room.discard(consumer)
        by_session = self.sessions.get(manifesto_id, {})
        session = by_session.get(consumer.session_id)
        if session is not None:
            session.discard(consumer)
            if not session:
                del by_session[consumer.session_id]
        # The group itself is left by _renew once the room stayed empty: a join racing a
        # discard could otherwise leave a connection deaf.

    def connections(self):
        for room in self.rooms.values():
            yield from room

    def last_delivered(self, manifesto_id: int) -> int | None:
        stream = self.streams.get(manifesto_id)
        return stream.delivered if stream is not None else None

    # ------------------------------------------------------------------ background tasks

    async def _read(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                self.stats["layer_errors"] += 1
                log.warning("live hub: the channel layer failed; re-joining its groups", exc_info=True)
                await self._recover()
                continue
            try:
                await self.dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live hub: could not deliver %s", message.get("type"))

    async def _recover(self) -> None:
        """After a failed receive (Redis gone or restarted empty): re-add every membership as soon
        as the layer answers, then read back from the journal what was committed meanwhile."""
        delay = 0.2
        while True:
            if await self.rejoin():
                log.warning("live hub: the channel layer is back; %d group(s) re-joined", len(self._joined))
                break
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
        await self.check_journal(wait=False)

    async def rejoin(self) -> bool:
        """Add this process to the group of every manifesto it serves; False if the layer failed."""
        try:
            for manifesto_id in list(self._joined):
                await self.layer.group_add(group_name(manifesto_id), self.channel)
        except Exception:
            log.debug("live hub: the channel layer is still unavailable", exc_info=True)
            return False
        self.stats["rejoins"] += 1
        metrics.hub_rejoined()
        log.info("live hub: re-joined %d group(s)", len(self._joined))
        return True

    async def dispatch(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "live.probe":
            return self._probed(message)
        manifesto_id = message.get("manifesto_id")
        room = self.rooms.get(manifesto_id)
        if kind == "journal.event":
            stream = self.streams.get(manifesto_id)
            if stream is not None:
                async with stream.lock:
                    await self._arrived(manifesto_id, stream, message["seq"], message.get("session_id"),
                                        message["frame"])
        elif kind == "live.presence":
            for consumer in list(room or ()):
                if consumer.session_id == message["session_id"]:
                    await consumer.deliver(None, message["frame"])
        elif kind == "live.kick":
            for consumer in [c for r in self.rooms.values() for c in r]:
                if consumer.session_id == message["session_id"] and consumer.participant_id == message["participant_id"]:
                    await consumer.removed()

    # ------------------------------------------------------------------ ordered delivery

    async def _arrived(self, manifesto_id: int, stream: Stream, seq: int, session_id: int | None, frame: str) -> None:
        if (stream.delivered is not None and seq <= stream.delivered) or seq in stream.held:
            self.stats["duplicates"] += 1
            return
        stream.held[seq] = (session_id, frame)
        if stream.delivered is not None and seq > stream.delivered + 1:
            self.stats["out_of_order"] += 1  # ahead of a gap: held until the gap is filled
            metrics.hub_repaired("reordered")
        await self._drain(manifesto_id, stream)

    async def _drain(self, manifesto_id: int, stream: Stream) -> None:
        """Deliver the held frames that follow `delivered`; start the gap's timer if one is left."""
        if stream.delivered is None:
            return
        for seq in [s for s in stream.held if s <= stream.delivered]:
            del stream.held[seq]  # committed before we joined: in the joiners' catch-up
        while stream.delivered + 1 in stream.held:
            seq = stream.delivered + 1
            await self._send(manifesto_id, stream, seq, *stream.held.pop(seq))
        if stream.gap_open():
            if stream.gap_since is None:
                stream.gap_since = time.monotonic()
            if stream.repair is None or stream.repair.done():
                stream.repair = asyncio.create_task(self._repair_after_wait(manifesto_id, stream))
        else:
            stream.gap_since = None

    async def _send(self, manifesto_id: int, stream: Stream, seq: int, session_id: int | None, frame: str) -> None:
        """Write the next event of the journal to the sockets whose scope it is in: its session's,
        or every session's for a text-wide event, each frame with `prev` for its scope."""
        by_session = self.sessions.get(manifesto_id, {})
        sent = 0
        if session_id is not None:
            prev = max(stream.last_of_session.get(session_id, stream.last_text), stream.last_text)
            stream.last_of_session[session_id] = seq
            sent += await _write(by_session.get(session_id, ()), seq, with_prev(frame, prev))
        else:
            for session, consumers in list(by_session.items()):
                prev = max(stream.last_of_session.get(session, stream.last_text), stream.last_text)
                sent += await _write(consumers, seq, with_prev(frame, prev))
            stream.last_text = seq
        stream.delivered = seq
        metrics.events_delivered(sent)

    async def _repair_after_wait(self, manifesto_id: int, stream: Stream) -> None:
        wait = settings.LIVE_REORDER_WAIT_MS / 1000
        while stream.gap_open():
            left = stream.gap_since + wait - time.monotonic() if stream.gap_since is not None else wait
            if left > 0:
                await asyncio.sleep(left)
                continue
            try:
                await self.read_back(manifesto_id, stream)
            except Exception:
                log.exception("live hub: could not read manifesto %s's journal; retrying", manifesto_id)
                await asyncio.sleep(1)

    async def read_back(self, manifesto_id: int, stream: Stream) -> None:
        """Fill the open gap from the journal, once for all of this process's connections."""
        async with stream.lock:
            if not stream.gap_open():
                return
            after, upto = stream.delivered, stream.ahead()
            events = await database_sync_to_async(_events_between)(manifesto_id, after, upto)
            missing = 0
            for event in events:
                if event.seq <= stream.delivered:
                    continue
                if event.seq != stream.delivered + 1:
                    break  # never happens: seqs commit without holes
                held = stream.held.pop(event.seq, None)
                if held is None:
                    held, missing = (scope_of(event), encode(event)), missing + 1
                    self.stats["read_back"] += 1
                    metrics.hub_repaired("journal")
                await self._send(manifesto_id, stream, event.seq, *held)
            stream.gap_since = None
            if missing:
                log.warning("live hub: read %d event(s) of manifesto %s back from the journal (seq %d–%d)",
                            missing, manifesto_id, after + 1, stream.delivered)
                # Committed but never received: the layer may have lost our membership silently
                # (a Redis restarted between two receives). Re-adding it is cheap and idempotent.
                self._tasks.append(asyncio.create_task(self.rejoin(), name="live-hub-rejoin"))
                self._tasks = [t for t in self._tasks if not t.done()]
            await self._drain(manifesto_id, stream)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(settings.LIVE_HUB_CHECK_SECONDS)
            await self.check_journal()

    async def check_journal(self, *, wait: bool = True) -> None:
        """Compare each served journal's last seq with what was delivered: a lost LAST event
        leaves no gap for a later frame to reveal. `wait`: give frames in flight the usual wait."""
        served = [m for m, s in self.streams.items() if s.delivered is not None and self.rooms.get(m)]
        if not served:
            return
        try:
            last_seqs = await database_sync_to_async(_last_seqs)(served)
        except Exception:
            log.exception("live hub: could not read the journals' last seq")
            return
        for manifesto_id, last_seq in last_seqs.items():
            stream = self.streams.get(manifesto_id)
            if stream is None or stream.delivered is None or last_seq <= stream.ahead():
                continue
            async with stream.lock:
                stream.target = max(stream.target, last_seq)
                await self._drain(manifesto_id, stream)
            if not wait:
                await self.read_back(manifesto_id, stream)

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
                    self.sessions.pop(manifesto_id, None)
                    self._joined.pop(manifesto_id, None)
                    stream = self.streams.pop(manifesto_id, None)
                    if stream is not None and stream.repair is not None:
                        stream.repair.cancel()
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

    # ------------------------------------------------------------------ shared snapshots

    async def shared_snapshot(self, session_id: int, language: str, at_least: int):
        """The session's shared snapshot piece (agora.snapshot.Shared) at seq >= `at_least`,
        built once per seq by this process however many join meanwhile. `at_least` is the
        journal's last seq read after the joiner entered the hub, so every event after the
        piece's seq reaches the joiner live. Also rebuilt after LIVE_SNAPSHOT_SHARE_MS, for
        what changes without an event (the presence count)."""
        key = (session_id, language)
        while True:
            future = self._shared.get(key)
            if future is None or (future.done() and not _fresh(future, at_least)):
                future = self._shared[key] = asyncio.ensure_future(
                    pooled(_build_shared)(session_id, language))
            try:
                shared = await asyncio.shield(future)
            except Exception:
                if self._shared.get(key) is future:
                    del self._shared[key]
                raise
            if shared.seq >= at_least:
                return shared
            # Built from an older seq than this joiner needs: build again (once, for all waiting).
            if self._shared.get(key) is future:
                del self._shared[key]

    # ------------------------------------------------------------------ presence

    def presence_changed(self, *, session_id: int, manifesto_id: int) -> None:
        self._dirty_presence[session_id] = manifesto_id

    def connection_opened(self, *, key: str, session_id: int, manifesto_id: int, participant_id, user_id) -> None:
        """Queue the connection's presence row: written with the others at the next tick."""
        self._opened[key] = {"key": key, "session_id": session_id, "participant_id": participant_id,
                             "user_id": user_id}
        self.presence_changed(session_id=session_id, manifesto_id=manifesto_id)

    def connection_closed(self, *, key: str, session_id: int, manifesto_id: int) -> None:
        if self._opened.pop(key, None) is None:  # opened and closed within one tick: never written
            self._closed.add(key)
        self.presence_changed(session_id=session_id, manifesto_id=manifesto_id)

    async def write_connections(self) -> None:
        """Write the presence rows queued since the last tick, in one database hop."""
        opened, self._opened = self._opened, {}
        closed, self._closed = self._closed, set()
        if not opened and not closed:
            return
        try:
            await pooled(_write_connections)(list(opened.values()), list(closed))
        except (OperationalError, InterfaceError, PoolTimeout):
            # Kept for the next tick (a database outage): presence lags, nothing else does.
            self._opened = {**opened, **self._opened}
            self._closed |= closed
            raise

    async def _presence(self) -> None:
        while True:
            await asyncio.sleep(PRESENCE_INTERVAL)
            await self.flush_presence()

    async def flush_presence(self) -> None:
        try:
            await self.write_connections()
        except Exception:
            log.exception("live hub: presence rows not written; retrying at the next tick")
            return
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


async def _write(consumers, seq: int, frame: str) -> int:
    # A plain loop: measured faster than asyncio.gather, and daphne's send never waits. The frame
    # is encoded to UTF-8 and framed once, and written straight to daphne's connection where
    # possible (LiveRoomConsumer.push, agora.wire): in a storm of 1,000 sockets this loop is most
    # of the server's work.
    consumers = list(consumers)
    data = frame.encode()
    framed = wire.text_frame(data)
    for consumer in consumers:
        if not consumer.push(seq, data, framed):
            await consumer.deliver(seq, frame)
    return len(consumers)


def pooled(fn):
    """A database hop in the thread pool on PostgreSQL, rather than in the process's single
    database thread, where joins, commands and the hub's batch writes queued behind one another
    (docs/realtime.md, "Joining" and "Commands under load"); they run in parallel and meet only
    at the row locks they need. SQLite, one writer at a time, keeps the single thread."""
    from django.db import connection

    return database_sync_to_async(fn, thread_sensitive=connection.vendor == "sqlite")


def _fresh(future: asyncio.Future, at_least: int) -> bool:
    if future.exception() is not None:
        return False
    shared = future.result()
    return shared.seq >= at_least and time.monotonic() - shared.built_at < settings.LIVE_SNAPSHOT_SHARE_MS / 1000


def _build_shared(session_id: int, language: str):
    from django.utils import translation

    from agora import snapshot

    with translation.override(language):
        return snapshot.build_shared(session_id)


def _write_connections(opened: list[dict], closed: list[str]) -> None:
    from agora import services

    services.connections_changed(opened=opened, closed=closed)


def _last_seqs(manifesto_ids: list[int]) -> dict[int, int]:
    from manifesto.models import Manifesto

    return dict(Manifesto.objects.filter(pk__in=manifesto_ids).values_list("pk", "last_seq"))


def _events_between(manifesto_id: int, after: int, upto: int) -> list:
    from manifesto.models import Event

    return list(Event.objects.filter(manifesto_id=manifesto_id, seq__gt=after, seq__lte=upto).order_by("seq"))


def _presence_count(session_id: int) -> int:
    from agora.selectors import presence_count

    return presence_count(session_id)


def _heartbeat(keys: list[str]) -> list[tuple[int, int]]:
    """Refresh our connections; forget other processes' dead ones; the sessions whose count changed."""
    from agora import services

    services.connections_seen(keys=keys)
    return services.forget_stale_connections()
