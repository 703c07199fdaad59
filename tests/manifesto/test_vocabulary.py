"""The one vocabulary of events and commands: nested shapes, and in step with the registry and the docs."""

from pathlib import Path

import pytest

from agora import registry
from manifesto.vocabulary import COMMANDS, EVENTS, VocabularyError, validate_command, validate_event

DOCS = Path(__file__).resolve().parents[2] / "docs"
PARTICIPANT = {"id": 7, "display_name": "Amina", "organisation": "Coop du Val", "ess_family": "cooperative"}
CLAUSE = {"id": 42, "number": 12, "section_id": 4, "position": 2, "text": "L'ESS…", "revision": 3}
TOTALS = {"pour": 1, "contre": 0, "abstention": 2}


def test_every_registered_command_has_its_shape_and_every_shape_its_command():
    assert set(registry.registered()) == set(COMMANDS)


def test_every_event_and_command_is_documented():
    docs = (DOCS / "realtime.md").read_text() + (DOCS / "realtime-deliberation.md").read_text()
    undocumented = [name for name in [*EVENTS, *COMMANDS] if f"`{name}`" not in docs and f'"{name}"' not in docs]
    assert undocumented == []


def test_nested_shapes_are_accepted_when_right():
    validate_event("queue.changed", {"session_id": 3, "hands": [PARTICIPANT, PARTICIPANT], "floor": PARTICIPANT})
    validate_event("queue.changed", {"session_id": 3, "hands": [], "floor": None})
    validate_event("session.focus_changed", {"session_id": 3, "clause": CLAUSE})
    validate_event("support.changed", {"amendment_id": 1, "session_id": None, "totals": TOTALS,
                                       "by_family": {"cooperative": TOTALS, "": TOTALS}})
    validate_command("amendment.merge", {"amendment_ids": [1, 2], "text": "x", "justification": ""})


@pytest.mark.parametrize(
    "event_type, data, path",
    [
        ("queue.changed", {"session_id": 3, "hands": [{**PARTICIPANT, "id": "7"}], "floor": None}, "hands[0].id"),
        ("queue.changed", {"session_id": 3, "hands": [PARTICIPANT], "floor": {"id": 7}}, "floor: missing"),
        ("queue.changed", {"session_id": 3, "hands": {"0": PARTICIPANT}, "floor": None}, "hands must be a list"),
        ("session.focus_changed", {"session_id": 3, "clause": {**CLAUSE, "extra": 1}}, "unexpected ['extra']"),
        ("session.focus_changed", {"session_id": 3, "clause": {**CLAUSE, "revision": True}}, "clause.revision"),
        ("clause.changed", {"clause": {**CLAUSE, "text": None}, "reason": "r"}, "clause.text"),
        ("support.changed", {"amendment_id": 1, "session_id": 3, "totals": {"pour": 1}, "by_family": {}}, "totals: missing"),
        ("support.changed", {"amendment_id": 1, "session_id": 3, "totals": TOTALS,
                             "by_family": {"cooperative": {**TOTALS, "pour": "1"}}}, "by_family.cooperative.pour"),
        ("comment.added", {"comment": {"id": 1}, "session_id": None}, "comment: missing"),
        ("amendment.proposed", {"amendment": {}, "session_id": None}, "amendment: missing"),
    ],
)
def test_a_wrong_nested_value_is_refused_and_named(event_type, data, path):
    with pytest.raises(VocabularyError) as refused:
        validate_event(event_type, data)
    assert path in str(refused.value)


def test_command_lists_are_checked_item_by_item():
    with pytest.raises(VocabularyError, match=r"amendment_ids\[1\]"):
        validate_command("amendment.merge", {"amendment_ids": [1, "2"], "text": "x", "justification": ""})
    with pytest.raises(VocabularyError):
        validate_command("amendment.merge", {"amendment_ids": [1, True], "text": "x", "justification": ""})
