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
