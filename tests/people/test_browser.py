"""End to end in Debian's Chromium on a phone: the first account from `manage.py
invite_first_organiser`, then an invitation sent from a text's "Personnes" page, both links read
from the server's outbox (a local SMTP sink) and accepted."""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.mail import smtp_sink
from tests.server import ROOT, daphne, free_port, live_server_env, manage
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]

SETUP = """
from tests.factories import make_agora, make_manifesto, make_user
organiser = make_user("organisatrice-e2e")
manifesto = make_manifesto(organiser=organiser, slug="manifeste-personnes", sections=1, clauses=1)
make_agora(manifesto=manifesto, title="Agora de Nantes")
"""
PASSWORD = "une phrase longue 2024"


def invitation_link(message) -> str:
    return re.search(r"http://\S+/invitation/\S+/", message.get_body(preferencelist=("plain",)).get_content()).group(0)


@pytest.fixture
def server():
    with smtp_sink() as sink, tempfile.TemporaryDirectory() as tmp:
        env = live_server_env(
            SQLITE_PATH=str(Path(tmp) / "people.sqlite3"),
            **sink.email_env(),
        )
        port = free_port()
        env["SITE_URL"] = f"http://127.0.0.1:{port}"
        manage("migrate", "--no-input", env=env)
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP], env=env, cwd=ROOT, check=True,
                       capture_output=True)
        # The documented first-account command (docs/people.md, docs/operations.md).
        manage("invite_first_organiser", "Fondatrice@Exemple.org", env=env)
        with daphne(env, port=port) as base:
            yield base, sink


def test_first_organiser_and_an_invited_facilitator_accept_on_a_phone(server):
    from playwright.sync_api import expect, sync_playwright

    base, sink = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        phone = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page = phone.new_page()

        first = sink.nth(1)
        assert first["To"] == "fondatrice@exemple.org"
        page.goto(invitation_link(first))
        expect(page.get_by_role("heading", level=1)).to_have_text("Le premier compte d'organisation")
        expect(page.get_by_label("Identifiant de connexion")).to_have_value("fondatrice")
        page.get_by_label("Prénom").fill("Fanny")
        page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
        page.get_by_label("Le même mot de passe, à nouveau").fill(PASSWORD)
        page.get_by_role("button", name="Créer mon compte et accepter").click()
        expect(page.locator(".messages")).to_contain_text("votre compte d'organisation est prêt")
        expect(page.get_by_text("Administration du site")).to_be_visible()

        # The new superuser invites a facilitator of one agora from the text's people page.
        page.goto(f"{base}/manifeste/manifeste-personnes/personnes/")
        page.get_by_label("Adresse électronique").fill("karim@exemple.org")
        page.get_by_role("checkbox", name="Animateur·rice d'agoras").check()
        page.get_by_label("Agoras à animer").select_option(label="Agora de Nantes")
        page.get_by_role("button", name="Envoyer l'invitation").click()
        expect(page.locator(".messages")).to_contain_text("Invitation envoyée à karim@exemple.org")

        second = sink.nth(2)
        assert second["To"] == "karim@exemple.org" and "Agora de Nantes" in second.get_body().get_content()
        # Opened while logged in as the organiser: refused with a sentence, nothing changes.
        page.goto(invitation_link(second))
        expect(page.get_by_role("alert")).to_contain_text("une autre adresse")
        page.get_by_role("button", name="Se déconnecter").last.click()
        page.goto(invitation_link(second))
        page.get_by_label("Prénom").fill("Karim")
        page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
        page.get_by_label("Le même mot de passe, à nouveau").fill(PASSWORD)
        page.get_by_role("button", name="Créer mon compte et accepter").click()
        expect(page.locator(".messages")).to_contain_text("vos rôles sur « Manifeste de test » sont actifs")
        page.get_by_role("link", name="Mon compte").click()
        expect(page.locator("main")).to_contain_text("Agora de Nantes")
        page.screenshot(path=str(Path(tempfile.gettempdir()) / "people-account-phone.png"), full_page=True)
        # The link served once.
        page.goto(invitation_link(second))
        expect(page.get_by_role("alert")).to_contain_text("déjà été acceptée")
        browser.close()
