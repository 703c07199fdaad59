"""Stable line numbers (manifesto/lines.py) and where they show: reading page, versions, amendments."""

import re

import pytest

from manifesto import lines, services
from manifesto.lines import changed_span, cited_lines, format_range, number_content, wrap

LOREM = (
    "L'économie sociale et solidaire rassemble des coopératives, des mutuelles, des associations "
    "et des fondations qui placent la personne avant le capital et partagent le pouvoir de décider."
)


def test_wrap_never_exceeds_the_line_length_and_keeps_every_word_in_order():
    block = wrap(LOREM, line_length=40)
    assert [line.number for line in block.lines] == list(range(1, len(block.lines) + 1))
    assert all(len(line.text) <= 40 for line in block.lines)
    assert " ".join(line.text for line in block.lines) == LOREM
    # Greedy: the next word would not have fitted on the previous line.
    for before, after in zip(block.lines, block.lines[1:]):
        assert len(before.text) + 1 + len(after.text.split()[0]) > 40


def test_offsets_point_into_the_source_text():
    text = "Premier  paragraphe   assez long pour deux lignes.\nSecond paragraphe.\n\nTroisième."
    block = wrap(text, line_length=20)
    for line in block.lines:
        assert text[line.start:line.end] == line.text
    starts = [line.text for line in block.lines if line.paragraph_start]
    assert starts == ["Premier  paragraphe", "Second paragraphe.", "Troisième."]
    assert len(block.paragraphs()) == 3


def test_a_word_longer_than_a_line_is_cut():
    block = wrap("a " + "x" * 25 + " b", line_length=10)
    assert [line.text for line in block.lines] == ["a", "x" * 10, "x" * 10, "x" * 5 + " b"]


def test_numbering_runs_through_the_preamble_and_every_clause_in_reading_order():
    content = {
        "title": "T",
        "preamble": "Nous " * 30,
        "sections": [
            {"title": "A", "clauses": [{"number": 3, "text": LOREM}, {"number": 1, "text": "Court."}]},
            {"title": "B", "clauses": [{"number": 2, "text": LOREM}]},
        ],
        "line_length": 50,
    }
    numbering = number_content(content)
    assert numbering.line_length == 50
    assert numbering.preamble.first == 1
    assert numbering.clause(3).first == numbering.preamble.last + 1
    assert numbering.clause(1).first == numbering.clause(3).last + 1 == numbering.clause(1).last
    assert numbering.clause(2).first == numbering.clause(1).last + 1
    assert numbering.total == numbering.clause(2).last
    # Same content, same numbers: nothing depends on who reads or when.
    assert number_content(content) == numbering


def test_a_version_keeps_its_line_length_when_the_default_changes(monkeypatch):
    content = {"title": "T", "preamble": "", "sections": [{"title": "A", "clauses": [{"number": 1, "text": LOREM}]}]}
    frozen = dict(content, line_length=80)
    before = number_content(frozen)
    monkeypatch.setattr(lines, "LINE_LENGTH", 30)
    assert number_content(frozen) == before
    assert number_content(content).line_length == 30


def test_changed_span_widens_to_whole_words():
    old = "Nous voulons une économie juste et durable."
    new = "Nous voulons une économie juste, sobre et durable."
    start, end = changed_span(old, new)
    assert old[start:end] == "juste"


def test_cited_lines_of_a_change_and_after_the_clause_changed():
    text = " ".join(f"mot{i:02d}" for i in range(40))  # 40 words of 5 letters: 3 words per 17 chars
    block = wrap(text, line_length=17, first_number=10)
    proposed = text.replace("mot20", "MOT20")
    line_of_20 = next(line.number for line in block.lines if "mot20" in line.text)
    assert cited_lines(block, base_text=text, proposed_text=proposed, current_text=text) == (line_of_20, line_of_20)
    # The article gained words at its start since: the citation follows the words it changes.
    current = "ajout ajout ajout " + text
    moved = wrap(current, line_length=17, first_number=10)
    line_now = next(line.number for line in moved.lines if "mot20" in line.text)
    assert line_now != line_of_20
    assert cited_lines(moved, base_text=text, proposed_text=proposed, current_text=current) == (line_now, line_now)


def test_format_range():
    assert format_range(12, 12) == "l. 12"
    assert format_range(12, 14) == "l. 12–14"


# ------------------------------------------------------------------------- pages


def _numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="ln" aria-hidden="true">(\d+)</span>', page)]


@pytest.mark.django_db
def test_reading_page_offers_line_numbers_without_javascript(client, manifesto):
    url = f"/manifeste/{manifesto.slug}/"
    plain = client.get(url).content.decode()
    assert 'class="text-body"' in plain and "?lignes=1#texte" in plain
    numbered = client.get(url + "?lignes=1").content.decode()
    assert 'class="text-body lines-on"' in numbered
    assert "Masquer les numéros de ligne" in numbered
    numbers = _numbers(numbered)
    assert numbers == list(range(1, len(numbers) + 1))
    assert numbers == _numbers(plain)  # same markup: the stylesheet shows or hides them


@pytest.mark.django_db
def test_a_frozen_version_keeps_its_numbers_after_the_text_changes(client, organiser, manifesto):
    version = services.freeze_version(actor=organiser, manifesto=manifesto, label="Avant congrès")
    assert version.content["line_length"] == lines.LINE_LENGTH
    url = version.get_absolute_url() + "?lignes=1"
    before = client.get(url).content.decode()
    first = manifesto.clauses.order_by("number").first()
    services.edit_clause(actor=organiser, clause=first, text=LOREM * 3, expected_revision=first.revision)
    after = client.get(url).content.decode()
    assert _numbers(after) == _numbers(before)
    current = _numbers(client.get(f"/manifeste/{manifesto.slug}/?lignes=1").content.decode())
    assert len(current) > len(_numbers(before))


@pytest.mark.django_db
def test_hostile_text_in_a_numbered_line_stays_text(client, organiser, manifesto):
    first = manifesto.clauses.order_by("number").first()
    services.edit_clause(actor=organiser, clause=first, text="<script>alert(1)</script> fin", expected_revision=first.revision)
    page = client.get(f"/manifeste/{manifesto.slug}/?lignes=1").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
