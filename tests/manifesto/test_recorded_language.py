from django.utils import translation

from manifesto import services


def test_history_reason_is_recorded_in_french_whatever_the_editor_language(organiser, clause):
    with translation.override("en"):
        edited = services.edit_clause(actor=organiser, clause=clause, text="Nouveau texte.", expected_revision=1)
    assert edited.history.first().history_change_reason == "Article modifié"
