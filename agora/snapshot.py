"""The snapshot a client receives on connect, or when it is too far behind to replay the journal."""

from agora import phases, registry
from manifesto.models import Manifesto
from manifesto.services import clause_payload


def session_part(session, *, participant, is_facilitator) -> dict:
    from agora.selectors import participant_payload

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
        "you": {
            "participant": participant_payload(participant) if participant else None,
            "is_facilitator": is_facilitator,
        },
    }


def build(session, *, participant, is_facilitator) -> dict:
    """{"type": "snapshot", "seq", "data"}: state at least as new as `seq`.

    `seq` is read before the state, so no event is missed; events after it may already be
    reflected in the state, and applying them again is harmless (events carry state, not deltas).
    """
    seq = Manifesto.objects.values_list("last_seq", flat=True).get(pk=session.agora.manifesto_id)
    session.refresh_from_db()
    data = {"session": session_part(session, participant=participant, is_facilitator=is_facilitator)}
    for name, part in registry.snapshot_parts().items():
        data[name] = part(session, participant=participant, is_facilitator=is_facilitator)
    return {"type": "snapshot", "seq": seq, "data": data}
