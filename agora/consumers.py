"""The live room's websocket: one endpoint per live session (ws/live/<session id>/).

Thin: authenticate (Django session: facilitator or participant), parse and validate a
command, check role and phase, call the registered handler (agora.registry) in a database
thread, reply. Journal events reach the socket through the per-process hub (agora.hub), not
through a channel per connection. The protocol is described in docs/realtime.md.
"""

import json
import logging
import secrets
import time
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from agora import hub as live_hub
from agora import metrics, permissions, phases, registry, selectors, services, snapshot
from agora.models import CommandReceipt, LiveSession, Participant
from manifesto.errors import ServiceError
from manifesto.journal import encode, events_after, with_prev
from manifesto.models import Manifesto
from manifesto.vocabulary import COMMANDS, VocabularyError, validate_command

log = logging.getLogger(__name__)

MAX_COMMAND_ID = 64
CLOSE_NOT_ALLOWED = 4403


class TokenBucket:
    """`rate` commands a second on average, bursts up to `rate`."""

    def __init__(self, rate: int):
        self.rate = float(rate)
        self.tokens = float(rate)
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def error(code: str, message, in_reply_to=None) -> dict:
    return {"type": "error", "in_reply_to": in_reply_to, "code": code, "message": str(message)}


def join_hop(fn):
    """A join's database work. On PostgreSQL it runs in the thread pool, in parallel, rather than
    in the process's single database thread, where a join burst queued (docs/realtime.md,
    "Joining"); SQLite, one writer at a time, keeps the single thread."""
    return database_sync_to_async(fn, thread_sensitive=connection.vendor == "sqlite")


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

    # ------------------------------------------------------------------ connection

    async def connect(self):
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        self.language = self._language()
        self.bucket = TokenBucket(settings.LIVE_COMMANDS_PER_SECOND)
        self.sent_seq = 0
        self.replaying = True
        self.pending: list[tuple[int | None, str]] = []
        self.connected_at = time.perf_counter()
        # Accept first: in a join burst the handshake must not wait for the database (daphne
        # drops handshakes that take longer than 5 s); who may stay is decided just after.
        await self.accept()
        self.counted = True
        metrics.socket_opened()
        self.hub = live_hub.get()
        since = self._since()
        known = self.hub.manifesto_of.get(self.session_id)
        if known is not None:
            # The usual case: join the hub first (so nothing committed from now on is missed),
            # then identify, register and read the journal in ONE database hop.
            self.hub_room = known
            await self.hub.join(known, self)
            opened = await join_hop(self._open)(since)
            if opened is None:
                self.hub.leave(known, self)
                self.hub_room = None
                return await self.refuse()
            catch_up = opened
        else:
            if await join_hop(self._identify_and_register)() is None:
                return await self.refuse()
            self.hub.manifesto_of[self.session_id] = self.manifesto_id
            self.hub_room = self.manifesto_id
            await self.hub.join(self.manifesto_id, self)
            catch_up = None
        self.hub.presence_changed(session_id=self.session_id, manifesto_id=self.manifesto_id)
        await self.resume(since, catch_up=catch_up)
        metrics.joined(time.perf_counter() - self.connected_at)

    async def refuse(self) -> None:
        with translation.override(self.language):
            message = _("Rejoignez la séance avec son code avant de vous connecter.")
        await self.send_json(error("not_joined", message))
        await self.close(code=CLOSE_NOT_ALLOWED)

    def _open(self, since):
        if self._identify_and_register() is None:
            return None
        return self._catch_up(since)

    async def disconnect(self, code):
        if getattr(self, "counted", False):
            self.counted = False
            metrics.socket_closed()
        if self.hub_room is not None:
            self.hub.leave(self.hub_room, self)
        if self.connection_key:
            await database_sync_to_async(services.connection_closed)(key=self.connection_key)
            self.hub.presence_changed(session_id=self.session_id, manifesto_id=self.manifesto_id)

    def _identify_and_register(self):
        """Who is this (facilitator, participant or nobody)? Registers the connection for presence."""
        if self._identify() is None:
            return None
        self.connection_key = secrets.token_hex(16)
        services.connection_opened(
            session=self.session, participant=self.participant, user=self.scope.get("user"), key=self.connection_key
        )
        return self.session

    def _identify(self):
        session = LiveSession.objects.select_related("agora", "agora__manifesto").filter(pk=self.session_id).first()
        if session is None:
            return None
        user = self.scope.get("user")
        self.is_facilitator = permissions.is_facilitator(user, session.agora)
        self.participant = selectors.current_participant(self.scope.get("session"), session)
        if not self.is_facilitator and self.participant is None:
            return None
        self.session = session
        self.manifesto_id = session.agora.manifesto_id
        self.participant_id = self.participant.pk if self.participant else None
        user_id = user.pk if getattr(user, "is_authenticated", False) else None
        self.actor = f"user:{user_id}" if user_id else f"participant:{self.participant_id}"
        return session

    def _since(self) -> int | None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        try:
            return int(query["since"][0])
        except (KeyError, ValueError, IndexError):
            return None

    def _language(self) -> str:
        cookies = self.scope.get("cookies") or {}
        wanted = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
        return wanted if wanted in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE

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
            events, state = catch_up or await database_sync_to_async(self._catch_up)(since)
            if state is not None:
                self.sent_seq = state["seq"]
                await self.send_json(state)
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

    def _catch_up(self, since) -> tuple[list | None, dict | None]:
        """(missed events, None), or (None, snapshot) when a replay is impossible."""
        events, _last_seq = self._missed(since)
        return (events, None) if events is not None else (None, self._snapshot())

    def _missed(self, since):
        last_seq = Manifesto.objects.values_list("last_seq", flat=True).get(pk=self.manifesto_id)
        if since is None or since < 0 or since > last_seq:
            return None, last_seq  # No seq, or one this journal never gave: start afresh.
        events = events_after(manifesto_id=self.manifesto_id, seq=since, limit=settings.LIVE_RESUME_LIMIT,
                              session_id=self.session_id)
        return events, last_seq

    def _snapshot(self) -> dict:
        with translation.override(self.language):
            participant = self._current_participant()
            return snapshot.build(self.session, participant=participant, is_facilitator=self.is_facilitator)

    def _current_participant(self) -> Participant | None:
        if self.participant_id is None:
            return None
        return Participant.objects.filter(pk=self.participant_id, removed_at__isnull=True).first()

    # ------------------------------------------------------------------ incoming

    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.language):
            reply = await self._receive(text_data, bytes_data)
        if reply is not None:
            await self.send_json(reply)

    async def _receive(self, text_data, bytes_data):
        if text_data is None:
            return error("malformed", _("Envoyez du texte JSON, pas des données binaires."))
        if len(text_data) * 4 > settings.LIVE_MAX_FRAME_BYTES and len(text_data.encode()) > settings.LIVE_MAX_FRAME_BYTES:
            return error("frame_too_large", _("Ce message est trop long (%(max)d octets au plus).")
                         % {"max": settings.LIVE_MAX_FRAME_BYTES})
        try:
            message = json.loads(text_data)
        except ValueError:
            return error("malformed", _("Ce message n'est pas du JSON valide."))
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            return error("malformed", _("Un message est un objet JSON avec un champ « type »."))
        kind = message["type"]
        command_id = message.get("id")
        in_reply_to = command_id if isinstance(command_id, str) else None
        if kind == "ping":
            return self.pong()
        if not self.bucket.take():
            return error("rate_limited", _("Trop de messages à la fois : attendez un instant."), in_reply_to)
        data = message.get("data", {})
        if kind == "resume":
            seq = data.get("seq") if isinstance(data, dict) else None
            if seq is not None and (not isinstance(seq, int) or isinstance(seq, bool)):
                return error("malformed", _("« seq » doit être un entier ou null."))
            await self.resume(seq)
            return None
        if not isinstance(command_id, str) or not 0 < len(command_id) <= MAX_COMMAND_ID:
            return error("malformed", _("Une commande porte un « id » choisi par le client (64 caractères au plus)."))
        if set(message) - {"type", "id", "data"}:
            return error("malformed", _("Une commande n'a que les champs « type », « id » et « data »."), in_reply_to)
        try:
            return await database_sync_to_async(self._run_command)(kind, command_id, data)
        except Exception:
            log.exception("live room: command %s failed", kind)
            return error("server_error", _("Une erreur inattendue s'est produite ; rien n'a été modifié."), in_reply_to)

    def _run_command(self, kind: str, command_id: str, data) -> dict:
        spec = registry.lookup(kind)
        if spec is None or kind not in COMMANDS:
            return error("unknown_command", _("Commande inconnue : %(type)s.") % {"type": kind}, command_id)
        try:
            validate_command(kind, data)
        except VocabularyError as exc:
            return error("invalid_command", _("Données de commande invalides (%(detail)s).") % {"detail": exc}, command_id)
        session = LiveSession.objects.select_related("agora", "agora__manifesto").get(pk=self.session_id)
        participant = self._current_participant()
        if participant is None and not self.is_facilitator:
            return error("removed", _("Vous ne participez plus à cette séance."), command_id)
        roles = {"facilitator"} if self.is_facilitator else set()
        if participant is not None:
            roles.add("participant")
        if not roles & spec.roles:
            if "facilitator" in spec.roles:
                message = _("Seul·es les animateur·rices peuvent faire cela.")
            else:
                message = _("Seul·es les participant·es peuvent faire cela.")
            return error("forbidden", message, command_id)
        stored = CommandReceipt.objects.filter(session=session, actor=self.actor, command_id=command_id).first()
        if stored is not None:
            return stored.reply
        if session.closed_at is not None:
            return error("session_closed", _("Cette séance est close."), command_id)
        if not phases.command_allowed(session, kind):
            return error(
                "wrong_phase",
                _("Ce n'est pas possible pendant la phase « %(phase)s ».") % {"phase": phases.label(session.phase)},
                command_id,
            )
        user = self.scope.get("user")
        context = registry.CommandContext(
            session=session,
            user=user if getattr(user, "is_authenticated", False) else None,
            participant=participant,
            is_facilitator=self.is_facilitator,
        )
        try:
            with transaction.atomic():
                result = spec.handler(context, data)
                reply = {"type": "ack", "in_reply_to": command_id, "data": result if result is not None else {}}
                self._store(session, kind, command_id, reply)
        except ServiceError as exc:
            reply = error(exc.code, exc.message, command_id)
            try:
                with transaction.atomic():
                    self._store(session, kind, command_id, reply)
            except IntegrityError:
                pass
        except IntegrityError:
            # The same command id, sent twice at once: the first one to commit answers both.
            stored = CommandReceipt.objects.filter(session=session, actor=self.actor, command_id=command_id).first()
            if stored is None:
                raise
            return stored.reply
        return reply

    def _store(self, session, kind, command_id, reply) -> None:
        CommandReceipt.objects.create(
            session=session, actor=self.actor, command_id=command_id, command_type=kind, reply=reply
        )
