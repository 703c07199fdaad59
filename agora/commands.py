"""The live room's own commands and snapshot parts, registered in agora.registry.

Each handler calls one service and returns the ack's data. Imported from AgoraConfig.ready.
"""

from agora import selectors, services
from agora.registry import CommandContext, command, snapshot_part

FACILITATOR = {"facilitator"}
PARTICIPANT = {"participant"}


@command("session.set_phase", roles=FACILITATOR)
def set_phase(ctx: CommandContext, data: dict) -> dict:
    session = services.set_phase(actor=ctx.user, session=ctx.session, phase=data["phase"])
    return {"phase": session.phase}


@command("session.set_focus", roles=FACILITATOR)
def set_focus(ctx: CommandContext, data: dict) -> dict:
    session = services.set_focus(actor=ctx.user, session=ctx.session, clause_id=data["clause_id"])
    return {"clause_id": session.focus_clause_id}


@command("session.set_timer", roles=FACILITATOR)
def set_timer(ctx: CommandContext, data: dict) -> dict:
    session = services.set_timer(actor=ctx.user, session=ctx.session, seconds=data["seconds"])
    return {"ends_at": session.timer_ends_at.isoformat() if session.timer_ends_at else None}


@command("session.close", roles=FACILITATOR)
def close(ctx: CommandContext, data: dict) -> dict:
    services.close_session(actor=ctx.user, session=ctx.session)
    return {}


@command("session.remove_participant", roles=FACILITATOR)
def remove_participant(ctx: CommandContext, data: dict) -> dict:
    participant = services.remove_participant(actor=ctx.user, session=ctx.session, participant_id=data["participant_id"])
    return {"participant_id": participant.pk}


@command("queue.raise_hand", roles=PARTICIPANT)
def raise_hand(ctx: CommandContext, data: dict) -> dict:
    services.raise_hand(participant=ctx.participant)
    return {}


@command("queue.lower_hand", roles=PARTICIPANT)
def lower_hand(ctx: CommandContext, data: dict) -> dict:
    services.lower_own_hand(participant=ctx.participant)
    return {}


@command("queue.lower", roles=FACILITATOR)
def lower(ctx: CommandContext, data: dict) -> dict:
    services.lower_hand(actor=ctx.user, session=ctx.session, participant_id=data["participant_id"])
    return {}


@command("queue.give_floor", roles=FACILITATOR)
def give_floor(ctx: CommandContext, data: dict) -> dict:
    services.give_floor(actor=ctx.user, session=ctx.session, participant_id=data["participant_id"])
    return {}


@command("queue.clear", roles=FACILITATOR)
def clear(ctx: CommandContext, data: dict) -> dict:
    services.clear_queue(actor=ctx.user, session=ctx.session)
    return {}


@command("presence.list", roles=FACILITATOR)
def presence_list(ctx: CommandContext, data: dict) -> dict:
    return {
        "count": selectors.presence_count(ctx.session.pk),
        "participants": selectors.present_participants(ctx.session.pk),
    }


# ------------------------------------------------------------------------- snapshot parts


# Both are the same for everyone: built once per seq per process and shared by its joiners.


@snapshot_part("queue")
def queue_part(session) -> dict:
    return selectors.queue_state(session)


@snapshot_part("presence")
def presence_part(session) -> dict:
    # Not journaled: a presence frame follows every join within a second with the latest count.
    return {"count": selectors.presence_count(session.pk)}
