"""In Chromium, on the production shape when the run has it (PostgreSQL, Redis): on an empty
database without the demo, the first superuser made by `createsuperuser` creates a text from
the home page with a DOCX draft, sees the preview, and confirms."""

import pytest

from tests.manifesto.drafting.files import docx_bytes
from tests.server import daphne, live_server_env, manage, server_query
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]
PASSWORD = "une-phrase-de-passe-solide"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = live_server_env(SQLITE_PATH=str(tmp_path_factory.mktemp("drafting") / "db.sqlite3"))
    manage("migrate", "--no-input", env=env)
    manage("createsuperuser", "--no-input", "--username", "fondatrice", "--email", "fondatrice@example.org",
           env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD})
    with daphne(env) as url:
        yield url, env


@pytest.mark.parametrize("width, height", [(390, 844)])
def test_the_first_superuser_creates_a_text_from_a_docx_on_an_empty_install(server, tmp_path, width, height):
    from playwright.sync_api import expect, sync_playwright

    base, env = server
    draft = tmp_path / "brouillon-republique.docx"
    draft.write_bytes(docx_bytes())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height}, is_mobile=width < 500)
        page = context.new_page()
        page.goto(base + "/connexion/")
        page.fill("#id_username", "fondatrice")
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        expect(page.get_by_text("Aucun manifeste pour l'instant.")).to_be_visible()

        page.get_by_role("link", name="Nouveau texte").first.click()
        expect(page.get_by_role("heading", name="Nouveau texte")).to_be_visible()
        page.get_by_label("En séance").check()
        page.get_by_label("Importer un fichier").set_input_files(str(draft))
        page.get_by_role("button", name="Continuer").click()

        expect(page.get_by_role("heading", name="Aperçu du brouillon")).to_be_visible()
        expect(page.get_by_role("heading", name="3 parties, 12 articles")).to_be_visible()
        expect(page.get_by_text("fichier « brouillon-republique.docx »")).to_be_visible()
        assert server_query(env, "SELECT COUNT(*) FROM manifesto_manifesto") == [[0]]  # nothing written yet

        page.get_by_role("button", name="Créer le texte").click()
        expect(page.get_by_text("Le texte « Manifeste de l'agora » est créé : 3 parties, 12 articles.")).to_be_visible()
        assert page.url == base + "/manifeste/manifeste-de-lagora/modifier/"
        rows = server_query(
            env,
            "SELECT h.history_change_reason, u.username, m.decision_mode FROM manifesto_historicalclause h "
            "JOIN auth_user u ON u.id = h.history_user_id JOIN manifesto_manifesto m ON m.id = h.manifesto_id",
        )
        assert len(rows) == 12
        assert {tuple(row) for row in rows} == {("Import du fichier « brouillon-republique.docx »", "fondatrice", "room")}
        context.close()
        browser.close()
