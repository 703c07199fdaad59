"""Every real-time event and client command, with its payload shape.

One module names them all so that servers, clients and docs/realtime.md agree. Only names
and shapes live here, no behaviour, so every app may import it. Wire format:

- event:   {"type": "...", "seq": 12, "data": {...}}
- command: {"type": "...", "id": "client-generated", "data": {...}}
- reply:   {"type": "ack" | "error", "in_reply_to": "...", ...}

A shape maps each field to the type(s) its value may have; every field is required and no
other field is allowed. `NONE` in a tuple allows null.
"""

from dataclasses import dataclass

NONE = type(None)
JSONScalar = (str, int, float, bool, NONE)


class VocabularyError(ValueError):
    """A payload that does not match its declared shape."""


@dataclass(frozen=True)
class Shape:
    name: str
    fields: dict

    def validate(self, data) -> None:
        if not isinstance(data, dict):
            raise VocabularyError(f"{self.name}: data must be an object")
        missing = self.fields.keys() - data.keys()
        extra = data.keys() - self.fields.keys()
        if missing or extra:
            raise VocabularyError(f"{self.name}: missing {sorted(missing)}, unexpected {sorted(extra)}")
        for key, allowed in self.fields.items():
            allowed = allowed if isinstance(allowed, tuple) else (allowed,)
            value = data[key]
            # bool is an int in Python; a field declared int must not accept True.
            if isinstance(value, bool) and bool not in allowed:
                raise VocabularyError(f"{self.name}: {key} has the wrong type")
            if not isinstance(value, allowed):
                raise VocabularyError(f"{self.name}: {key} has the wrong type")


def _shapes(**shapes: dict) -> dict[str, Shape]:
    return {name.replace("__", "."): Shape(name.replace("__", "."), fields) for name, fields in shapes.items()}


# ---------------------------------------------------------------- events: the text (manifesto)
CLAUSE = {"id": int, "number": int, "section_id": int, "position": int, "text": str, "revision": int}

MANIFESTO_EVENTS = _shapes(
    manifesto__status_changed={"status": str},
    manifesto__version_frozen={"number": int, "label": str, "fingerprint": str},
    section__added={"id": int, "position": int, "title": str},
    section__changed={"id": int, "position": int, "title": str},
    clause__added={"clause": dict, "reason": str},
    clause__changed={"clause": dict, "reason": str},
    clause__moved={"clause": dict, "reason": str},
    clause__deleted={"id": int, "number": int, "reason": str},
)

# ---------------------------------------------------------------- events: agoras and the live room (agora)
# Every event of a live session carries `session_id`: clients receive the whole manifesto's
# journal and ignore the events of other sessions.
PARTICIPANT = {"id": int, "display_name": str, "organisation": str, "ess_family": str}

AGORA_EVENTS: dict[str, Shape] = _shapes(
    session__opened={"session_id": int, "code": str, "phase": str},
    session__closed={"session_id": int},
    session__phase_changed={"session_id": int, "phase": str, "label": str},
    session__focus_changed={"session_id": int, "clause": (dict, NONE)},  # clause: CLAUSE or null
    session__timer_changed={"session_id": int, "ends_at": (str, NONE), "seconds": (int, NONE)},
    session__participant_removed={"session_id": int, "participant_id": int},
    queue__changed={"session_id": int, "hands": list, "floor": (dict, NONE)},
    # Not journaled (seq is null on the wire): the latest count supersedes every earlier one.
    presence__changed={"session_id": int, "count": int},
)

# ---------------------------------------------------------------- events: deliberation
DELIBERATION_EVENTS: dict[str, Shape] = _shapes()

# ---------------------------------------------------------------- events: signatures (manifesto)
# The counter frame is not journaled (no seq): each one carries the whole count.
SIGNATURE_EVENTS: dict[str, Shape] = _shapes(
    signatures__campaign_opened={
        "version": int,
        "label": str,
        "fingerprint": str,
        "starts_at": str,
        "ends_at": (str, NONE),
        "goal": (int, NONE),
    },
    signatures__campaign_closed={"closed_at": str},
    signatures__invalidated={"count": int},
    signatures__count={"manifesto_id": int, "count": int, "goal": (int, NONE)},
)

EVENTS: dict[str, Shape] = {**MANIFESTO_EVENTS, **AGORA_EVENTS, **DELIBERATION_EVENTS, **SIGNATURE_EVENTS}

# ---------------------------------------------------------------- client commands
AGORA_COMMANDS: dict[str, Shape] = _shapes(
    session__set_phase={"phase": str},
    session__set_focus={"clause_id": (int, NONE)},
    session__set_timer={"seconds": (int, NONE)},  # null or 0 stops the countdown
    session__close={},
    session__remove_participant={"participant_id": int},
    queue__raise_hand={},
    queue__lower_hand={},  # a participant lowers their own hand
    queue__lower={"participant_id": int},  # the facilitator lowers someone's hand
    queue__give_floor={"participant_id": (int, NONE)},  # null takes the floor back
    queue__clear={},
    presence__list={},  # the facilitator asks who is present; the ack carries the list
)
DELIBERATION_COMMANDS: dict[str, Shape] = _shapes()

COMMANDS: dict[str, Shape] = {**AGORA_COMMANDS, **DELIBERATION_COMMANDS}


def validate_event(event_type: str, data) -> None:
    try:
        shape = EVENTS[event_type]
    except KeyError:
        raise VocabularyError(f"unknown event type {event_type!r}") from None
    shape.validate(data)


def validate_command(command_type: str, data) -> None:
    try:
        shape = COMMANDS[command_type]
    except KeyError:
        raise VocabularyError(f"unknown command {command_type!r}") from None
    shape.validate(data)
