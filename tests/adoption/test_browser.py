"""End to end in Debian's Chromium on a phone-sized window: a voter votes from the emailed link,
watches the turnout move live, and sees the results appear when the organiser closes the vote."""

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
import datetime
from django.utils import timezone
from deliberation.adoption import services
from manifesto import services as text_services
from tests.factories import make_manifesto, make_user
organiser = make_user("organisatrice-vote")
manifesto = make_manifesto(organiser=organiser, slug="manifeste-vote", sections=1, clauses=2)
version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte soumis au vote")
vote = services.create_vote(actor=organiser, manifesto=manifesto, version=version, rules=services.Rules(
    title="Adoption du manifeste", closes_at=timezone.now() + datetime.timedelta(days=2), per_article=True, quorum_percent=50))
services.import_roll(actor=organiser, vote=vote, csv_text="nom,email,organisation,poids\\nAmina Diallo,amina@example.org,Coop du Val,2\\nBastien Roy,bastien@example.org,Mutuelle,1\\n")
services.open_vote(actor=organiser, vote=vote)
print(vote.pk, version.fingerprint)
"""


@pytest.fixture
def server():
    with smtp_sink() as sink, tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = live_server_env(
            SQLITE_PATH=str(Path(tmp) / "e2e.sqlite3"), SITE_URL=f"http://127.0.0.1:{port}", **sink.email_env(),
        )
        manage("migrate", "--no-input", env=env)
        output = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.strip().splitlines()[-1]
        vote_id, fingerprint = output.split()
        with daphne(env, port=port) as base:
            yield base, sink, int(vote_id), fingerprint


def link_for(sink, address) -> str:
    return sink.link_in(sink.to(address), r"/vote/bulletin/\S+/")


def test_a_voter_votes_from_the_emailed_link_on_a_phone_and_sees_the_results_at_close(server):
    from playwright.sync_api import expect, sync_playwright

    base, sink, vote_id, fingerprint = server
    vote_url = f"{base}/vote/manifeste-vote/{vote_id}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        phone = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page = phone.new_page()
        page.goto(link_for(sink, "amina@example.org"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Adoption du manifeste")
        expect(page.locator(".fingerprint")).to_have_text(fingerprint)
        expect(page.locator("[data-turnout-voted]")).to_have_text("0")
        # Nothing wider than the phone's screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.get_by_role("group", name="L'ensemble du texte").get_by_label("Pour").check()
        page.get_by_role("button", name="Déposer mon bulletin").click()
        # Unanswered articles: the form says so, and keeps the answer given.
        expect(page.locator(".errorlist").first).to_contain_text("Choisissez")
        expect(page.get_by_role("group", name="L'ensemble du texte").get_by_label("Pour")).to_be_checked()
        for group in page.locator("form fieldset").all():
            if group.locator("legend").inner_text().startswith("Article"):
                group.get_by_label("Pour").check()
        page.get_by_role("button", name="Déposer mon bulletin").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("A voté")
        code = page.locator("[data-receipt-code]").inner_text()
        assert re.fullmatch(r"[A-Z0-9]{16}", code)
        assert "/vote/bulletin/" in page.url  # shown in the POST's answer, never in a URL of its own

        # The vote's public page on the phone: turnout live, no result yet.
        page.goto(vote_url)
        expect(page.locator("[data-turnout-voted]")).to_have_text("1")
        page.wait_for_function("() => document.querySelector('[data-turnout-ws]').dataset.live === '1'")
        expect(page.locator("#resultats")).to_have_count(0)

        other = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
        other.goto(link_for(sink, "bastien@example.org"))
        for group in other.locator("form fieldset").all():
            group.get_by_label("Contre").check()
        other.get_by_role("button", name="Déposer mon bulletin").click()
        expect(other.get_by_role("heading", level=1)).to_have_text("A voté")
        expect(page.locator("[data-turnout-voted]")).to_have_text("2", timeout=10000)  # live, no reload
        expect(page.locator("#resultats")).to_have_count(0)

        # The organiser closes the vote; the voter's page shows the results without a click.
        organiser = browser.new_context(locale="fr-FR").new_page()
        organiser.goto(f"{base}/connexion/?next=/vote/manifeste-vote/{vote_id}/")
        organiser.locator("input[name=username]").fill("organisatrice-vote")
        organiser.locator("input[name=password]").fill("motdepasse-de-test")
        organiser.locator("form:has(input[name=password]) [type=submit]").click()
        organiser.get_by_role("button", name="Clore le vote et publier les résultats").click()
        expect(organiser.locator(".messages")).to_contain_text("résultats sont publiés")
        expect(page.locator("#resultats")).to_contain_text("Texte adopté", timeout=10000)
        expect(page.locator("#resultats")).to_contain_text("Quorum atteint")
        row = page.locator("#resultats tbody tr").first
        expect(row).to_contain_text("L'ensemble du texte")
        expect(row.locator("td").nth(0)).to_have_text("2")  # Amina's two voices
        expect(row.locator("td").nth(1)).to_have_text("1")

        page.goto(f"{base}/vote/manifeste-vote/{vote_id}/recu/")
        page.get_by_label("Code de reçu").fill(code.lower())
        page.get_by_role("button", name="Vérifier").click()
        expect(page.get_by_role("status")).to_contain_text("compté")
        browser.close()
