import pytest

from manifesto import services
from manifesto.errors import ClauseConflict, PermissionDenied


def test_editing_a_clause_grows_its_revision_and_keeps_history(organiser, clause, journal_events):
    before = journal_events(clause.manifesto)[-1].seq
    edited = services.edit_clause(
        actor=organiser, clause=clause, text="Un texte nouveau.", expected_revision=1, reason="Relecture"
    )
    assert edited.revision == 2
    latest = edited.history.first()
    assert latest.history_user == organiser
    assert latest.history_change_reason == "Relecture"
    assert latest.text == "Un texte nouveau."
    [event] = journal_events(clause.manifesto, after=before)
    assert event.type == "clause.changed"
    assert event.data["clause"]["revision"] == 2


def test_stale_revision_raises_conflict_and_writes_nothing(organiser, clause):
    services.edit_clause(actor=organiser, clause=clause, text="Première modification.", expected_revision=1)
    with pytest.raises(ClauseConflict):
        services.edit_clause(actor=organiser, clause=clause, text="Modification perdue ?", expected_revision=1)
    clause.refresh_from_db()
    assert clause.text == "Première modification."
    assert clause.revision == 2


def test_outsider_cannot_edit_clause(outsider, clause):
    with pytest.raises(PermissionDenied):
        services.edit_clause(actor=outsider, clause=clause, text="Intrusion.", expected_revision=1)
    clause.refresh_from_db()
    assert clause.revision == 1


def test_identical_text_gives_identical_fingerprint_and_any_change_a_new_one(organiser, manifesto, clause):
    first = services.freeze_version(actor=organiser, manifesto=manifesto, label="V1")
    second = services.freeze_version(actor=organiser, manifesto=manifesto, label="V1 bis")
    assert first.fingerprint == second.fingerprint
    assert len(first.fingerprint) == 64
    services.edit_clause(actor=organiser, clause=clause, text=clause.text + " Ajout.", expected_revision=1)
    third = services.freeze_version(actor=organiser, manifesto=manifesto, label="V2")
    assert third.fingerprint != first.fingerprint
    assert [first.number, second.number, third.number] == [1, 2, 3]
