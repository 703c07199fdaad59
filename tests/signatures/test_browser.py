"""End to end in Debian's Chromium, on a phone-sized window: sign for an organisation, confirm, appear, verify, withdraw."""

import email
import email.policy
import re
import tempfile
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

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


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def wait_for_mail(sink, count, page):
    for _ in range(100):
        if len(sink.messages) >= count:
            return sink.messages[count - 1]
        page.wait_for_timeout(100)
    raise AssertionError(f"expected {count} emails, got {len(sink.messages)}")


@pytest.fixture
def server():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    with tempfile.TemporaryDirectory() as tmp:
        env = live_server_env(
            SQLITE_PATH=str(Path(tmp) / "e2e.sqlite3"),
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(controller.port),
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
    controller.stop()


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

        confirmation = wait_for_mail(sink, 1, page)
        assert confirmation["To"] == "presidence@coop.example"
        link = re.search(r"http://\S+/signer/confirmer/\S+/", body(confirmation)).group(0)
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

        receipt = wait_for_mail(sink, 2, page)
        manage_url = re.search(r"http://\S+/signer/gerer/\d+/[0-9a-f]+/", body(receipt)).group(0)
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
        link = re.search(r"http://\S+/signer/confirmer/\S+/", body(wait_for_mail(sink, 3, page))).group(0)
        page.goto(link)
        page.get_by_role("button", name="Je confirme ma signature").click()
        expect(watcher.locator("[data-counter-count]")).to_have_text("1", timeout=10000)
        page.goto(f"{base}/signer/manifeste-e2e/signataires/?territoire=75")
        expect(page.locator(".signatory").first).to_contain_text("Léa Durand")
        browser.close()
