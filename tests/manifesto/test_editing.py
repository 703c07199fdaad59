"""Organiser editing in the site: thin forms over the services, refusals that change nothing."""

import pytest
from django.urls import reverse

from manifesto import services
from manifesto.models import Event, ManifestoStatus


def url(name, manifesto, **kwargs):
    return reverse(f"manifesto:{name}", kwargs={"slug": manifesto.slug, **kwargs})


def state(manifesto):
    """Everything an edit could change: the text, its versions and the journal."""
    manifesto.refresh_from_db()
    return (services.snapshot(manifesto), manifesto.versions.count(), Event.objects.filter(manifesto=manifesto).count())


def edit_requests(manifesto, clause):
    section = clause.section
    return [
        ("get", url("edit", manifesto), {}),
        ("post", url("section_add", manifesto), {"title": "Intrusion"}),
        ("post", url("section_rename", manifesto, section_id=section.pk), {"title": "Intrusion"}),
        ("post", url("section_move", manifesto, section_id=section.pk), {"position": 2}),
        ("post", url("clause_add", manifesto, section_id=section.pk), {"text": "Intrusion."}),
        ("get", url("clause_edit", manifesto, number=clause.number), {}),
        ("post", url("clause_edit", manifesto, number=clause.number), {"text": "Intrusion.", "expected_revision": 1}),
        ("post", url("clause_move", manifesto, number=clause.number), {"section": section.pk, "position": 3}),
        ("post", url("clause_delete", manifesto, number=clause.number), {}),
        ("post", url("freeze", manifesto), {"label": "Intrusion"}),
    ]


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def test_outsider_gets_403_on_every_edit_and_nothing_changes(client, outsider, manifesto, clause):
    client.force_login(outsider)
    before = state(manifesto)
    for method, path, data in edit_requests(manifesto, clause):
        response = getattr(client, method)(path, data)
        assert response.status_code == 403, path
        assert "Accès refusé" in response.content.decode()
    assert state(manifesto) == before


def test_anonymous_visitor_is_sent_to_login_and_nothing_changes(client, manifesto, clause):
    before = state(manifesto)
    for method, path, data in edit_requests(manifesto, clause):
        response = getattr(client, method)(path, data)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("login"))
    assert state(manifesto) == before


def test_organiser_cannot_edit_once_the_text_is_frozen(organiser_client, organiser, manifesto, clause):
    services.set_status(actor=organiser, manifesto=manifesto, status=ManifestoStatus.FROZEN)
    response = organiser_client.post(
        url("clause_edit", manifesto, number=clause.number), {"text": "Trop tard.", "expected_revision": 1}
    )
    assert response.status_code == 403
    clause.refresh_from_db()
    assert clause.revision == 1


def test_edit_links_are_shown_to_organisers_only(client, organiser, outsider, manifesto, clause):
    edit_link = url("clause_edit", manifesto, number=clause.number)
    client.force_login(outsider)
    assert edit_link not in client.get(url("read", manifesto)).content.decode()
    client.force_login(organiser)
    assert edit_link in client.get(url("read", manifesto)).content.decode()


def test_edit_form_carries_the_revision_the_editor_read(organiser_client, organiser, clause):
    services.edit_clause(actor=organiser, clause=clause, text="Deuxième rédaction.", expected_revision=1)
    html = organiser_client.get(url("clause_edit", clause.manifesto, number=clause.number)).content.decode()
    assert 'type="hidden" name="expected_revision" value="2"' in html
    assert "Deuxième rédaction." in html


def test_organiser_edits_a_clause_with_a_reason(organiser_client, organiser, clause):
    response = organiser_client.post(
        url("clause_edit", clause.manifesto, number=clause.number),
        {"text": "Une rédaction meilleure.", "expected_revision": 1, "reason": "Proposition de l'agora de Nantes"},
    )
    assert response.status_code == 302
    clause.refresh_from_db()
    assert (clause.text, clause.revision) == ("Une rédaction meilleure.", 2)
    latest = clause.history.first()
    assert (latest.history_user, latest.history_change_reason) == (organiser, "Proposition de l'agora de Nantes")


def test_stale_edit_shows_the_conflict_keeps_the_text_and_writes_nothing(organiser_client, organiser, clause):
    services.edit_clause(actor=organiser, clause=clause, text="Rédaction d'une autre personne.", expected_revision=1)
    mine = "Ma propre rédaction, tapée longuement."
    response = organiser_client.post(
        url("clause_edit", clause.manifesto, number=clause.number), {"text": mine, "expected_revision": 1}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Quelqu&#x27;un d&#x27;autre a modifié cet article" in html
    assert f"{mine}</textarea>" in html  # their words are kept in the form
    assert "Rédaction d&#x27;une autre personne." in html  # and the current text is shown
    assert 'name="expected_revision" value="2"' in html  # resubmitting is now a knowing choice
    clause.refresh_from_db()
    assert (clause.text, clause.revision) == ("Rédaction d'une autre personne.", 2)


def test_invalid_input_is_refused_and_the_text_kept(organiser_client, clause):
    long_text = "Trop long. " * 600
    response = organiser_client.post(
        url("clause_edit", clause.manifesto, number=clause.number), {"text": long_text, "expected_revision": 1}
    )
    assert response.status_code == 400
    assert "Trop long. Trop long." in response.content.decode()
    clause.refresh_from_db()
    assert clause.revision == 1


def test_blank_section_title_is_refused_with_a_message(organiser_client, manifesto):
    response = organiser_client.post(url("section_add", manifesto), {"title": "   "})
    assert response.status_code == 400
    assert manifesto.sections.count() == 2


def test_organiser_builds_the_text_through_the_forms(organiser_client, manifesto, clause):
    client = organiser_client
    assert client.get(url("edit", manifesto)).status_code == 200
    assert client.post(url("section_add", manifesto), {"title": "Nos revendications"}).status_code == 302
    new_section = manifesto.sections.get(title="Nos revendications")
    assert client.get(url("section_rename", manifesto, section_id=new_section.pk)).status_code == 200
    client.post(url("section_rename", manifesto, section_id=new_section.pk), {"title": "Nos demandes"})
    client.post(url("section_move", manifesto, section_id=new_section.pk), {"position": 1})
    new_section.refresh_from_db()
    assert (new_section.title, new_section.position) == ("Nos demandes", 1)

    client.post(url("clause_add", manifesto, section_id=new_section.pk), {"text": "Un droit à l'expérimentation.", "reason": ""})
    added = new_section.clauses.get()
    assert added.text == "Un droit à l'expérimentation."

    assert client.get(url("clause_move", manifesto, number=clause.number)).status_code == 200
    client.post(url("clause_move", manifesto, number=clause.number), {"section": new_section.pk, "position": 1})
    assert list(new_section.clauses.order_by("position").values_list("number", flat=True)) == [clause.number, added.number]

    assert client.get(url("clause_delete", manifesto, number=added.number)).status_code == 200
    client.post(url("clause_delete", manifesto, number=added.number), {"reason": "Doublon"})
    assert not manifesto.clauses.filter(number=added.number).exists()
    assert added.history.filter(history_type="-", history_change_reason="Doublon").exists()

    response = client.post(url("freeze", manifesto), {"label": "Version de travail"})
    version = manifesto.versions.get()
    assert response["Location"] == version.get_absolute_url()
    assert version.label == "Version de travail"


def test_clause_from_another_manifesto_is_404(organiser_client, organiser, manifesto):
    from tests.factories import make_manifesto

    other = make_manifesto(organiser=organiser, sections=1, clauses=1)
    foreign_section = other.sections.get()
    response = organiser_client.post(url("clause_add", manifesto, section_id=foreign_section.pk), {"text": "Ailleurs."})
    assert response.status_code == 404
    assert organiser_client.get(url("clause_edit", manifesto, number=999)).status_code == 404


def test_every_editing_page_renders_for_the_organiser(organiser_client, manifesto, clause):
    section = clause.section
    pages = [
        url("edit", manifesto),
        url("section_add", manifesto),
        url("section_rename", manifesto, section_id=section.pk),
        url("section_move", manifesto, section_id=section.pk),
        url("clause_add", manifesto, section_id=section.pk),
        url("clause_edit", manifesto, number=clause.number),
        url("clause_move", manifesto, number=clause.number),
        url("clause_delete", manifesto, number=clause.number),
    ]
    for page in pages:
        response = organiser_client.get(page)
        assert response.status_code == 200, page
        assert "Modifier le texte" in response.content.decode()


def test_new_clause_can_be_inserted_after_a_chosen_clause(organiser_client, manifesto, clause):
    section = clause.section
    organiser_client.post(
        url("clause_add", manifesto, section_id=section.pk), {"text": "Inséré en deuxième place.", "after": clause.pk}
    )
    texts = list(section.clauses.order_by("position").values_list("text", flat=True))
    assert texts[1] == "Inséré en deuxième place."
    assert len(texts) == 4


def test_script_typed_into_editing_forms_is_escaped_everywhere(organiser_client, manifesto, clause):
    xss = "<script>alert(1)</script>"
    response = organiser_client.post(url("section_add", manifesto), {"title": xss}, follow=True)
    section = manifesto.sections.get(title=xss)
    organiser_client.post(url("clause_add", manifesto, section_id=section.pk), {"text": xss, "reason": xss})
    pages = [response, organiser_client.get(url("edit", manifesto))]
    number = section.clauses.get().number
    pages.append(organiser_client.get(url("clause_edit", manifesto, number=number)))
    pages.append(organiser_client.get(url("clause_move", manifesto, number=number)))
    for page in pages:
        html = page.content.decode()
        assert xss not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_editing_a_clause_deleted_meanwhile_keeps_the_typed_text(organiser_client, organiser, clause):
    services.delete_clause(actor=organiser, clause=clause)
    mine = "Un texte que je ne veux pas perdre."
    response = organiser_client.post(
        url("clause_edit", clause.manifesto, number=clause.number), {"text": mine, "expected_revision": 1}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "supprimé entre-temps" in html
    assert f"{mine}</textarea>" in html
    assert not clause.manifesto.clauses.filter(number=clause.number).exists()


def test_organiser_logs_in_through_the_french_login_page_and_comes_back_to_edit(client, organiser, manifesto):
    edit_page = url("edit", manifesto)
    login_page = client.get(reverse("login") + f"?next={edit_page}")
    assert "Mot de passe" in login_page.content.decode()
    response = client.post(
        reverse("login"), {"username": "organisatrice", "password": "motdepasse-de-test", "next": edit_page}
    )
    assert response["Location"] == edit_page
    assert client.get(edit_page).status_code == 200
