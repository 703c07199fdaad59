"""The live room's command pipeline: from a websocket frame to the reply, without the socket.

The consumer (agora.consumers) owns the connection; this module owns what happens to what a
client sends, in the order docs/realtime.md promises:

1. `read()` — the frame (text, size, JSON object with a `type`), the rate limit, the envelope
   (`id`, only `type`/`id`/`data`). No database: the consumer runs it on the event loop.
2. `run()` — the command (registered and declared in the vocabulary, `data` of its shape), the
   person (still in the session, a role allowed to send it), a stored reply for a repeated id,
   the session open and the phase allowing it, then the handler and the receipt in ONE
   transaction. Synchronous: the consumer runs it in a database thread; tests call it directly.

A reply is a dict ready for the wire. The promises kept here:
- a refused command changes nothing (the handler's transaction is rolled back);
- once the transaction has committed the reply is the ack, whatever fails afterwards (the
  broadcast after commit is repaired by the journal: resume);
- `server_error` only for a change that did not happen; when the database cannot be reached the
  reply is `unavailable`, and sending the command again with the same id applies it at most once
  (its receipt commits with the change).
"""

import json
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from agora import metrics, phases, registry, selectors, services
from agora.models import LiveSession, Participant
from manifesto.errors import ServiceError
from manifesto.vocabulary import COMMANDS, VocabularyError, validate_command

log = logging.getLogger(__name__)

MAX_COMMAND_ID = 64
ENVELOPE = {"type", "id", "data"}


def error(code: str, message, in_reply_to: str | None = None) -> dict:
    return {"type": "error", "in_reply_to": in_reply_to, "code": code, "message": str(message)}


def ack(command_id: str, data: dict | None) -> dict:
    return {"type": "ack", "in_reply_to": command_id, "data": data if data is not None else {}}


# ---------------------------------------------------------------------------- rate limit


class RateLimit:
    """At most `rate` messages in any window of `period` seconds, bursts included.

    A sliding log of the times of the messages let through: exact, unlike a token bucket that
    refills during a burst (a burst of 30 over half a second would let 15 through). Refused
    messages are not logged, so a client that keeps flooding is served again as soon as its
    oldest accepted message is a period old. `clock` is injectable for tests.
    """

    def __init__(self, rate: int, *, period: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.rate = int(rate)
        self.period = float(period)
        self.clock = clock
        self.accepted: deque[float] = deque()

    def take(self) -> bool:
        now = self.clock()
        while self.accepted and self.accepted[0] <= now - self.period:
            self.accepted.popleft()
        if len(self.accepted) >= self.rate:
            return False
        self.accepted.append(now)
        return True


# ---------------------------------------------------------------------------- step 1: the frame


@dataclass(frozen=True)
class Command:
    type: str
    id: str
    data: object  # validated against the vocabulary in run()


@dataclass(frozen=True)
class Resume:
    seq: int | None


PONG = {"type": "pong"}


def read(text_data: str | None, bytes_data: bytes | None, *, rate: RateLimit) -> Command | Resume | dict:
    """What the frame asks for: a Command to run, a Resume, or a reply to send at once."""
    if text_data is None:
        return error("malformed", _("Envoyez du texte JSON, pas des données binaires."))
    limit = settings.LIVE_MAX_FRAME_BYTES
    # A character is at most 4 bytes in UTF-8: only encode the frames that might be too long.
    if len(text_data) * 4 > limit and len(text_data.encode()) > limit:
        return error("frame_too_large", _("Ce message est trop long (%(max)d octets au plus).") % {"max": limit})
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
        return PONG
    if not rate.take():
        metrics.command_rate_limited()
        return error("rate_limited", _("Trop de messages à la fois : attendez un instant."), in_reply_to)
    data = message.get("data", {})
    if kind == "resume":
        seq = data.get("seq") if isinstance(data, dict) else None
        if seq is not None and (not isinstance(seq, int) or isinstance(seq, bool)):
            return error("malformed", _("« seq » doit être un entier ou null."))
        return Resume(seq)
    if not isinstance(command_id, str) or not 0 < len(command_id) <= MAX_COMMAND_ID:
        return error("malformed", _("Une commande porte un « id » choisi par le client (64 caractères au plus)."))
    if set(message) - ENVELOPE:
        return error("malformed", _("Une commande n'a que les champs « type », « id » et « data »."), in_reply_to)
    return Command(kind, command_id, data)


# ---------------------------------------------------------------------------- step 2: the command


@dataclass(frozen=True)
class Caller:
    """Who sends commands on one connection, as identified when it opened."""

    session_id: int
    actor: str  # "user:<id>" or "participant:<id>": the key of the command receipts
    user: object | None  # the authenticated user (a facilitator), if any
    participant_id: int | None
    is_facilitator: bool


def unavailable(command_id: str | None) -> dict:
    return error(
        "unavailable",
        _("Le service est momentanément indisponible. Réessayez dans un instant : votre action ne sera pas appliquée deux fois."),
        command_id,
    )


def run(caller: Caller, command: Command) -> dict:
    """Run one command for `caller` and return its reply. Never raises.

    Measured (agora.metrics): the time to answer, by command type (unknown types counted as
    one label, so a client cannot grow the series), and each refusal by its error code.
    """
    started = time.perf_counter()
    reply = _answer(caller, command)
    label = command.type if command.type in COMMANDS else "unknown"
    metrics.command_answered(label, time.perf_counter() - started)
    if reply["type"] == "error":
        metrics.command_refused(reply["code"])
    return reply


def _answer(caller: Caller, command: Command) -> dict:
    outcome = _Outcome()
    try:
        return _run(caller, command, outcome)
    except (OperationalError, InterfaceError):
        # The database could not be reached (or went away mid-transaction, even during COMMIT).
        # The change may or may not have committed; its receipt commits with it, so a resend with
        # the same id answers the stored reply instead of applying it twice.
        log.warning("live room: database unavailable for command %s", command.type, exc_info=True)
        # Drop a connection the server closed, so the next command connects afresh.
        connection.close_if_unusable_or_obsolete()
        return outcome.reply if outcome.committed else unavailable(command.id)
    except Exception:
        if outcome.committed:
            # Committed: the change happened. What failed after (the broadcast) is repaired by resume.
            log.exception("live room: command %s committed, then failed", command.type)
            return outcome.reply
        log.exception("live room: command %s failed", command.type)
        return error("server_error", _("Une erreur inattendue s'est produite ; rien n'a été modifié."), command.id)


class _Outcome:
    """Whether the command's transaction committed, and the reply it committed with."""

    committed = False
    reply: dict | None = None

    def mark_committed(self) -> None:
        self.committed = True


def _run(caller: Caller, command: Command, outcome: _Outcome) -> dict:
    kind, command_id, data = command.type, command.id, command.data
    spec = registry.lookup(kind)
    if spec is None or kind not in COMMANDS:
        return error("unknown_command", _("Commande inconnue : %(type)s.") % {"type": kind}, command_id)
    try:
        validate_command(kind, data)
    except VocabularyError as exc:
        return error("invalid_command", _("Données de commande invalides (%(detail)s).") % {"detail": exc}, command_id)
    session = LiveSession.objects.select_related("agora", "agora__manifesto").get(pk=caller.session_id)
    participant = _current_participant(caller)
    if participant is None and not caller.is_facilitator:
        return error("removed", _("Vous ne participez plus à cette séance."), command_id)
    refused = _role_refusal(spec, caller, participant, command_id)
    if refused is not None:
        return refused
    stored = selectors.stored_reply(session=session, actor=caller.actor, command_id=command_id)
    if stored is not None:
        return stored
    if session.closed_at is not None:
        return error("session_closed", _("Cette séance est close."), command_id)
    if not phases.command_allowed(session, kind):
        return error(
            "wrong_phase",
            _("Ce n'est pas possible pendant la phase « %(phase)s ».") % {"phase": phases.label(session.phase)},
            command_id,
        )
    context = registry.CommandContext(
        session=session, user=caller.user, participant=participant, is_facilitator=caller.is_facilitator
    )
    try:
        with transaction.atomic():
            # Registered first, so it runs before any broadcast hook once the transaction commits.
            transaction.on_commit(outcome.mark_committed)
            reply = ack(command_id, spec.handler(context, data))
            services.record_command_reply(
                session=session, actor=caller.actor, command_id=command_id, command_type=kind, reply=reply
            )
            outcome.reply = reply
    except ServiceError as exc:
        reply = error(exc.code, exc.message, command_id)
        _store_refusal(caller, session, command, reply)
    except IntegrityError:
        if outcome.committed:
            raise
        # The same command id, sent twice at once: the first one to commit answers both.
        stored = selectors.stored_reply(session=session, actor=caller.actor, command_id=command_id)
        if stored is None:
            raise
        return stored
    return reply


def _current_participant(caller: Caller) -> Participant | None:
    if caller.participant_id is None:
        return None
    return Participant.objects.filter(pk=caller.participant_id, removed_at__isnull=True).first()


def _role_refusal(spec: registry.CommandSpec, caller: Caller, participant, command_id: str) -> dict | None:
    roles = {"facilitator"} if caller.is_facilitator else set()
    if participant is not None:
        roles.add("participant")
    if roles & spec.roles:
        return None
    if "facilitator" in spec.roles:
        return error("forbidden", _("Seul·es les animateur·rices peuvent faire cela."), command_id)
    return error("forbidden", _("Seul·es les participant·es peuvent faire cela."), command_id)


def _store_refusal(caller: Caller, session, command: Command, reply: dict) -> None:
    """Keep a refusal so a resend gets the same answer; nothing was changed, so a failure here is harmless."""
    try:
        with transaction.atomic():
            services.record_command_reply(
                session=session, actor=caller.actor, command_id=command.id, command_type=command.type, reply=reply
            )
    except IntegrityError:
        pass
    except DatabaseError:
        log.warning("live room: could not store the refusal of command %s", command.type, exc_info=True)
