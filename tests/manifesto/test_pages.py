"""The reading pages: every page renders, in French, and unknown things are 404."""

import hashlib

import pytest
from django.urls import reverse

from manifesto import services

XSS = "<script>alert(1)</script>"


def url(name, manifesto, **kwargs):
    return reverse(f"manifesto:{name}", kwargs={"slug": manifesto.slug, **kwargs})


@pytest.fixture
def versioned(organiser, manifesto, clause):
    """A manifesto with a frozen version, then a changed, a moved, an added and a deleted clause."""
    services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte de départ")
    services.edit_clause(
        actor=organiser, clause=clause, text="Texte de l'article 1.1, seconde rédaction.", expected_revision=1, reason="Relecture"
    )
    sections = list(manifesto.sections.order_by("position"))
    last = manifesto.clauses.order_by("-number").first()
    services.move_clause(actor=organiser, clause=last, section=sections[0], position=1)
    services.add_clause(actor=organiser, section=sections[1], text="Un article tout neuf.")
    services.delete_clause(actor=organiser, clause=manifesto.clauses.get(number=2), reason="Redondant")
    services.freeze_version(actor=organiser, manifesto=manifesto, label="Après relecture")
    return manifesto


def test_home_lists_the_manifesto_in_french_with_its_status_and_links(client, manifesto):
    response = client.get(reverse("manifesto:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert "En rédaction" in html
    for name in ("read", "history", "versions"):
        assert url(name, manifesto) in html


def test_reading_page_shows_preamble_sections_and_clause_anchors(client, manifesto):
    response = client.get(url("read", manifesto))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nous, actrices et acteurs de l" in html
    assert "Partie 2" in html
    for clause in manifesto.clauses.all():
        assert f'id="article-{clause.number}"' in html
    assert 'media="print"' in html


def visible(response) -> str:
    """The page's text without tags and entities, spaces collapsed."""
    import html
    import re

    text = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(text).split())


def test_every_reading_page_renders_what_it_is_for(client, versioned):
    """Each page of the versioned text answers 200 and shows its own content, not just a frame."""
    first = "Texte de l'article 1.1, première rédaction."
    pages = {
        url("read", versioned): ["Texte de l'article 1.1, seconde rédaction.", "Article 7 7 Un article tout neuf.",
                                 "Dernière version figée : version 2 — Après relecture"],
        url("history", versioned): ["Suppression", "Motif : Redondant", "Motif : Relecture", "Déplacé de « Partie 2 »"],
        url("clause", versioned, number=1): ["révision 2", "Motif : Relecture", first],
        # Deleted: its history stays readable.
        url("clause", versioned, number=2): ["Cet article a été supprimé du texte.", "Motif : Redondant"],
        url("versions", versioned): ["2 Après relecture", "1 Texte de départ"],
        url("version", versioned, number=1): ["Version 1 — Texte de départ", first, "Empreinte SHA-256"],
        url("compare", versioned): ["Comparer la version"],
        url("compare", versioned) + "?old=1&new=2": [
            "ajoutés 1 supprimés 1 déplacés 1 modifiés 1", "Article 7 ajouté Un article tout neuf.",
            "Article 2 supprimé", "Article 6 déplacé"],
        url("compare", versioned) + "?old=2&new=actuel": ["Les deux textes sont identiques."],
    }
    for page, expected in pages.items():
        response = client.get(page)
        assert response.status_code == 200, page
        text = visible(response)
        assert [part for part in expected if part not in text] == [], page
    canonical = client.get(url("version_text", versioned, number=1))
    assert canonical.status_code == 200 and canonical["Content-Type"].startswith("text/plain")
    assert f"Article 1. {first}" in " ".join(canonical.content.decode().split())
    assert "seconde rédaction" not in canonical.content.decode()


def test_unknown_slug_clause_or_version_is_404(client, manifesto):
    assert client.get(reverse("manifesto:read", kwargs={"slug": "inconnu"})).status_code == 404
    assert client.get(reverse("manifesto:versions", kwargs={"slug": "inconnu"})).status_code == 404
    assert client.get(url("clause", manifesto, number=999)).status_code == 404
    assert client.get(url("version", manifesto, number=7)).status_code == 404
    assert client.get(url("compare", manifesto) + "?old=7&new=actuel").status_code == 400


def test_clause_page_shows_each_revision_with_who_reason_and_word_diff(client, organiser, clause):
    services.edit_clause(
        actor=organiser, clause=clause, text="Texte de l'article 1.1, rédaction amendée.", expected_revision=1, reason="Agora de Lyon"
    )
    html = client.get(url("clause", clause.manifesto, number=clause.number)).content.decode()
    assert "Agora de Lyon" in html
    assert "Odile" in html
    assert "<del>première </del>rédaction<ins> amendée</ins>" in html
    assert html.count('class="history-entry"') == 2  # created, then changed


def test_clause_history_leaves_out_shifts_caused_by_other_clauses(organiser, manifesto):
    from manifesto.selectors import clause_history

    first_section = manifesto.sections.order_by("position").first()
    first, second, third = first_section.clauses.order_by("position")
    services.move_clause(actor=organiser, clause=third, section=first_section, position=1)
    services.delete_clause(actor=organiser, clause=first)
    # `second` shifted twice without anyone touching it.
    assert [entry.kind for entry in clause_history(manifesto=manifesto, number=second.number)] == ["created"]
    assert [entry.kind for entry in clause_history(manifesto=manifesto, number=third.number)] == ["created", "moved"]
    assert [entry.kind for entry in clause_history(manifesto=manifesto, number=first.number)] == ["created", "deleted"]


def test_version_diff_reports_added_removed_moved_and_changed_clauses(client, versioned):
    response = client.get(url("compare", versioned) + "?old=1&new=2")
    comparison = response.context["comparison"]
    assert comparison.counts == {"added": 1, "removed": 1, "moved": 1, "changed": 1}
    assert [item.number for item in comparison.removed] == [2]
    html = response.content.decode()
    assert "<ins>seconde</ins>" in html
    assert "<del>première</del>" in html


def test_moving_one_clause_up_reports_only_that_clause_as_moved(organiser, manifesto):
    from manifesto.selectors import compare_texts

    before = services.snapshot(manifesto)
    section = manifesto.sections.order_by("position").first()
    last = section.clauses.order_by("position").last()
    services.move_clause(actor=organiser, clause=last, section=section, position=1)
    comparison = compare_texts(before, services.snapshot(manifesto))
    moved = [item.number for s in comparison.sections for item in s.clauses if "moved" in item.status]
    assert moved == [last.number]


def test_version_page_shows_the_text_as_frozen_even_after_later_edits(client, organiser, manifesto, clause):
    version = services.freeze_version(actor=organiser, manifesto=manifesto, label="V1")
    services.edit_clause(actor=organiser, clause=clause, text="Réécrit après le gel.", expected_revision=1)
    html = client.get(url("version", manifesto, number=1)).content.decode()
    assert "première rédaction" in html
    assert "Réécrit après le gel." not in html
    assert version.fingerprint in html


def test_canonical_text_download_matches_the_fingerprint(client, organiser, manifesto):
    version = services.freeze_version(actor=organiser, manifesto=manifesto, label="V1")
    response = client.get(url("version_text", manifesto, number=1))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert hashlib.sha256(response.content).hexdigest() == version.fingerprint


def test_script_in_a_clause_is_escaped_on_reading_history_and_diff_pages(client, organiser, manifesto, clause):
    services.freeze_version(actor=organiser, manifesto=manifesto, label="Avant")
    services.edit_clause(actor=organiser, clause=clause, text=f"Texte {XSS} piégé.", expected_revision=1, reason=XSS)
    services.freeze_version(actor=organiser, manifesto=manifesto, label=XSS)
    pages = [
        url("read", manifesto),
        url("clause", manifesto, number=clause.number),
        url("history", manifesto),
        url("versions", manifesto),
        url("version", manifesto, number=2),
        url("compare", manifesto) + "?old=1&new=2",
    ]
    for page in pages:
        html = client.get(page).content.decode()
        assert "<script>alert(1)</script>" not in html, page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;script&gt;" in html, page


def test_pages_switch_to_english_when_asked(client, manifesto):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("manifesto:home")).content.decode()
    assert '<html lang="en">' in html


def test_reading_and_history_pages_do_not_query_per_clause(client, organiser, django_assert_max_num_queries):
    from tests.factories import make_manifesto

    big = make_manifesto(organiser=organiser, sections=4, clauses=8, slug="grand")
    for clause in big.clauses.all()[:5]:
        services.edit_clause(actor=organiser, clause=clause, text=clause.text + " Amendé.", expected_revision=1)
    services.freeze_version(actor=organiser, manifesto=big, label="V1")
    pages = {url("read", big): "Amendé.", url("history", big): "Amendé.", url("versions", big): "1 V1",
             url("compare", big) + "?old=1&new=actuel": "Les deux textes sont identiques."}
    for page, expected in pages.items():
        with django_assert_max_num_queries(10):
            response = client.get(page)
        assert response.status_code == 200
        assert expected in visible(response), page
