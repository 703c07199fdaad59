from manifesto.diff import render_diff, word_diff


def test_word_diff_marks_replaced_word():
    html = render_diff("Les coopératives sont utiles.", "Les coopératives sont essentielles.")
    assert "<del>utiles</del><ins>essentielles</ins>" in html


def test_diff_escapes_user_text():
    html = render_diff("Texte.", "Texte. <script>alert(1)</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_identical_texts_have_only_equal_chunks():
    assert {chunk.op for chunk in word_diff("Même texte.", "Même texte.")} == {"equal"}


def test_a_rewritten_phrase_reads_as_one_deletion_then_one_insertion():
    """Spaces kept between changed words no longer make a staircase of del/ins pairs."""
    html = render_diff("le grand chat dort", "la petite souris dort")
    assert html == "<del>le grand chat</del><ins>la petite souris</ins> dort"


def test_a_kept_word_anchors_the_diff_rather_than_a_kept_space():
    html = render_diff("une première rédaction.", "une rédaction amendée.")
    assert html == "une <del>première </del>rédaction<ins> amendée</ins>."


def test_words_apart_stay_separate_changes():
    html = render_diff("le grand chat dort ici", "le grand chien dort là")
    assert html == "le grand <del>chat</del><ins>chien</ins> dort <del>ici</del><ins>là</ins>"
