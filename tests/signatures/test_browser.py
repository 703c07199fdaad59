"""End to end in Debian's Chromium, on a phone-sized window: sign for an organisation, confirm, appear, verify, withdraw."""

import re
import tempfile
from pathlib import Path

import pytest

from tests.mail import smtp_sink
from tests.server import daphne, free_port, live_server_env, manage
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]

SETUP = """
from manifesto import services
from manifesto.signatures import services as signature_services
from tests.factories import make_manifesto, make_user
organiser = make_user("organisatrice-e2e")
manifesto = make_manifesto(organiser=organiser, slug="manifeste-e2e", sections=1, clauses=2)
version = services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte adopté")
signature_services.open_campaign(actor=organiser, manifesto=manifesto, version=version, goal=10)
print(version.fingerprint)
"""




@pytest.fixture
def server():
    with smtp_sink() as sink, tempfile.TemporaryDirectory() as tmp:
        env = live_server_env(
            SQLITE_PATH=str(Path(tmp) / "e2e.sqlite3"),
            **sink.email_env(),
            SIGNATURE_RATE_LIMIT="1000",
        )
        port = free_port()
        env["SITE_URL"] = f"http://127.0.0.1:{port}"
        manage("migrate", "--no-input", env=env)
        import subprocess
        import sys

        from tests.server import ROOT

        fingerprint = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.strip().splitlines()[-1]
        with daphne(env, port=port) as base:
            yield base, sink, fingerprint


def test_sign_as_an_organisation_confirm_appear_verify_and_withdraw(server):
    from playwright.sync_api import expect, sync_playwright

    base, sink, fingerprint = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        phone = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page = phone.new_page()
        watcher = browser.new_context(locale="fr-FR").new_page()
        watcher.goto(f"{base}/signer/manifeste-e2e/signataires/")
        expect(watcher.locator("[data-counter-count]")).to_have_text("0")
        watcher.wait_for_function("() => document.querySelector('[data-counter-ws]').dataset.live === '1'")

        page.goto(f"{base}/signer/manifeste-e2e/")
        expect(page.locator(".fingerprint")).to_have_text(fingerprint)
        expect(page.get_by_label("Nom de l'organisation")).to_be_hidden()  # person by default, JS hides the rest
        page.get_by_label("Au nom d'une organisation").check()
        page.get_by_label("Nom de l'organisation").fill("Coopérative des Deux Rives")
        page.get_by_label("Famille de l'ESS / forme juridique").select_option("cooperative")
        page.get_by_label("SIREN (facultatif)").fill("732 829 320")
        page.get_by_label("Je confirme être habilité·e").check()
        page.get_by_label("Prénom").fill("Nadia")
        page.get_by_label("Nom", exact=True).fill("Benali")
        page.get_by_label("Titre ou fonction (facultatif)").fill("Présidente")
        page.get_by_label("Département").select_option("44")
        page.get_by_label("Adresse électronique").fill("Presidence@Coop.example")
        page.get_by_label("J'accepte que mon nom").check()
        page.get_by_role("button", name="Signer").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("vérifiez votre messagerie")

        confirmation = sink.nth(1)
        assert confirmation["To"] == "presidence@coop.example"
        link = re.search(r"http://\S+/signer/confirmer/\S+/", sink.body(confirmation)).group(0)
        page.goto(link)
        page.get_by_role("button", name="Je confirme ma signature").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Votre signature est confirmée")
        code = page.locator("[data-receipt-code]").inner_text()
        expect(watcher.locator("[data-counter-count]")).to_have_text("1", timeout=10000)  # live, no reload

        page.goto(f"{base}/signer/manifeste-e2e/signataires/?famille=cooperative&territoire=44")
        entry = page.locator(".signatory").first
        expect(entry).to_contain_text("Coopérative des Deux Rives")
        expect(entry).to_contain_text("Coopérative")
        expect(entry).to_contain_text("Loire-Atlantique")

        page.goto(f"{base}/signer/manifeste-e2e/recu/")
        page.get_by_label("Code de reçu").fill(code.lower())
        page.get_by_role("button", name="Vérifier").click()
        expect(page.locator(".receipt-result")).to_contain_text(fingerprint)
        expect(page.locator(".receipt-result")).not_to_contain_text("Benali")

        receipt = sink.nth(2)
        manage_url = re.search(r"http://\S+/signer/gerer/\d+/[0-9a-f]+/", sink.body(receipt)).group(0)
        page.goto(manage_url)
        page.get_by_role("button", name="Retirer ma signature").click()
        expect(page.locator(".messages")).to_contain_text("retirée")
        expect(watcher.locator("[data-counter-count]")).to_have_text("0", timeout=10000)
        page.goto(f"{base}/signer/manifeste-e2e/signataires/")
        expect(page.locator(".signatories")).not_to_contain_text("Deux Rives")

        # And as a person, with the organisation fields left hidden and empty.
        page.goto(f"{base}/signer/manifeste-e2e/")
        page.get_by_label("Prénom").fill("Léa")
        page.get_by_label("Nom", exact=True).fill("Durand")
        page.get_by_label("Département").select_option("75")
        page.get_by_label("Adresse électronique").fill("lea@example.org")
        page.get_by_label("J'accepte que mon nom").check()
        page.get_by_role("button", name="Signer").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("vérifiez votre messagerie")
        link = re.search(r"http://\S+/signer/confirmer/\S+/", sink.body(sink.nth(3))).group(0)
        page.goto(link)
        page.get_by_role("button", name="Je confirme ma signature").click()
        expect(watcher.locator("[data-counter-count]")).to_have_text("1", timeout=10000)
        page.goto(f"{base}/signer/manifeste-e2e/signataires/?territoire=75")
        expect(page.locator(".signatory").first).to_contain_text("Léa Durand")
        browser.close()
