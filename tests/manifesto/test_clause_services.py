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


def test_every_edit_grows_the_revision_by_one_and_records_who_and_why(organiser, clause):
    for expected, reason in [(1, "Agora de Lille"), (2, "Agora de Lyon"), (3, "Comité de rédaction")]:
        clause = services.edit_clause(
            actor=organiser, clause=clause, text=f"Rédaction {expected + 1}.", expected_revision=expected, reason=reason
        )
    assert clause.revision == 4
    rows = list(clause.history.order_by("history_date", "history_id"))
    assert [row.revision for row in rows] == [1, 2, 3, 4]
    assert [row.history_change_reason for row in rows[1:]] == ["Agora de Lille", "Agora de Lyon", "Comité de rédaction"]
    assert {row.history_user for row in rows} == {organiser}


def test_saving_the_same_text_does_not_grow_the_revision(organiser, clause):
    same = services.edit_clause(actor=organiser, clause=clause, text=clause.text + "  ", expected_revision=1)
    assert same.revision == 1
    assert clause.history.count() == 1


def test_fingerprint_covers_the_words_not_the_ids_or_revisions(organiser, manifesto, clause):
    from tests.factories import make_manifesto

    twin = make_manifesto(organiser=organiser, slug="jumeau")
    assert services.fingerprint(services.canonical_text(services.snapshot(twin))) == services.fingerprint(
        services.canonical_text(services.snapshot(manifesto))
    )
    # An edit and its undo give the same words again: same fingerprint, higher revision.
    original = clause.text
    services.edit_clause(actor=organiser, clause=clause, text="Autre chose.", expected_revision=1)
    services.edit_clause(actor=organiser, clause=clause, text=original, expected_revision=2)
    first = services.freeze_version(actor=organiser, manifesto=twin, label="Jumeau")
    second = services.freeze_version(actor=organiser, manifesto=manifesto, label="Après aller-retour")
    assert first.fingerprint == second.fingerprint
    assert first.canonical_text == second.canonical_text


def test_moving_and_deleting_keep_history_with_the_reason(organiser, manifesto, clause):
    other_section = manifesto.sections.order_by("position").last()
    services.move_clause(actor=organiser, clause=clause, section=other_section, position=1)
    services.delete_clause(actor=organiser, clause=clause, reason="Doublon")
    rows = list(clause.history.order_by("history_date", "history_id"))
    assert [row.history_type for row in rows] == ["+", "~", "-"]
    assert rows[1].section_id == other_section.pk
    assert rows[2].history_change_reason == "Doublon"
    assert rows[2].history_user == organiser


def test_adding_after_a_clause_deleted_meanwhile_is_a_clear_refusal(organiser, clause):
    from manifesto.errors import InvalidInput

    section = clause.section
    services.delete_clause(actor=organiser, clause=clause)
    with pytest.raises(InvalidInput):
        services.add_clause(actor=organiser, section=section, text="Après un fantôme.", after=clause)
    assert not section.clauses.filter(text="Après un fantôme.").exists()


def test_a_clause_shifted_by_a_neighbour_says_so_in_its_history(organiser, manifesto):
    section = manifesto.sections.order_by("position").first()
    first, second, _third = section.clauses.order_by("position")
    services.delete_clause(actor=organiser, clause=first, reason="Doublon")
    shifted = second.history.first()
    assert shifted.position == 1
    assert shifted.history_change_reason == "Position ajustée (Doublon)"


def test_a_long_reason_is_shortened_to_fit_the_history_column(organiser, clause):
    reason = "Amendement adopté en séance plénière " * 5
    edited = services.edit_clause(actor=organiser, clause=clause, text="Nouveau.", expected_revision=1, reason=reason)
    stored = edited.history.first().history_change_reason
    assert len(stored) == 100
    assert stored.endswith("…")
    assert reason.startswith(stored[:-1])


def test_a_version_label_longer_than_its_column_is_refused_clearly(organiser, manifesto):
    from manifesto.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.freeze_version(actor=organiser, manifesto=manifesto, label="V" * 150)
    assert manifesto.versions.count() == 0


@pytest.mark.parametrize("slug", ["", "avec espace", "x" * 81, "é/à"])
def test_a_manifesto_slug_that_no_url_could_carry_is_refused(organiser, slug):
    from manifesto.errors import InvalidInput
    from manifesto.models import Manifesto

    with pytest.raises(InvalidInput):
        services.create_manifesto(actor=organiser, title="Titre", slug=slug)
    assert not Manifesto.objects.exists()
