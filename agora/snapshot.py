"""The snapshot a client receives on connect, or when it is too far behind to replay the journal.

Built in two pieces (docs/realtime.md, "Joining"): a `Shared` piece, the same for everyone in
the session — built once per seq per process and reused by every joiner meanwhile — and each
person's own piece (who they are, their own supports, the hidden amendments only they may
see), fetched with one cheap query in their join's database hop and combined without the
database. `build` does both for one person, as before.
"""

import json
import time
from dataclasses import dataclass, field

from agora import phases, registry
from manifesto.models import Manifesto
from manifesto.services import clause_payload


def session_part(session, *, participant, is_facilitator) -> dict:
    return {**shared_session_part(session), "you": you(participant, is_facilitator)}


def shared_session_part(session) -> dict:
    return {
        "id": session.pk,
        "code": session.code,
        "agora": {"id": session.agora_id, "title": session.agora.title, "slug": session.agora.slug},
        "manifesto_id": session.agora.manifesto_id,
        "phase": session.phase,
        "phase_label": phases.label(session.phase),
        "phases": [{"value": p.value, "label": str(p.label)} for p in phases.PHASES.values()],
        "focus_clause": clause_payload(session.focus_clause) if session.focus_clause_id else None,
        "scope": sorted(session.scope.values_list("pk", flat=True)),
        "timer_ends_at": session.timer_ends_at.isoformat() if session.timer_ends_at else None,
        "closed": session.closed_at is not None,
    }


def you(participant, is_facilitator) -> dict:
    from agora.selectors import participant_payload

    return {"participant": participant_payload(participant) if participant else None, "is_facilitator": is_facilitator}


@dataclass
class Shared:
    """What every joiner of the session gets alike, at least as new as `seq`."""

    seq: int
    session: dict
    parts: dict  # part name -> the part's shared piece (registry.SnapshotPart.shared)
    built_at: float = field(default_factory=time.monotonic)
    # JSON of the pieces every joiner reuses as they are, by identity (see `encode`).
    _encoded: dict = field(default_factory=dict, repr=False)
    _owned: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        # The objects a combined snapshot may reuse: each part's piece, and its top-level values.
        for piece in [self.session, *self.parts.values()]:
            self._owned[id(piece)] = piece
            if isinstance(piece, dict):
                for value in piece.values():
                    self._owned[id(value)] = value

    def json_of(self, value) -> str | None:
        """The JSON of `value` if it is one of this piece's own objects (encoded once), else None."""
        if id(value) not in self._owned or self._owned[id(value)] is not value:
            return None
        encoded = self._encoded.get(id(value))
        if encoded is None:
            encoded = self._encoded[id(value)] = _dumps(value)
        return encoded


def build_shared(session_id: int) -> Shared:
    """`seq` is read before the state, so no event is missed; events after it may already be
    reflected in the state, and applying them again is harmless (events carry state, not deltas)."""
    from agora.models import LiveSession

    seq = Manifesto.objects.filter(agoras__sessions=session_id).values_list("last_seq", flat=True).get()
    # Read after the seq: the state is at least as new as it.
    session = LiveSession.objects.select_related("agora", "focus_clause").get(pk=session_id)
    parts = {name: spec.shared(session) for name, spec in registry.snapshot_part_specs().items()
             if spec.shared is not None}
    return Shared(seq=seq, session=shared_session_part(session), parts=parts)


def fetch_personal(session_id: int, *, participant, is_facilitator, session=None) -> dict:
    """Each part's personal piece for one person (in the join's database hop). `session`: a
    LiveSession for the parts in the plain, per-joiner form (loaded here if needed)."""
    personal = {}
    for name, spec in registry.snapshot_part_specs().items():
        if spec.per_joiner is not None:
            if session is None:
                from agora.models import LiveSession

                session = LiveSession.objects.select_related("agora", "agora__manifesto").get(pk=session_id)
            personal[name] = spec.per_joiner(session, participant=participant, is_facilitator=is_facilitator)
        else:
            personal[name] = spec.fetch(session_id, participant=participant, is_facilitator=is_facilitator)
    return personal


def combine(shared: Shared, personal: dict, *, participant, is_facilitator) -> dict:
    """{"type": "snapshot", "seq", "data"} for one person; no database."""
    data = {"session": {**shared.session, "you": you(participant, is_facilitator)}}
    for name, spec in registry.snapshot_part_specs().items():
        if spec.per_joiner is not None:
            data[name] = personal[name]
        else:
            data[name] = spec.assemble(shared.parts[name], personal.get(name),
                                       participant=participant, is_facilitator=is_facilitator)
    return {"type": "snapshot", "seq": shared.seq, "data": data}


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def encode(state: dict, shared: Shared) -> str:
    """The snapshot as sent, equal to json.dumps(state) but with the pieces shared by every joiner
    encoded once per `Shared`: in a join burst encoding the whole snapshot for each joiner was
    most of a join's CPU in the event loop (bench/join_storm.py --profile)."""

    def piece(value) -> str:
        cached = shared.json_of(value)
        if cached is not None:
            return cached
        if isinstance(value, dict):
            return "{" + ",".join(_dumps(str(k)) + ":" + (shared.json_of(v) or _dumps(v)) for k, v in value.items()) + "}"
        return _dumps(value)

    data = "{" + ",".join(_dumps(name) + ":" + piece(value) for name, value in state["data"].items()) + "}"
    return '{"type":"snapshot","seq":%s,"data":%s}' % (_dumps(state["seq"]), data)


def build(session, *, participant, is_facilitator) -> dict:
    """{"type": "snapshot", "seq", "data"}: state at least as new as `seq`, for one person."""
    shared = build_shared(session.pk)
    personal = fetch_personal(session.pk, participant=participant, is_facilitator=is_facilitator, session=session)
    return combine(shared, personal, participant=participant, is_facilitator=is_facilitator)
