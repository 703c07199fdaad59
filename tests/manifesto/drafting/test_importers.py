"""How Markdown, DOCX, ODT and a typed draft become parts and articles (docs/drafting.md)."""

import pytest

from manifesto.drafting.importers import from_file, from_typed
from tests.manifesto.drafting.files import PARTS, article_text, docx_bytes, odt_bytes


def shape(draft):
    return [(part.title, len(part.articles)) for part in draft.parts]


def test_docx_headings_become_parts_and_paragraphs_articles():
    draft = from_file(name="brouillon.docx", data=docx_bytes())
    assert draft.title == "Manifeste de l'agora"
    assert shape(draft) == [(PARTS[0], 4), (PARTS[1], 4), (PARTS[2], 4)]
    assert draft.article_count == 12
    assert draft.parts[1].articles[2] == article_text(1, 2)


def test_docx_numbered_items_are_articles_too():
    draft = from_file(name="brouillon.docx", data=docx_bytes(numbered=True))
    assert draft.article_count == 12
    assert draft.parts[0].articles[1] == article_text(0, 1)


def test_docx_article_headings_gather_their_paragraphs_into_one_article():
    import io

    import docx

    document = docx.Document()
    document.add_heading("Le travail", level=1)
    document.add_heading("Article 1 — Du travail digne", level=2)
    document.add_paragraph("Chacun·e a droit à un travail digne.")
    document.add_paragraph("Les coopératives y contribuent.")
    document.add_heading("Article 2", level=2)
    document.add_paragraph("Deuxième article.")
    buffer = io.BytesIO()
    document.save(buffer)
    draft = from_file(name="articles.docx", data=buffer.getvalue())
    assert draft.title == ""  # "Article N" headings are not levels of the outline: the level-1 heading is a part
    assert shape(draft) == [("Le travail", 2)]
    assert draft.parts[0].articles[0] == "Du travail digne\n\nChacun·e a droit à un travail digne.\n\nLes coopératives y contribuent."
    assert draft.parts[0].articles[1] == "Deuxième article."


def test_odt_title_headings_paragraphs_and_list_items():
    draft = from_file(name="declaration.odt", data=odt_bytes())
    assert draft.title == "Déclaration commune"
    assert shape(draft) == [("Principes", 2), ("Propositions", 2)]
    assert draft.parts[1].articles == ["Première proposition.", "Deuxième proposition."]


def test_markdown_single_level_one_heading_over_level_two_is_the_title():
    text = "# Manifeste\n\n## Valeurs\n\nUn article\nsur deux lignes.\n\n1. Numéroté un\n2. Numéroté deux\n\n## Actes\n\n- Puce\n"
    draft = from_file(name="manifeste.md", data=text.encode())
    assert draft.title == "Manifeste"
    assert shape(draft) == [("Valeurs", 3), ("Actes", 1)]
    assert draft.parts[0].articles[0] == "Un article sur deux lignes."
    assert draft.parts[0].articles[1:] == ["Numéroté un", "Numéroté deux"]


def test_markdown_keeps_words_not_markup():
    draft = from_file(name="m.markdown", data="# Partie\n\nUn **mot** en `code` et [un lien](https://exemple.org).\n".encode())
    assert draft.parts[0].articles == ["Un mot en code et un lien."]


def test_markdown_with_a_byte_order_mark_is_read():
    draft = from_file(name="m.md", data="\ufeff# Partie\n\nArticle.\n".encode("utf-8"))
    assert shape(draft) == [("Partie", 1)]


def test_typed_draft_follows_the_same_convention():
    draft = from_typed("# Première partie\n\nPremier article.\n\nDeuxième article.\n\n# Seconde partie\n\nTroisième.")
    assert draft.title == ""  # level-1 headings alone are parts
    assert shape(draft) == [("Première partie", 2), ("Seconde partie", 1)]


def test_articles_before_any_heading_go_into_an_untitled_part():
    draft = from_typed("Un article sans partie.\n\n# Partie\n\nUn autre.")
    assert shape(draft) == [("Partie sans titre", 1), ("Partie", 1)]


def test_the_draft_round_trips_through_plain_data():
    from manifesto.drafting.structure import Draft

    draft = from_file(name="brouillon.docx", data=docx_bytes())
    assert Draft.from_data(draft.as_data()) == draft


@pytest.mark.parametrize("name", ["brouillon.DOCX", "Brouillon.Docx"])
def test_the_suffix_is_read_whatever_its_case(name):
    assert from_file(name=name, data=docx_bytes()).article_count == 12
