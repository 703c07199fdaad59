"""The new-text and import pages: who may, the preview before anything is written, and what
the confirmation writes (docs/drafting.md)."""

import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify

from manifesto.drafting import pending
from manifesto.models import Clause, Manifesto, Section, Stage
from tests.factories import make_agora, make_manifesto, make_user
from tests.manifesto.drafting.files import docx_bytes, odt_bytes, ole_bytes

NEW = reverse("manifesto:drafting:new")
NEW_PREVIEW = reverse("manifesto:drafting:new_preview")
REFUSAL = "Seules les personnes autorisées à créer des textes"


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def superuser(db):
    return make_user("racine", is_superuser=True, is_staff=True)


@pytest.fixture
def creator(db):
    user = make_user("createur")
    user.user_permissions.add(Permission.objects.get(codename="add_manifesto", content_type__app_label="manifesto"))
    return user


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def token_in(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def nothing_written():
    return Manifesto.objects.count() == 0 and Section.objects.count() == 0 and Clause.history.count() == 0


# ------------------------------------------------------------------ who may


def test_a_visitor_is_sent_to_log_in(db):
    response = Client().get(NEW)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.parametrize("who", ["outsider", "facilitator", "organiser"])
def test_people_without_the_permission_get_a_sentence_and_create_nothing(request, who, facilitator):
    user = request.getfixturevalue(who)
    if who == "organiser":
        make_manifesto(organiser=user, slug="leur-texte")  # the organiser of another text
    if who == "facilitator":
        make_agora(manifesto=make_manifesto(organiser=make_user(), slug="autre"), facilitators=[user])
    before = (Manifesto.objects.count(), Clause.history.count())
    client = client_of(user)
    for response in (
        client.get(NEW),
        client.post(NEW, {"title": "Mon texte", "decision_mode": "room", "draft_file": upload("b.docx", docx_bytes())}),
        client.post(NEW_PREVIEW, {"action": "confirm", "token": "x"}),
    ):
        assert response.status_code == 403
        assert REFUSAL in text_of(response)
    assert (Manifesto.objects.count(), Clause.history.count()) == before
    assert "Nouveau texte" not in text_of(client.get("/"))


@pytest.mark.parametrize("who", ["superuser", "creator"])
def test_superusers_and_holders_of_add_manifesto_create_a_text(request, who):
    user = request.getfixturevalue(who)
    client = client_of(user)
    assert "Nouveau texte" in text_of(client.get("/"))
    response = client.post(NEW, {"title": "Déclaration de Lyon", "decision_mode": "room"})
    text = Manifesto.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("manifesto:edit", kwargs={"slug": text.slug})
    assert (text.title, text.slug, text.decision_mode) == ("Déclaration de Lyon", "declaration-de-lyon", "room")
    assert list(text.organisers.all()) == [user]


def test_the_empty_home_leads_the_superuser_to_a_new_text(superuser):
    page = text_of(client_of(superuser).get("/"))
    assert "Aucun manifeste pour l'instant." in page
    assert f'href="{NEW}"' in page


# ------------------------------------------------------------------ the form


def test_the_slug_is_taken_from_the_title_and_a_taken_one_is_refused_with_a_sentence(superuser, manifesto):
    client = client_of(superuser)
    response = client.post(NEW, {"title": "Manifeste", "slug": manifesto.slug, "decision_mode": "collective"})
    assert response.status_code == 400
    page = text_of(response)
    assert f"L'identifiant « {manifesto.slug} » est déjà celui d'un autre texte" in page
    assert f"« {manifesto.slug}-2 »" in page
    assert Manifesto.objects.count() == 1


def test_the_address_of_the_new_page_is_not_a_text_identifier(superuser):
    response = client_of(superuser).post(NEW, {"title": "Nouveau", "decision_mode": "collective"})
    assert response.status_code == 400
    assert "est réservé par le site" in text_of(response)
    assert nothing_written()


def test_stages_are_planned_with_their_dates(superuser):
    response = client_of(superuser).post(
        NEW,
        {
            "title": "Texte en étapes",
            "decision_mode": "collective",
            "with_stages": "on",
            "etape-agoras-opens_on": "2027-03-01",
            "etape-agoras-closes_on": "2027-04-30",
        },
    )
    text = Manifesto.objects.get()
    assert response["Location"] == reverse("manifesto:stages", kwargs={"slug": text.slug})
    stages = {stage.kind: stage for stage in Stage.objects.filter(manifesto=text)}
    assert len(stages) == 7
    assert (str(stages["agoras"].planned_opens_on), str(stages["agoras"].planned_closes_on)) == ("2027-03-01", "2027-04-30")
    assert stages["contributions"].planned_opens_on is None


def test_stage_dates_without_the_stages_box_are_not_silently_dropped(superuser):
    response = client_of(superuser).post(
        NEW, {"title": "Texte", "decision_mode": "collective", "etape-agoras-opens_on": "2027-03-01"}
    )
    assert response.status_code == 400
    assert "Vous avez donné des dates d'étapes" in text_of(response)
    assert nothing_written()


def test_a_stage_closing_before_it_opens_is_refused(superuser):
    response = client_of(superuser).post(
        NEW,
        {"title": "Texte", "decision_mode": "collective", "with_stages": "on",
         "etape-agoras-opens_on": "2027-03-01", "etape-agoras-closes_on": "2027-02-01"},
    )
    assert response.status_code == 400
    assert "La clôture prévue doit venir après l'ouverture prévue." in text_of(response)
    assert nothing_written()


# ------------------------------------------------------------------ preview, then confirm


def test_preview_then_confirm_writes_one_history_row_per_article_credited_to_the_importer(superuser, journal_events):
    client = client_of(superuser)
    response = client.post(NEW, {"decision_mode": "collective", "draft_file": upload("brouillon-agora.docx", docx_bytes())})
    assert response.status_code == 302 and response["Location"] == NEW_PREVIEW
    preview = client.get(NEW_PREVIEW)
    page = text_of(preview)
    assert "3 parties, 12 articles" in page and "Manifeste de l'agora" in page
    assert nothing_written()  # the preview writes nothing

    client.post(NEW_PREVIEW, {"action": "confirm", "token": token_in(preview)})
    text = Manifesto.objects.get()
    assert text.title == "Manifeste de l'agora" and text.slug == slugify(text.title)
    assert list(text.sections.values_list("title", flat=True)) == ["Nos valeurs", "Nos propositions", "Nos engagements"]
    rows = Clause.history.filter(manifesto_id=text.pk)
    assert rows.count() == 12 == text.clauses.count()
    assert set(rows.values_list("history_user", "history_change_reason", "history_type")) == {
        (superuser.pk, "Import du fichier « brouillon-agora.docx »", "+")
    }
    types = [event.type for event in journal_events(text)]
    assert types.count("clause.added") == 12 and types.count("section.added") == 3
    assert pending.KEY not in client.session


def test_a_typed_draft_is_previewed_and_credited_as_typed(creator):
    client = client_of(creator)
    client.post(NEW, {"title": "Saisi", "decision_mode": "room", "draft_text": "# Partie\n\nUn.\n\nDeux."})
    client.post(NEW_PREVIEW, {"action": "confirm", "token": token_in(client.get(NEW_PREVIEW))})
    rows = Clause.history.all()
    assert rows.count() == 2
    assert set(rows.values_list("history_change_reason", flat=True)) == {"Brouillon saisi dans le navigateur"}


def test_a_bad_file_gets_its_sentence_on_the_form_and_nothing_is_written(superuser):
    client = client_of(superuser)
    response = client.post(NEW, {"title": "T", "decision_mode": "room", "draft_file": upload("secret.docx", ole_bytes())})
    assert response.status_code == 400
    assert "protégé par un mot de passe" in text_of(response)
    assert nothing_written() and pending.KEY not in client.session


def test_an_oversized_upload_is_refused_before_it_is_read(superuser, settings):
    settings.DRAFT_IMPORT_MAX_BYTES = 4096
    response = client_of(superuser).post(NEW, {"title": "T", "decision_mode": "room", "draft_file": upload("gros.docx", docx_bytes())})
    assert response.status_code == 400
    assert "dépasse la taille autorisée de 4,0" in text_of(response)
    assert nothing_written()


def test_an_abandoned_preview_writes_nothing(superuser):
    client = client_of(superuser)
    client.post(NEW, {"title": "T", "decision_mode": "room", "draft_file": upload("b.odt", odt_bytes())})
    token = token_in(client.get(NEW_PREVIEW))
    client.get("/")  # the person goes elsewhere: nothing is written
    assert nothing_written()
    response = client.post(NEW_PREVIEW, {"action": "abandon", "token": token})
    assert response.status_code == 302 and pending.KEY not in client.session
    assert client.post(NEW_PREVIEW, {"action": "confirm", "token": token}).status_code == 302
    assert nothing_written()


def test_a_confirmation_is_applied_once_and_only_for_the_preview_seen(superuser):
    client = client_of(superuser)
    client.post(NEW, {"title": "Premier", "decision_mode": "room", "draft_text": "Un."})
    first = token_in(client.get(NEW_PREVIEW))
    client.post(NEW, {"title": "Second", "decision_mode": "room", "draft_text": "Deux."})  # replaces the first
    response = client.post(NEW_PREVIEW, {"action": "confirm", "token": first}, follow=True)
    assert "Cet aperçu n'est plus celui qui attend" in text_of(response)
    assert nothing_written()
    second = token_in(client.get(NEW_PREVIEW))
    client.post(NEW_PREVIEW, {"action": "confirm", "token": second})
    client.post(NEW_PREVIEW, {"action": "confirm", "token": second})  # a double click
    assert list(Manifesto.objects.values_list("title", flat=True)) == ["Second"]
    assert Clause.history.count() == 1


def test_coming_back_from_the_preview_keeps_the_fields_and_the_draft(superuser):
    client = client_of(superuser)
    client.post(NEW, {"title": "Gardé", "slug": "garde", "decision_mode": "room", "draft_file": upload("b.docx", docx_bytes())})
    page = client.get(NEW + "?reprendre=1").content.decode()
    assert 'value="Gardé"' in page and "b.docx" in page
    token = re.search(r'name="pending_token" value="([^"]+)"', page).group(1)
    response = client.post(NEW, {"title": "Gardé et corrigé", "slug": "garde", "decision_mode": "room", "pending_token": token})
    assert response["Location"] == NEW_PREVIEW
    client.post(NEW_PREVIEW, {"action": "confirm", "token": token_in(client.get(NEW_PREVIEW))})
    text = Manifesto.objects.get()
    assert text.title == "Gardé et corrigé" and text.clauses.count() == 12


def test_another_person_cannot_confirm_a_preview_kept_in_someone_elses_session(superuser, creator):
    client = client_of(superuser)
    client.post(NEW, {"title": "À moi", "decision_mode": "room", "draft_text": "Un."})
    token = token_in(client.get(NEW_PREVIEW))
    other = client_of(creator)
    other.post(NEW_PREVIEW, {"action": "confirm", "token": token})
    assert nothing_written()


# ------------------------------------------------------------------ into an existing, empty text


@pytest.fixture
def empty_text(organiser):
    return make_manifesto(organiser=organiser, sections=0, clauses=0, slug="texte-vide")


def test_the_organiser_imports_into_an_empty_text_from_its_editing_page(organiser, empty_text):
    client = client_of(organiser)
    edit = client.get(reverse("manifesto:edit", kwargs={"slug": empty_text.slug})).content.decode()
    url = reverse("manifesto:drafting:import", kwargs={"slug": empty_text.slug})
    assert f'href="{url}"' in edit
    response = client.post(url, {"draft_file": upload("declaration.odt", odt_bytes())})
    preview_url = reverse("manifesto:drafting:import_preview", kwargs={"slug": empty_text.slug})
    assert response["Location"] == preview_url
    preview = client.get(preview_url)
    assert "2 parties, 4 articles" in text_of(preview)
    assert Clause.history.filter(manifesto_id=empty_text.pk).count() == 0
    client.post(preview_url, {"action": "confirm", "token": token_in(preview)})
    rows = Clause.history.filter(manifesto_id=empty_text.pk)
    assert rows.count() == 4
    assert set(rows.values_list("history_user", "history_change_reason")) == {(organiser.pk, "Import du fichier « declaration.odt »")}
    empty_text.refresh_from_db()
    assert empty_text.title == "Manifeste de test"  # the file's title does not rename the text


def test_a_text_that_has_articles_is_not_imported_into(organiser, manifesto):
    client = client_of(organiser)
    url = reverse("manifesto:drafting:import", kwargs={"slug": manifesto.slug})
    assert "Ce texte a déjà des articles" in text_of(client.get(url))
    before = Clause.history.count()
    client.post(url, {"draft_file": upload("b.docx", docx_bytes())})
    assert Clause.history.count() == before


def test_an_import_confirmed_after_articles_appeared_writes_nothing(organiser, empty_text):
    from manifesto import services as text_services

    client = client_of(organiser)
    url = reverse("manifesto:drafting:import", kwargs={"slug": empty_text.slug})
    client.post(url, {"draft_text": "Un.\n\nDeux."})
    preview_url = reverse("manifesto:drafting:import_preview", kwargs={"slug": empty_text.slug})
    token = token_in(client.get(preview_url))
    section = text_services.add_section(actor=organiser, manifesto=empty_text, title="Écrite entre-temps")
    text_services.add_clause(actor=organiser, section=section, text="Arrivé entre-temps.")
    response = client.post(preview_url, {"action": "confirm", "token": token}, follow=True)
    assert "Ce texte a déjà des articles" in text_of(response)
    assert empty_text.clauses.count() == 1


@pytest.mark.parametrize("who", ["outsider", "facilitator", "other_organiser"])
def test_only_the_texts_organisers_import_into_it(request, who, empty_text):
    user = make_user("autre-orga") if who == "other_organiser" else request.getfixturevalue(who)
    if who == "other_organiser":
        make_manifesto(organiser=user, slug="son-texte")
    client = client_of(user)
    url = reverse("manifesto:drafting:import", kwargs={"slug": empty_text.slug})
    for response in (client.get(url), client.post(url, {"draft_text": "Un."})):
        assert response.status_code == 403
        assert "Seuls les organisateur·rices de ce manifeste" in text_of(response)
    assert empty_text.clauses.count() == 0


# ------------------------------------------------------------------ CSRF


@pytest.mark.parametrize("route", ["new", "new_preview", "import", "import_preview"])
def test_every_drafting_form_refuses_a_post_without_its_csrf_token(superuser, route):
    """tests/security/test_csrf.py checks every route of the URLconf; this one with real
    files and a real text, so that the refusal is the CSRF check's and nothing is written."""
    make_manifesto(organiser=superuser, sections=0, clauses=0, slug="vide")
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    kwargs = {"slug": "vide"} if route.startswith("import") else {}
    response = client.post(
        reverse(f"manifesto:drafting:{route}", kwargs=kwargs),
        {"title": "Sans jeton", "decision_mode": "room", "draft_file": upload("b.docx", docx_bytes()), "action": "confirm"},
    )
    assert response.status_code == 403 and b"CSRF" in response.content
    assert Manifesto.objects.count() == 1 and Clause.history.count() == 0 and pending.KEY not in client.session
