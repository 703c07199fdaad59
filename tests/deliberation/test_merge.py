"""Word-level three-way merge (manifesto.merge)."""

from manifesto.merge import three_way_merge

BASE = "Nous voulons une économie juste, sobre et démocratique pour tous."


def test_disjoint_edits_merge_both():
    result = three_way_merge(
        base=BASE,
        current=BASE.replace("juste", "équitable"),
        proposed=BASE.replace("pour tous", "pour toutes et tous"),
    )
    assert not result.conflict
    assert result.text == "Nous voulons une économie équitable, sobre et démocratique pour toutes et tous."
    assert result.merged_with_other_changes


def test_overlapping_edits_conflict_with_the_three_texts():
    current = BASE.replace("juste", "équitable")
    proposed = BASE.replace("juste", "solidaire")
    result = three_way_merge(base=BASE, current=current, proposed=proposed)
    assert result.conflict
    assert result.text is None
    assert (result.base, result.current, result.proposed) == (BASE, current, proposed)


def test_deletion_against_edit_conflicts():
    result = three_way_merge(base=BASE, current=BASE.replace("sobre", "frugale"), proposed="")
    assert result.conflict


def test_deleting_words_next_to_an_edit_conflicts():
    result = three_way_merge(base=BASE, current=BASE.replace("juste", "équitable"), proposed=BASE.replace("juste, sobre", "sobre"))
    assert result.conflict


def test_insertions_at_the_same_place_conflict():
    result = three_way_merge(
        base=BASE,
        current=BASE.replace("juste, sobre", "juste, très sobre"),
        proposed=BASE.replace("juste, sobre", "juste, vraiment sobre"),
    )
    assert result.conflict


def test_insertions_at_different_places_merge():
    result = three_way_merge(
        base=BASE,
        current=BASE.replace("Nous voulons", "Nous voulons vraiment"),
        proposed=BASE.replace("pour tous", "pour tous, partout"),
    )
    assert result.text == "Nous voulons vraiment une économie juste, sobre et démocratique pour tous, partout."


def test_same_change_on_both_sides_is_not_a_conflict():
    changed = BASE.replace("juste", "équitable")
    assert three_way_merge(base=BASE, current=changed, proposed=changed).text == changed


def test_unchanged_current_takes_the_proposal():
    proposed = BASE.replace("juste", "équitable")
    result = three_way_merge(base=BASE, current=BASE, proposed=proposed)
    assert result.text == proposed
    assert not result.merged_with_other_changes


def test_long_text_keeps_alignment_on_frequent_tokens():
    # More than 200 tokens: difflib's autojunk would otherwise treat spaces and "de" as junk.
    base = " ".join(f"la phrase numéro {i} de notre texte commun, avec ses virgules," for i in range(40))
    current = base.replace("numéro 3 ", "numéro trois ")
    proposed = base.replace("numéro 35 ", "numéro trente-cinq ")
    result = three_way_merge(base=base, current=current, proposed=proposed)
    assert result.text == base.replace("numéro 3 ", "numéro trois ").replace("numéro 35 ", "numéro trente-cinq ")


def test_paragraphs_and_newlines_survive():
    base = "Premier alinéa.\n\nSecond alinéa, court."
    result = three_way_merge(
        base=base, current=base.replace("Premier", "Tout premier"), proposed=base.replace("court", "bref")
    )
    assert result.text == "Tout premier alinéa.\n\nSecond alinéa, bref."
