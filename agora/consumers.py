"""The live room's websocket: one endpoint per live session (ws/live/<session id>/).

Thin: authenticate (Django session: facilitator or participant), hand each frame to the
command pipeline (agora.pipeline: validation, role, receipt, phase, the handler's
transaction) and send its reply. Journal events reach the socket through the per-process hub
(agora.hub), not through a channel per connection. The protocol is described in docs/realtime.md.
"""

import functools
import json
import logging
import secrets
import time
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real
from django.utils.translation import gettext as _

from agora import hub as live_hub
from agora import metrics, permissions, pipeline, selectors, snapshot, wire
from agora.models import LiveSession, Participant
from agora.pipeline import error
from manifesto.journal import encode, events_after, with_prev
from manifesto.models import Manifesto

log = logging.getLogger(__name__)

_UNSET = object()

CLOSE_NOT_ALLOWED = 4403


def _daphne_protocol(send):
    """Daphne's websocket protocol behind an ASGI `send` (daphne passes
    functools.partial(Server.handle_reply, protocol)), or None under any other server or test
    harness, which then gets every frame through `send` as usual."""
    if isinstance(send, functools.partial) and getattr(send.func, "__name__", "") == "handle_reply" and send.args:
        protocol = send.args[0]
        if callable(getattr(protocol, "sendMessage", None)) and hasattr(protocol, "STATE_OPEN"):
            return protocol
    return None


class LiveRoomConsumer(AsyncWebsocketConsumer):
    # No channel per connection: the hub listens once per process (see agora.hub).
    channel_layer_alias = "live-room-uses-the-hub"

    async def dispatch(self, message):
        """Channels' dispatch hops to the database thread (close_old_connections) before EVERY
        message, the websocket handshake included: in a join burst handshakes queued there behind
        other joins' queries and timed out. Every database call here goes through
        database_sync_to_async, which closes old connections itself, so the hop is skipped."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    session_id: int
    manifesto_id: int | None = None
    participant_id: int | None = None
    connection_key: str | None = None
    hub_room: int | None = None  # the manifesto whose hub room holds this connection
    user_id: int | None = None
    protocol = None  # daphne's websocket protocol, for the hub's fast path (see push)
    framed: bool | None = None  # whether the hub's ready-made frames fit this connection (agora.wire)

    # ------------------------------------------------------------------ connection

    async def connect(self):
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        self.language = self._language()
        self.rate = pipeline.RateLimit(settings.LIVE_COMMANDS_PER_SECOND)
        self.sent_seq = 0
        self.replaying = True
        self.pending: list[tuple[int | None, str]] = []
        self.connected_at = time.perf_counter()
        # Accept first: in a join burst the handshake must not wait for the database (daphne
        # drops handshakes that take longer than 5 s); who may stay is decided just after.
        await self.accept()
        self.protocol = _daphne_protocol(self.base_send)
        self.counted = True
        metrics.socket_opened()
        self.hub = live_hub.get()
        since = self._since()
        known = self.hub.manifesto_of.get(self.session_id)
        if known is not None:
            # The usual case: join the hub first (so nothing committed from now on is missed),
            # then identify and read the journal (or the person's own snapshot piece) in ONE
            # database hop; the shared piece of the snapshot is reused (docs/realtime.md, "Joining").
            self.hub_room = known
            await self.hub.join(known, self)
            catch_up = await live_hub.pooled(self._open)(since, known)
            if catch_up is None:
                self.hub.leave(known, self)
                self.hub_room = None
                return await self.refuse()
        else:
            if await live_hub.pooled(self._identify)(None) is None:
                return await self.refuse()
            self.hub.manifesto_of[self.session_id] = self.manifesto_id
            self.hub_room = self.manifesto_id
            await self.hub.join(self.manifesto_id, self)
            catch_up = None
        # The presence row is written by the hub with the others of this tick (one batch).
        self.connection_key = secrets.token_hex(16)
        self.hub.connection_opened(key=self.connection_key, session_id=self.session_id, manifesto_id=self.manifesto_id,
                                   participant_id=self.participant_id, user_id=self.user_id)
        await self.resume(since, catch_up=catch_up)
        metrics.joined(time.perf_counter() - self.connected_at)

    async def refuse(self) -> None:
        with translation.override(self.language):
            message = _("Rejoignez la séance avec son code avant de vous connecter.")
        await self.send_json(error("not_joined", message))
        await self.close(code=CLOSE_NOT_ALLOWED)

    def _open(self, since, manifesto_id):
        if self._identify(manifesto_id) is None:
            return None
        return self._catch_up(since, participant=self.participant)

    async def disconnect(self, code):
        if getattr(self, "counted", False):
            self.counted = False
            metrics.socket_closed()
        if self.hub_room is not None:
            self.hub.leave(self.hub_room, self)
        if self.connection_key:
            self.hub.connection_closed(key=self.connection_key, session_id=self.session_id,
                                       manifesto_id=self.manifesto_id)
            self.connection_key = None

    def _identify(self, manifesto_id: int | None):
        """Who is this (facilitator, participant or nobody)? None: nobody this session knows.

        A participant of a session this process already serves (`manifesto_id` known) costs two
        small queries: the Django session and the participant; no user is loaded for a session
        that names none, and the live session itself is loaded only to check a facilitator.
        """
        user = self.scope.get("user")
        django_session = self.scope.get("session")
        # A lazy user (config/websocket_auth.py): no query when the session names no user.
        signed_in = bool(getattr(user, "is_authenticated", False))
        self.is_facilitator = False
        if signed_in or manifesto_id is None:
            session = LiveSession.objects.select_related("agora", "agora__manifesto").filter(pk=self.session_id).first()
            if session is None:
                return None
            manifesto_id = session.agora.manifesto_id
            self.is_facilitator = signed_in and permissions.is_facilitator(user, session.agora)
        self.participant = selectors.participant_in_session(django_session, self.session_id)
        if not self.is_facilitator and self.participant is None:
            return None
        self.manifesto_id = manifesto_id
        self.participant_id = self.participant.pk if self.participant else None
        self.user_id = user.pk if signed_in else None
        self.actor = f"user:{self.user_id}" if self.user_id else f"participant:{self.participant_id}"
        return self.session_id

    def _since(self) -> int | None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        try:
            return int(query["since"][0])
        except (KeyError, ValueError, IndexError):
            return None

    def _language(self) -> str:
        """The page's language, chosen as LocaleMiddleware chose it: the language cookie, else the
        browser's Accept-Language, else the site's. Replies, errors and the snapshot's labels are
        in it (an English page asked by its browser must not get French on its socket)."""
        cookies = self.scope.get("cookies") or {}
        wanted = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
        if wanted in dict(settings.LANGUAGES):
            return wanted
        headers = dict(self.scope.get("headers") or [])
        accept = headers.get(b"accept-language", b"").decode("latin-1")
        for code, _quality in trans_real.parse_accept_lang_header(accept[:500]):
            if code == "*":
                break
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
        return settings.LANGUAGE_CODE

    # ------------------------------------------------------------------ outgoing

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False, separators=(",", ":")))

    async def deliver(self, seq: int | None, frame: str) -> None:
        """Called by the hub with a pre-encoded frame (seq None: an unjournaled frame)."""
        if self.replaying:
            self.pending.append((seq, frame))
            return
        if seq is not None:
            if seq <= self.sent_seq:
                return
            self.sent_seq = seq
        try:
            await self.base_send({"type": "websocket.send", "text": frame})
        except Exception:  # The socket is going away; disconnect() will unregister it.
            log.debug("live room: send to a closing socket", exc_info=True)

    def push(self, seq: int, data: bytes, frame: bytes) -> bool:
        """The hub's fast path for a broadcast: the message, already UTF-8 encoded and framed
        once for all sockets (`frame`), written straight to daphne's websocket connection (no
        coroutine, no per-socket encoding; agora.wire). False when this connection cannot take
        it now (replaying, or not on daphne): the hub then calls `deliver`."""
        protocol = self.protocol
        if protocol is None or self.replaying:
            return False
        if seq <= self.sent_seq:
            return True
        self.sent_seq = seq
        if protocol.state == protocol.STATE_OPEN:
            try:
                if self.framed is None:
                    self.framed = wire.fits(protocol)
                if self.framed:
                    wire.send(protocol, data, frame)
                else:
                    protocol.sendMessage(data, False)
            except Exception:  # The socket is going away; disconnect() will unregister it.
                log.debug("live room: send to a closing socket", exc_info=True)
        return True

    def pong(self) -> dict:
        """The heartbeat's reply says how far this connection's live feed went: a client whose
        last applied seq is behind it lost something and resumes."""
        return {"type": "pong", "seq": None if self.replaying else self.sent_seq}

    async def removed(self) -> None:
        with translation.override(self.language):
            message = _("L'animation vous a retiré·e de cette séance.")
        await self.send_json(error("removed", message))
        await self.close(code=CLOSE_NOT_ALLOWED)

    async def resume(self, since: int | None, *, catch_up=None) -> None:
        """Send what the client missed after `since` (or a snapshot), then the live events held meanwhile.

        The hub already delivers to this connection, so nothing committed after the journal
        is read can be missed; frames arriving meanwhile wait in `pending`.
        """
        self.replaying = True
        try:
            events, personal = catch_up or await database_sync_to_async(self._catch_up)(since)
            if events is None:
                # The shared piece at least as new as the seq read in the hop, built once for all
                # joiners of this process; the person's own piece was fetched in the hop.
                last_seq, participant, personal = personal
                shared = await self.hub.shared_snapshot(self.session_id, self.language, last_seq)
                with translation.override(self.language):
                    state = snapshot.combine(shared, personal, participant=participant,
                                             is_facilitator=self.is_facilitator)
                self.sent_seq = state["seq"]
                await self.send(text_data=snapshot.encode(state, shared))
                if since is not None:
                    metrics.resumed("snapshot")
            else:
                metrics.resumed("events")
                prev = since
                for event in events:
                    await self.send(text_data=with_prev(encode(event), prev))
                    prev = event.seq
                self.sent_seq = prev
                await self.send_json({"type": "resumed", "seq": self.sent_seq})
            while self.pending:
                seq, frame = self.pending.pop(0)
                if seq is None or seq > self.sent_seq:
                    self.sent_seq = seq if seq is not None else self.sent_seq
                    await self.base_send({"type": "websocket.send", "text": frame})
        finally:
            self.replaying = False

    def _catch_up(self, since, participant=_UNSET) -> tuple[list | None, tuple | None]:
        """(missed events, None), or (None, (last seq, participant, their own snapshot piece))
        when a replay is impossible. `participant`: just identified, else read again (removed?)."""
        events, last_seq = self._missed(since)
        if events is not None:
            return events, None
        if participant is _UNSET:
            participant = self._current_participant()
        personal = snapshot.fetch_personal(self.session_id, participant=participant, is_facilitator=self.is_facilitator)
        return None, (last_seq, participant, personal)

    def _missed(self, since):
        last_seq = Manifesto.objects.values_list("last_seq", flat=True).get(pk=self.manifesto_id)
        if since is None or since < 0 or since > last_seq:
            return None, last_seq  # No seq, or one this journal never gave: start afresh.
        events = events_after(manifesto_id=self.manifesto_id, seq=since, limit=settings.LIVE_RESUME_LIMIT,
                              session_id=self.session_id)
        return events, last_seq

    def _current_participant(self) -> Participant | None:
        if self.participant_id is None:
            return None
        return Participant.objects.filter(pk=self.participant_id, removed_at__isnull=True).first()

    # ------------------------------------------------------------------ incoming

    async def receive(self, text_data=None, bytes_data=None):
        """Hand the frame to the command pipeline (agora.pipeline) and send its reply."""
        with translation.override(self.language):
            step = pipeline.read(text_data, bytes_data, rate=self.rate)
            if step is pipeline.PONG:
                step = self.pong()
            elif isinstance(step, pipeline.Resume):
                return await self.resume(step.seq)
            if isinstance(step, pipeline.Command):
                step = await live_hub.pooled(self._run_command)(step)
        await self.send_json(step)

    def _run_command(self, command: pipeline.Command) -> dict:
        with translation.override(self.language):
            return pipeline.run(self.caller(), command)

    def caller(self) -> pipeline.Caller:
        user = self.scope.get("user")
        return pipeline.Caller(
            session_id=self.session_id,
            actor=self.actor,
            user=user if getattr(user, "is_authenticated", False) else None,
            participant_id=self.participant_id,
            is_facilitator=self.is_facilitator,
        )
