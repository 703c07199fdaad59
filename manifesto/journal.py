"""The one helper that journals an event and broadcasts it after commit. Used by all apps."""

import json
import logging
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.db.models import Q
from django.dispatch import Signal

from manifesto.models import Event, Manifesto
from manifesto.vocabulary import validate_event

log = logging.getLogger(__name__)

# Sent when an event's broadcast failed after commit (apps that keep metrics count it).
broadcast_failed = Signal()

# A process that runs an event loop (a daphne process: agora.hub) takes the broadcasts over: the
# database thread queues the message on the loop and returns, instead of waiting for the
# channel layer's round trip. The handoff answers False when it cannot take a message (its loop
# stopped), and the broadcast is then sent and waited for here.
_handoff: Callable[[dict], bool] | None = None


def hand_broadcasts_to(handoff: Callable[[dict], bool] | None) -> Callable[[dict], bool] | None:
    """Set (or, with None, remove) the process's handoff; returns the previous one."""
    global _handoff
    previous, _handoff = _handoff, handoff
    return previous


def group_name(manifesto_id: int) -> str:
    """The channel-layer group of a manifesto's journal; built from an integer id only."""
    return f"manifesto-{int(manifesto_id)}"


def _next_seq(manifesto_id: int) -> int:
    """Move the manifesto's last seq on by one and return it, in one statement: the UPDATE takes
    the row's lock (held until commit) and RETURNING reads the new value under it (PostgreSQL,
    and SQLite since 3.35), one round trip less than a SELECT … FOR UPDATE then an UPDATE, in
    the part of every command that the commands of one text take in turn."""
    table = connection.ops.quote_name(Manifesto._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last_seq = last_seq + 1 WHERE id = %s RETURNING last_seq", [manifesto_id])
        row = cursor.fetchone()
    if row is None:
        raise Manifesto.DoesNotExist(f"No manifesto {manifesto_id}")
    return row[0]


def lock(manifesto_id: int) -> None:
    """Take the manifesto's journal lock now, in the caller's transaction (record_event takes it
    anyway). Every change journaled before is then committed, so what the caller reads next
    sees it: an event that carries a count (a tally) counts everyone before it, even when
    commands of one session run in parallel."""
    Manifesto.objects.select_for_update().filter(pk=manifesto_id).values_list("pk", flat=True).get()


def record_event(*, manifesto_id: int, type: str, data: dict) -> Event:
    """Append an event in the caller's transaction; broadcast it once that transaction commits.

    The next seq is taken under a row lock on the manifesto so events commit in seq order.
    """
    validate_event(type, data)
    json.dumps(data)  # Fail here, inside the transaction, rather than at broadcast time.
    # No savepoint: if anything below fails, the caller's whole change fails with it. The lock is
    # held until the caller commits, so everything after this point is serialized per manifesto.
    with transaction.atomic(savepoint=False):
        seq = _next_seq(manifesto_id)
        event = Event.objects.create(manifesto_id=manifesto_id, seq=seq, type=type, data=data)
    # robust: the change is committed whatever happens to its broadcast; a failure here must
    # never turn the command's reply into an error (a client retrying would apply it twice).
    transaction.on_commit(lambda: broadcast(event), robust=True)
    return event


def encode(event: Event) -> str:
    return json.dumps(event.as_wire(), ensure_ascii=False, separators=(",", ":"))


def with_prev(frame: str, prev: int) -> str:
    """An encoded event frame with `prev`: the seq of the previous event in the receiver's scope."""
    return f'{{"prev":{int(prev)},{frame[1:]}'


def scope_of(event: Event) -> int | None:
    """The live session an event belongs to (its `data.session_id`), or None for a text-wide event."""
    session_id = event.data.get("session_id") if isinstance(event.data, dict) else None
    return session_id if isinstance(session_id, int) else None


def broadcast(event: Event) -> None:
    """Send the pre-encoded frame once to the manifesto's group; never raises.

    Delivery may drop (channels-redis is at most once, Redis may be down): each process's hub
    reads what it missed back from the journal (agora.hub), and clients resume after their
    own disconnection.
    """
    message = {"type": "journal.event", "manifesto_id": event.manifesto_id, "seq": event.seq,
               "session_id": scope_of(event), "frame": encode(event)}
    handoff = _handoff
    if handoff is not None and handoff(message):
        return
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_name(event.manifesto_id), message)
    except Exception:
        broadcast_failed.send(sender=Event, event=event)
        log.warning("journal: broadcast of manifesto %s seq %s failed; the hubs will read it back",
                    event.manifesto_id, event.seq, exc_info=True)


def events_after(*, manifesto_id: int, seq: int, limit: int, session_id: int | None = None) -> list[Event] | None:
    """The events after `seq`, in order; None when there are more than `limit` (send a snapshot).

    With `session_id`, only that session's events and the text-wide ones (no `session_id`).
    """
    events = Event.objects.filter(manifesto_id=manifesto_id, seq__gt=seq)
    if session_id is not None:
        events = events.filter(Q(data__session_id=session_id) | Q(data__session_id__isnull=True) | Q(data__session_id=None))
    events = list(events.order_by("seq")[: limit + 1])
    return None if len(events) > limit else events
