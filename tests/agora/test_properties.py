"""Properties of the live room's protocol, over random sequences of commands (Hypothesis).

1. State equivalence, in the spirit of Zulip's test_events.py: the snapshot at seq N plus the
   journal's events after N, applied by the small reference client below (written from
   docs/realtime.md, as an outside client would be), equals a fresh snapshot at the end.
2. The command surface under fuzzing: whatever a client sends, the pipeline answers with an ack
   or a named error, never a traceback or `server_error`, and a refused command changes nothing.

The commands run through agora.pipeline synchronously; every event read back is validated
against the vocabulary and round-tripped through JSON. Example counts are bounded so the suite
stays fast; raise them locally with `--hypothesis-seed`/`HYPOTHESIS_EXAMPLES` when hunting.
"""

import copy
import itertools
import json
import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from agora import services as agora_services
from agora import snapshot
from agora.models import LiveSession
from agora.pipeline import Caller, Command, RateLimit, read, run
from manifesto.models import Event, Manifesto
from manifesto.vocabulary import COMMANDS, ListOf, validate_event
from tests.factories import make_agora, make_manifesto

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "12"))
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # No shrinking or explaining: each example builds a manifesto in the database, and tracing
    # (the explain phase) makes that minutes long. A failure prints its draws as they were.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_ids = itertools.count(1)

PHASES = ["welcome", "proposals", "supports", "closing"]


class Room:
    """A fresh manifesto, agora and live session with three participants, for one example."""

    def __init__(self, organiser, facilitator):
        self.manifesto = make_manifesto(organiser=organiser, sections=1, clauses=3)
        agora = make_agora(manifesto=self.manifesto, facilitators=[facilitator])
        self.session = agora_services.open_session(actor=facilitator, agora=agora)
        self.facilitator = Caller(
            session_id=self.session.pk, actor=f"user:{facilitator.pk}", user=facilitator, participant_id=None,
            is_facilitator=True,
        )
        self.participants = []
        for name, family in [("Amina", "cooperative"), ("Bruno", "association"), ("Chloé", "")]:
            person = agora_services.join(session=self.session, display_name=name, ess_family=family)
            self.participants.append(Caller(
                session_id=self.session.pk, actor=f"participant:{person.pk}", user=None, participant_id=person.pk,
                is_facilitator=False,
            ))
        # An empty scope is the whole text.
        self.clause_ids = list(self.manifesto.clauses.values_list("pk", flat=True))
        self.callers = [self.facilitator, *self.participants]

    def amendment_ids(self) -> list[int]:
        from deliberation.models import Amendment

        return list(Amendment.objects.filter(session=self.session).values_list("pk", flat=True))

    def send(self, caller: Caller, type: str, data) -> dict:
        reply = run(caller, Command(type, f"cmd-{next(_ids)}", data))
        assert json.loads(json.dumps(reply)) == reply
        assert reply["type"] in {"ack", "error"}, reply
        assert reply.get("code") != "server_error", reply
        return reply

    def snapshot(self) -> dict:
        session = LiveSession.objects.select_related("agora", "agora__manifesto").get(pk=self.session.pk)
        return snapshot.build(session, participant=None, is_facilitator=True)

    def last_seq(self) -> int:
        return Manifesto.objects.values_list("last_seq", flat=True).get(pk=self.manifesto.pk)

    def events_after(self, seq: int) -> list[dict]:
        frames = []
        for event in Event.objects.filter(manifesto=self.manifesto, seq__gt=seq).order_by("seq"):
            wire = json.loads(json.dumps(event.as_wire()))
            validate_event(wire["type"], wire["data"])
            frames.append(wire)
        return frames


# ------------------------------------------------------------------------- the reference client


def apply(state: dict, event: dict, *, session_id: int) -> None:
    """Apply one event to a facilitator's snapshot `data`, as docs/realtime.md tells a client to."""
    kind, data = event["type"], event["data"]
    if "session_id" in data and data["session_id"] not in (session_id, None):
        return  # another room's event: counted for seq, not applied
    session = state["session"]
    deliberation = state.get("amendments")
    if kind == "session.phase_changed":
        session["phase"] = data["phase"]
        # The event carries the code; the client names it from the snapshot's `phases`.
        session["phase_label"] = next(p["label"] for p in session["phases"] if p["value"] == data["phase"])
    elif kind == "session.focus_changed":
        session["focus_clause"] = data["clause"]
    elif kind == "session.timer_changed":
        session["timer_ends_at"] = data["ends_at"]
    elif kind == "session.closed":
        session["closed"] = True
    elif kind == "queue.changed":
        state["queue"] = {"hands": data["hands"], "floor": data["floor"]}
    elif kind == "session.participant_removed":
        pass  # the queue.changed that follows carries the queue without them
    elif kind in {"clause.changed", "clause.moved", "clause.added"}:
        clause = data["clause"]
        clauses = deliberation["clauses"]
        clauses[:] = [c for c in clauses if c["id"] != clause["id"]]
        clauses.append(clause)
        clauses.sort(key=lambda c: (c["section_id"], c["position"]))
        if session["focus_clause"] and session["focus_clause"]["id"] == clause["id"]:
            session["focus_clause"] = clause
        _review(deliberation)
    elif kind.startswith("amendment."):
        amendment = data["amendment"]
        entries = deliberation["amendments"]
        existing = next((a for a in entries if a["id"] == amendment["id"]), None)
        if existing is None:
            empty = {"pour": 0, "contre": 0, "abstention": 0}
            existing = {"totals": empty, "own_support": None, "comments": [], "by_family": {}, "mine": False}
            entries.append(existing)
        existing.update(amendment)
        entries.sort(key=lambda a: a["number"])
        _review(deliberation)
    elif kind == "support.changed":
        entry = next(a for a in deliberation["amendments"] if a["id"] == data["amendment_id"])
        entry["totals"], entry["by_family"] = data["totals"], data["by_family"]
    elif kind == "comment.added":
        comment = data["comment"]
        entry = next(a for a in deliberation["amendments"] if a["id"] == comment["amendment_id"])
        entry["comments"].append(comment)


def _review(deliberation: dict) -> None:
    """"À revoir": an open amendment whose clause moved on since it was written (derived, as clients do)."""
    revisions = {c["id"]: c["revision"] for c in deliberation["clauses"]}
    for entry in deliberation["amendments"]:
        entry["needs_review"] = (
            entry["state"] == "open" and entry["kind"] != "insert"
            and (entry["clause_id"] is None or revisions.get(entry["clause_id"]) != entry["base_revision"])
        )


def comparable(snap: dict) -> dict:
    data = copy.deepcopy(snap["data"])
    data.pop("presence", None)  # not journaled: its own frames carry the latest count
    return data


# ------------------------------------------------------------------------- random commands


def random_command(draw, room: Room):
    """(caller, type, data): mostly well-formed commands a real room would send, some refused."""
    clause = st.sampled_from(room.clause_ids)
    amendments = room.amendment_ids()
    participant_ids = [p.participant_id for p in room.participants]
    participant = draw(st.sampled_from(room.participants))
    choices = [
        (room.facilitator, "session.set_phase", lambda: {"phase": draw(st.sampled_from(PHASES))}),
        (room.facilitator, "session.set_focus", lambda: {"clause_id": draw(st.one_of(st.none(), clause))}),
        (room.facilitator, "session.set_timer", lambda: {"seconds": draw(st.sampled_from([None, 0, 60, 600]))}),
        (room.facilitator, "queue.give_floor",
         lambda: {"participant_id": draw(st.one_of(st.none(), st.sampled_from(participant_ids)))}),
        (room.facilitator, "queue.lower", lambda: {"participant_id": draw(st.sampled_from(participant_ids))}),
        (room.facilitator, "queue.clear", lambda: {}),
        (participant, "queue.raise_hand", lambda: {}),
        (participant, "queue.lower_hand", lambda: {}),
        (participant, "amendment.propose", lambda: {
            "kind": "modify", "clause_id": draw(clause), "section_id": None,
            "text": draw(st.sampled_from(["L'ESS d'abord.", "Un texte nouveau.", ""])), "justification": ""}),
    ]
    if amendments:
        amendment = st.sampled_from(amendments)
        choices += [
            (participant, "support.set",
             lambda: {"amendment_id": draw(amendment), "value": draw(st.sampled_from(["pour", "contre", "abstention"]))}),
            (participant, "comment.add",
             lambda: {"amendment_id": draw(amendment), "stance": draw(st.sampled_from(["pour", "contre"])), "text": "Oui."}),
            (participant, "amendment.withdraw", lambda: {"amendment_id": draw(amendment)}),
            (room.facilitator, "amendment.accept",
             lambda: {"amendment_id": draw(amendment), "resolved_text": None, "expected_revision": None}),
            (room.facilitator, "amendment.reject", lambda: {"amendment_id": draw(amendment), "reason": "Hors sujet."}),
        ]
    caller, kind, data = draw(st.sampled_from(choices))
    return caller, kind, data()


@pytest.mark.django_db
@BOUNDED
@given(moves=st.data())
def test_snapshot_at_n_plus_the_events_after_n_equals_a_fresh_snapshot(organiser, facilitator, moves):
    room = Room(organiser, facilitator)
    before = moves.draw(st.integers(0, 8), label="commands before the snapshot")
    after = moves.draw(st.integers(1, 10), label="commands after the snapshot")
    for _ in range(before):
        room.send(*random_command(moves.draw, room))
    start = room.snapshot()
    for _ in range(after):
        room.send(*random_command(moves.draw, room))
    state = comparable(start)
    for event in room.events_after(start["seq"]):
        apply(state, event, session_id=room.session.pk)
    end = room.snapshot()
    assert end["seq"] == room.last_seq()
    assert state == comparable(end)


# ------------------------------------------------------------------------- fuzzing the command surface

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)


def value_for(expected, draw, pool: list[int]):
    """A value that mostly has the declared type (so the services' own checks are reached)."""
    if isinstance(expected, tuple):
        return value_for(draw(st.sampled_from(expected)), draw, pool)
    if expected is int:
        return draw(st.sampled_from(pool) | st.integers(-3, 10**9))
    if expected is str:
        return draw(st.sampled_from(PHASES + ["modify", "insert", "delete", "pour", "contre", "x" * 5000, ""])
                    | st.text(max_size=40))
    if expected is bool:
        return draw(st.booleans())
    if isinstance(expected, ListOf):
        return draw(st.lists(st.sampled_from(pool) | st.integers(-3, 10**6), max_size=4))
    return draw(JSON)


@pytest.mark.django_db
@BOUNDED
@given(moves=st.data())
def test_fuzzed_commands_never_fail_and_refusals_change_nothing(organiser, facilitator, moves):
    room = Room(organiser, facilitator)
    room.send(room.facilitator, "session.set_phase", {"phase": moves.draw(st.sampled_from(PHASES))})
    for _ in range(moves.draw(st.integers(1, 8))):
        pool = room.clause_ids + room.amendment_ids() + [p.participant_id for p in room.participants]
        kind = moves.draw(st.sampled_from(sorted(COMMANDS)) | st.text(max_size=20))
        if kind in COMMANDS and moves.draw(st.booleans()):
            data = {key: value_for(expected, moves.draw, pool) for key, expected in COMMANDS[kind].fields.items()}
        else:
            data = moves.draw(JSON)
        caller = moves.draw(st.sampled_from(room.callers))
        seq, state = room.last_seq(), comparable(room.snapshot())
        reply = room.send(caller, kind, data)
        if reply["type"] == "error":
            assert reply["message"], reply
            assert room.last_seq() == seq and comparable(room.snapshot()) == state, reply


@BOUNDED
@given(text=st.text(max_size=200) | JSON.map(json.dumps))
def test_any_frame_is_read_without_an_exception(text):
    step = read(text, None, rate=RateLimit(1000))
    if isinstance(step, dict):
        assert step["type"] in {"error", "pong"}
        assert json.loads(json.dumps(step)) == step
