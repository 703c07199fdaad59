"""In Debian's Chromium, on a phone: after confirming, the share block passes the text on
(copy link, Mastodon) without loading anything from elsewhere, and a partner's page frames the
counter, which follows new signatures live."""

import re
import subprocess
import sys
import tempfile
import threading
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.mail import smtp_sink
from tests.server import ROOT, daphne, free_port, live_server_env, manage
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]

SETUP = """
from manifesto import services
from manifesto.signatures import services as signature_services
from tests.factories import make_manifesto, make_user
organiser = make_user("organisatrice-partage")
manifesto = make_manifesto(organiser=organiser, slug="manifeste-partage", sections=1, clauses=2)
version = services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte adopté")
signature_services.open_campaign(actor=organiser, manifesto=manifesto, version=version, goal=10)
"""
SCREENSHOTS = Path(tempfile.gettempdir()) / "coecrire-screenshots"


@pytest.fixture
def server():
    with smtp_sink() as sink, tempfile.TemporaryDirectory() as tmp:
        env = live_server_env(SQLITE_PATH=str(Path(tmp) / "share.sqlite3"), **sink.email_env(), SIGNATURE_RATE_LIMIT="1000")
        port = free_port()
        env["SITE_URL"] = f"http://127.0.0.1:{port}"
        manage("migrate", "--no-input", env=env)
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True)
        with daphne(env, port=port) as base:
            yield base, sink


@contextmanager
def partner_server(html: str):
    """Another site, on another origin: a plain HTTP server answering every GET with `html`."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def sign_and_confirm(page, sink, base, *, first_name, email, nth):
    page.goto(f"{base}/signer/manifeste-partage/")
    page.get_by_label("Prénom").fill(first_name)
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Département").select_option("59")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_role("button", name="Signer", exact=True).click()
    link = re.search(r"http://\S+/signer/confirmer/\S+/", sink.body(sink.nth(nth))).group(0)
    page.goto(link)
    page.get_by_role("button", name="Je confirme ma signature").click()


def test_confirmed_signatory_shares_the_text_and_a_partner_frames_the_live_counter(server):
    from playwright.sync_api import expect, sync_playwright

    base, sink = server
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright, ExitStack() as stack:
        partner_site = lambda html: stack.enter_context(partner_server(html))  # noqa: E731
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        phone = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page = phone.new_page()
        violations, off_site = [], []
        page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
        page.on("request", lambda request: off_site.append(request.url) if not request.url.startswith((base, "ws://127.0.0.1", "data:")) else None)

        # A partner's page, on another origin (its own little server, another port), frames the counter.
        partner = browser.new_context(locale="fr-FR").new_page()
        frame_html = f'<h1>Site partenaire</h1><iframe src="{base}/signer/manifeste-partage/integrer/" width="320" height="220" title="Compteur"></iframe>'
        partner.goto(partner_site(frame_html))
        counter = partner.frame_locator("iframe").locator("[data-counter-count]")
        expect(counter).to_have_text("0")
        frame = next(frame for frame in partner.frames if frame.url.startswith(base))
        frame.wait_for_function("() => document.querySelector('[data-counter-ws]').dataset.live === '1'")

        sign_and_confirm(page, sink, base, first_name="Camille", email="camille@example.org", nth=1)
        expect(page.get_by_role("heading", level=1)).to_have_text("Votre signature est confirmée")
        block = page.get_by_role("region", name="Faites-le signer autour de vous")
        expect(block).to_be_visible()
        expect(block.get_by_role("link", name="Sur WhatsApp")).to_have_attribute("href", re.compile(r"^https://wa\.me/\?text="))
        block.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "share-block-390.png"), full_page=True)

        # Copy the link: the button appears with JavaScript, and says it copied.
        block.get_by_role("button", name="Copier le lien").click()
        expect(block.locator("[data-share-status]")).to_have_text("Lien copié.")
        assert page.evaluate("() => navigator.clipboard.readText()") == f"{base}/signer/manifeste-partage/"

        # The partner's counter follows, without reloading.
        expect(counter).to_have_text("1", timeout=10000)
        partner.screenshot(path=str(SCREENSHOTS / "partner-counter.png"))

        # Mastodon: an address typed as people do goes to that instance's share form.
        page.route("https://piaille.example/**", lambda route: route.fulfill(status=200, body="ok"))
        block.get_by_label("Sur Mastodon : votre instance").fill("@alice@piaille.example")
        with page.expect_request(re.compile(r"^https://piaille\.example/share\?text=")) as shared:
            block.get_by_role("button", name="Partager sur Mastodon").click()
        assert "signer%2Fmanifeste-partage" in shared.value.url
        off_site = [url for url in off_site if not url.startswith("https://piaille.example/")]
        assert violations == [] and off_site == []
        browser.close()
