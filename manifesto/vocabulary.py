"""Every real-time event and client command, with its payload shape.

One module names them all so that servers, clients and docs/realtime.md agree. Only names
and shapes live here, no behaviour, so every app may import it. Wire format:

- event:   {"type": "...", "seq": 12, "data": {...}}
- command: {"type": "...", "id": "client-generated", "data": {...}}
- reply:   {"type": "ack" | "error", "in_reply_to": "...", ...}

A shape maps each field to the type its value must have; every field is required and no
other field is allowed. A type is one of:

- a Python type: `str`, `int` (never a bool), `float`, `bool`, `list` or `dict` (any content);
- a dict of fields: a nested object of that shape, checked the same way (e.g. `CLAUSE`);
- `ListOf(type)`: a list whose every item has that type;
- `MapOf(type)`: an object with any string keys whose every value has that type;
- a tuple of types: any one of them; `NONE` in a tuple allows null.

Errors name the path to the faulty value (`hands[0].display_name`).
"""

from dataclasses import dataclass

NONE = type(None)
JSONScalar = (str, int, float, bool, NONE)


class VocabularyError(ValueError):
    """A payload that does not match its declared shape."""


@dataclass(frozen=True)
class ListOf:
    item: object


@dataclass(frozen=True)
class MapOf:
    value: object


def _check(expected, value, path: str) -> None:
    if isinstance(expected, tuple):
        errors = []
        for alternative in expected:
            try:
                _check(alternative, value, path)
                return
            except VocabularyError as exc:
                errors.append(exc)
        nullable = [alternative for alternative in expected if alternative is not NONE]
        if len(nullable) == 1 and value is not None:
            raise errors[expected.index(nullable[0])]  # (CLAUSE, NONE): say what is wrong inside
        raise VocabularyError(f"{path} has the wrong type")
    if isinstance(expected, dict):
        _check_fields(expected, value, path)
    elif isinstance(expected, ListOf):
        if not isinstance(value, list):
            raise VocabularyError(f"{path} must be a list")
        for index, item in enumerate(value):
            _check(expected.item, item, f"{path}[{index}]")
    elif isinstance(expected, MapOf):
        if not isinstance(value, dict):
            raise VocabularyError(f"{path} must be an object")
        for key, item in value.items():
            if not isinstance(key, str):
                raise VocabularyError(f"{path} has a key that is not a string")
            _check(expected.value, item, f"{path}.{key}")
    # bool is an int in Python; a field declared int must not accept True.
    elif (isinstance(value, bool) and expected is not bool) or not isinstance(value, expected):
        raise VocabularyError(f"{path} has the wrong type")


def _check_fields(fields: dict, data, path: str) -> None:
    if not isinstance(data, dict):
        raise VocabularyError(f"{path or 'data'} must be an object")
    missing = fields.keys() - data.keys()
    extra = data.keys() - fields.keys()
    if missing or extra:
        raise VocabularyError(f"{path + ': ' if path else ''}missing {sorted(missing)}, unexpected {sorted(extra)}")
    for key, expected in fields.items():
        _check(expected, data[key], f"{path}.{key}" if path else key)


@dataclass(frozen=True)
class Shape:
    name: str
    fields: dict

    def validate(self, data) -> None:
        try:
            _check_fields(self.fields, data, "")
        except VocabularyError as exc:
            raise VocabularyError(f"{self.name}: {exc}") from None


def _shapes(**shapes: dict) -> dict[str, Shape]:
    return {name.replace("__", "."): Shape(name.replace("__", "."), fields) for name, fields in shapes.items()}


# ---------------------------------------------------------------- events: the text (manifesto)
CLAUSE = {"id": int, "number": int, "section_id": int, "position": int, "text": str, "revision": int}

MANIFESTO_EVENTS = _shapes(
    manifesto__status_changed={"status": str},
    # room | collective (docs/process.md); label: the mode in words.
    manifesto__decision_mode_changed={"decision_mode": str, "label": str},
    manifesto__version_frozen={"number": int, "label": str, "fingerprint": str},
    section__added={"id": int, "position": int, "title": str},
    section__changed={"id": int, "position": int, "title": str},
    clause__added={"clause": CLAUSE, "reason": str},
    clause__changed={"clause": CLAUSE, "reason": str},
    clause__moved={"clause": CLAUSE, "reason": str},
    clause__deleted={"id": int, "number": int, "reason": str},
)

# ---------------------------------------------------------------- events: agoras and the live room (agora)
# Every event of a live session carries `session_id`: clients receive the whole manifesto's
# journal and ignore the events of other sessions.
PARTICIPANT = {"id": int, "display_name": str, "organisation": str, "ess_family": str}

AGORA_EVENTS: dict[str, Shape] = _shapes(
    session__opened={"session_id": int, "code": str, "phase": str},
    session__closed={"session_id": int},
    # The phase's code only: each client names it in its own language (the snapshot's `phases`).
    session__phase_changed={"session_id": int, "phase": str},
    session__focus_changed={"session_id": int, "clause": (CLAUSE, NONE)},
    session__timer_changed={"session_id": int, "ends_at": (str, NONE), "seconds": (int, NONE)},
    session__participant_removed={"session_id": int, "participant_id": int},
    queue__changed={"session_id": int, "hands": ListOf(PARTICIPANT), "floor": (PARTICIPANT, NONE)},
    # Not journaled (seq is null on the wire): the latest count supersedes every earlier one.
    presence__changed={"session_id": int, "count": int},
)

# ---------------------------------------------------------------- events: deliberation
# AMENDMENT is what everyone in the room may see. A hidden amendment is sent with "hidden": true
# and empty text, base_text, justification and diff_html; its author and the facilitators read
# it over HTTP. diff_html is escaped server-side (<ins>/<del> around escaped text).
AMENDMENT = {
    "id": int,
    "number": int,
    "session_id": (int, NONE),
    "agora": str,
    "author": str,
    "kind": str,  # modify | delete | insert
    "clause_id": (int, NONE),
    "clause_number": (int, NONE),
    "section_id": int,
    "base_revision": (int, NONE),
    "base_text": str,
    "text": str,
    "justification": str,
    "diff_html": str,
    "state": str,  # open | accepted | rejected | duplicate | merged | withdrawn | hidden
    "hidden": bool,
    "decision_reason": str,
    "duplicate_of": (int, NONE),  # amendment id
    "merged_into": (int, NONE),  # amendment id
    "url": str,
    # The public answer: pending | integrated | integrated_modified | merged | duplicate | set_aside
    # | not_retained; final when given by the collective (or the room in room mode); answer: in words.
    "outcome": str,
    "outcome_final": bool,
    "answer": str,  # in the site's language; a page says it in its own from the four fields below
    "deferred": bool,  # pending, postponed by the collective
    "outcome_clause_number": (int, NONE),  # the article its words went into
    "outcome_related_number": (int, NONE),  # the amendment it was merged with or is a duplicate of
    "outcome_reason": str,  # why it was set aside or not retained ("" for a hidden one)
}
# An agora's position in collective mode (deliberation.outcomes.position_data). tally: {"pour",
# "contre", "abstention", "by_family": {family: SUPPORT_TOTALS}, "by_territory": {territory: SUPPORT_TOTALS}},
# frozen when the position was taken. position: retained | not_retained | duplicate | merged | hidden;
# label says it in words ("Retenu par l'Agora de Lille — transmis au collectif de rédaction").
SUPPORT_TOTALS = {"pour": int, "contre": int, "abstention": int}
POSITION = {
    "agora_id": int,
    "agora": str,
    "position": str,
    "label": str,
    "reason": str,
    "tally": {**SUPPORT_TOTALS, "by_family": MapOf(SUPPORT_TOTALS), "by_territory": MapOf(SUPPORT_TOTALS)},
    "decided_at": str,
}
COMMENT = {"id": int, "amendment_id": int, "author": str, "stance": str, "text": str, "created_at": str}

_AMENDMENT_EVENT = {"amendment": AMENDMENT, "session_id": (int, NONE)}
DELIBERATION_EVENTS: dict[str, Shape] = _shapes(
    amendment__proposed=_AMENDMENT_EVENT,
    amendment__edited=_AMENDMENT_EVENT,
    amendment__withdrawn=_AMENDMENT_EVENT,
    # merged: the clause had changed since the amendment's base and both changes were kept.
    # undo_until: ISO time until which a facilitator may undo it (amendment.undo_accept); null: no undo.
    amendment__accepted={**_AMENDMENT_EVENT, "merged": bool, "clause_id": (int, NONE), "revision": (int, NONE),
                         "undo_until": (str, NONE)},
    # An accept (or collective mode's "retenu") undone within the undo window: the amendment is open
    # again; the text's own events (clause.changed / clause.added / clause.deleted) say what came back.
    amendment__acceptance_undone=_AMENDMENT_EVENT,
    amendment__rejected=_AMENDMENT_EVENT,
    amendment__marked_duplicate=_AMENDMENT_EVENT,
    amendment__merged=_AMENDMENT_EVENT,  # an original folded into a compromise (amendment.merged_into)
    amendment__hidden=_AMENDMENT_EVENT,
    amendment__reopened=_AMENDMENT_EVENT,
    # Collective mode: a facilitator's accept / reject / duplicate / merge / hide is the agora's
    # position (POSITION); the text did not change. Replaces the room-mode event of that decision.
    amendment__position_taken={**_AMENDMENT_EVENT, "position": POSITION},
    # The editorial collective answered an amendment (amendment.outcome*); clause_id / revision:
    # the article and revision its words went into, if any.
    amendment__outcome_given={**_AMENDMENT_EVENT, "clause_id": (int, NONE), "revision": (int, NONE)},
    # by_family: {ess_family or "": SUPPORT_TOTALS}. Who said what is not broadcast.
    support__changed={
        "amendment_id": int,
        "session_id": (int, NONE),
        "totals": SUPPORT_TOTALS,
        "by_family": MapOf(SUPPORT_TOTALS),
    },
    comment__added={"comment": COMMENT, "session_id": (int, NONE)},
    # The amendment on the projector (null: none). amendment: AMENDMENT; totals: SUPPORT_TOTALS;
    # by_family: publishable {family: SUPPORT_TOTALS}; chunks: [[op, text]], op equal|insert|delete.
    # citation: the lines it touches ("article 4, l. 12–14") or "". group: when several amendments
    # are side by side (session.show_amendments), one such object per amendment (without "group"),
    # the first being the one above; otherwise []. needs_review: "à revoir", the article's text is no
    # longer the one the amendment was written on (its diff is against that older text).
    session__amendment_shown={"session_id": int, "amendment": (dict, NONE), "totals": SUPPORT_TOTALS,
                              "by_family": MapOf(SUPPORT_TOTALS), "chunks": list, "citation": str, "group": list,
                              "needs_review": bool},
    # The projector's join box (QR and code) made small (true) or large again.
    session__join_box_changed={"session_id": int, "small": bool},
)

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
    # `version`: when the count was read (µs since the epoch); the page ignores an older frame.
    signatures__count={"manifesto_id": int, "count": int, "goal": (int, NONE), "version": int},
)

# ---------------------------------------------------------------- events: the adoption vote (deliberation)
# Nothing here ever says who voted what: while the vote is open only the turnout is sent, and the
# results come once, at close. QUESTION_RESULT = {"key": "texte" | "article-12", "label": str,
# "pour": int, "contre": int, "abstention": int (weighted voices), "ballots": int, "adopted": bool}.
TURNOUT = {"voted": int, "roll": int, "weight_voted": int, "weight_total": int}
ADOPTION_EVENTS: dict[str, Shape] = _shapes(
    adoption__opened={
        "vote_id": int,
        "title": str,
        "version": int,
        "fingerprint": str,
        "closes_at": str,
        "per_article": bool,
        "majority": str,
        "quorum_percent": int,
        "roll": int,
    },
    adoption__turnout={"vote_id": int, "turnout": dict},  # turnout: TURNOUT
    adoption__closed={
        "vote_id": int,
        "turnout": dict,  # TURNOUT
        "quorum_reached": bool,
        "adopted": bool,
        "questions": list,  # QUESTION_RESULT, the whole text first
    },
    adoption__proclaimed={"vote_id": int, "version": int, "fingerprint": str},
)

# ---------------------------------------------------------------- events: open contributions (deliberation)
# CONTRIBUTION is what everyone may see. A hidden contribution is sent with "hidden": true and
# empty title, text and author; its author and the moderators read it over HTTP. session_id: the
# live session it was posted in, or null (online).
CONTRIBUTION = {
    "id": int,
    "number": int,
    "title": str,
    "text": str,
    "theme": str,  # the section's title, or the new theme the author named
    "section_id": (int, NONE),
    "clause_number": (int, NONE),
    "agora": str,
    "author": str,
    "ess_family": str,
    "territory": str,
    "state": str,  # published | hidden | duplicate
    "hidden": bool,
    "duplicate_of": (int, NONE),  # the other contribution's number
    "outcome": str,  # waiting | taken_up | set_aside
    "answer": str,  # the public answer in one sentence ("Reprise dans l'article 4")
    "url": str,
}
CONTRIBUTION_COMMENT = {"id": int, "contribution_id": int, "author": str, "text": str, "created_at": str}
_CONTRIBUTION_EVENT = {"contribution": dict, "session_id": (int, NONE)}
CONTRIBUTION_EVENTS: dict[str, Shape] = _shapes(
    contribution__posted=_CONTRIBUTION_EVENT,
    contribution__moderated=_CONTRIBUTION_EVENT,  # hidden, marked duplicate, or restored
    contribution__answered=_CONTRIBUTION_EVENT,  # its public answer changed (taken up, set aside)
    # totals: SUPPORT_TOTALS; by_family: {ess_family or "": SUPPORT_TOTALS}. Who said what is not broadcast.
    contribution__support_changed={"contribution_id": int, "session_id": (int, NONE), "totals": dict, "by_family": dict},
    contribution__commented={"comment": dict, "session_id": (int, NONE)},
)

# ---------------------------------------------------------------- events: stages of the process (manifesto)
# kind: a stage (contributions | redaction | agoras | synthese | adoption | proclamee | close);
# state: pending | open | closed | skipped, after the change.
_STAGE = {"kind": str, "label": str, "state": str}
STAGE_EVENTS: dict[str, Shape] = _shapes(
    stage__configured={"kinds": list},
    stage__planned={**_STAGE, "opens_on": (str, NONE), "closes_on": (str, NONE)},
    stage__opened={**_STAGE, "backwards": bool},
    stage__closed=_STAGE,
    stage__skipped=_STAGE,
)

EVENTS: dict[str, Shape] = {
    **MANIFESTO_EVENTS,
    **AGORA_EVENTS,
    **DELIBERATION_EVENTS,
    **SIGNATURE_EVENTS,
    **ADOPTION_EVENTS,
    **STAGE_EVENTS,
    **CONTRIBUTION_EVENTS,
}

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
DELIBERATION_COMMANDS: dict[str, Shape] = _shapes(
    # participants
    amendment__propose={
        "kind": str,  # modify | delete | insert
        "clause_id": (int, NONE),  # modify/delete: the clause; insert: the clause it follows (null: end of section)
        "section_id": (int, NONE),  # insert at the end of a section
        "text": str,
        "justification": str,
    },
    # rebase: the text is written against the clause as it stands now ("à revoir" amendments)
    amendment__edit={"amendment_id": int, "text": str, "justification": str, "rebase": bool},
    amendment__withdraw={"amendment_id": int},
    support__set={"amendment_id": int, "value": str},  # pour | contre | abstention
    comment__add={"amendment_id": int, "stance": str, "text": str},  # stance: pour | contre
    # facilitators
    session__show_amendment={"amendment_id": (int, NONE)},  # null clears the projector
    session__show_amendments={"amendment_ids": ListOf(int)},  # side by side (at most 4); [] clears
    session__set_join_box={"small": bool},
    amendment__undo_accept={"amendment_id": int},  # within the undo window (settings.ACCEPT_UNDO_SECONDS)
    amendment__accept={"amendment_id": int, "resolved_text": (str, NONE), "expected_revision": (int, NONE)},
    amendment__reject={"amendment_id": int, "reason": str},
    amendment__mark_duplicate={"amendment_id": int, "duplicate_of": int},
    amendment__merge={"amendment_ids": ListOf(int), "text": str, "justification": str},
    amendment__hide={"amendment_id": int, "reason": str},
    amendment__reopen={"amendment_id": int},
)

CONTRIBUTION_COMMANDS: dict[str, Shape] = _shapes(
    # participants, while the manifesto's stage is "contributions"; section_id null: a new theme
    contribution__post={"title": str, "text": str, "section_id": (int, NONE), "new_theme": str, "clause_number": (int, NONE)},
    contribution__support={"contribution_id": int, "value": str},  # pour | contre | abstention
)

COMMANDS: dict[str, Shape] = {**AGORA_COMMANDS, **DELIBERATION_COMMANDS, **CONTRIBUTION_COMMANDS}


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
