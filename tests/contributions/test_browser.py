"""The first part of the arc in real browsers on a real daphne: a contribution posted from a phone in
the room, supported from another browser, taken up in an article by the collective, its answer public."""

import json
import subprocess
import sys

import pytest

from tests.server import ROOT, daphne, live_server_env, manage
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]

SETUP = """
import json
from agora import services as agora_services
from agora.models import Phase
from manifesto import services as text_services, stage_services
from tests.factories import make_agora, make_manifesto, make_user
organiser = make_user("organisatrice", first_name="Odile")
facilitator = make_user("animatrice", first_name="Fatou")
manifesto = make_manifesto(organiser=organiser, slug="manifeste-contributions", decision_mode="collective")
text_services.add_collective_member(actor=organiser, manifesto=manifesto, member=organiser)
stage_services.configure_stages(actor=organiser, manifesto=manifesto)
stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="contributions")
agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de Grenoble")
session = agora_services.open_session(actor=facilitator, agora=agora)
agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
print(json.dumps({"session": session.pk, "code": session.code, "slug": manifesto.slug}))
"""

XSS = '<img src=x onerror="window.pwned=1">'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = tmp_path_factory.mktemp("contributions") / "db.sqlite3"
    env = live_server_env(SQLITE_PATH=str(database))
    manage("migrate", "--no-input", env=env)
    output = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    data = json.loads(output.strip().splitlines()[-1])
    with daphne(env) as base:
        yield base, data


def join(page, base, code, name, family):
    page.goto(f"{base}/agoras/rejoindre/{code}/")
    page.fill("input[name=display_name]", name)
    page.select_option("select[name=ess_family]", family)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/agoras/seance/**")


def test_a_contribution_from_the_room_is_supported_elsewhere_and_taken_up_by_the_collective(server):
    from playwright.sync_api import expect, sync_playwright

    base, data = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            laptop = browser.new_context(locale="fr-FR")
            author, other = phone.new_page(), laptop.new_page()
            join(author, base, data["code"], "Amina", "cooperative")
            join(other, base, data["code"], "Dominique", "association")
            for page in (author, other):
                expect(page.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=10000)

            # On the phone, in the room: a contribution on a new theme, posted over the websocket.
            panel = author.locator("[data-live-contributions]")
            panel.locator("summary").click()
            panel.locator("input[name=title]").fill("Des coopératives de jeunes " + XSS)
            panel.locator("textarea[name=text]").fill("Ouvrir des coopératives jeunesse dans chaque lycée.")
            panel.locator("select[name=theme]").select_option("new")
            panel.locator("input[name=new_theme]").fill("Jeunesse")
            panel.locator("[data-contribution-form] button[type=submit]").click()
            expect(panel.locator("[data-contribution]").first).to_contain_text("n° 1", timeout=10000)

            # The other participant sees it arrive live, escaped, and supports it; the phone sees the count.
            card = other.locator("[data-live-contributions] [data-contribution]").first
            expect(card).to_contain_text("Des coopératives de jeunes " + XSS, timeout=10000)
            assert other.evaluate("window.pwned") is None
            card.locator("[data-support=pour]").click()
            expect(panel.locator("[data-contribution] [data-totals]").first).to_contain_text("Pour : 1", timeout=10000)

            # The organiser moves the process to the rédaction stage; the collective takes it up in article 1.
            desk = browser.new_context(locale="fr-FR").new_page()
            desk.goto(f"{base}/connexion/")
            desk.fill("input[name=username]", "organisatrice")
            desk.fill("input[name=password]", "motdepasse-de-test")
            desk.click("main form button[type=submit]")
            desk.wait_for_load_state()
            desk.goto(f"{base}/manifeste/{data['slug']}/etapes/redaction/ouvrir/")
            desk.click("main form button[type=submit]")
            expect(desk.locator(".messages")).to_contain_text("est ouverte")
            desk.goto(f"{base}/manifeste/{data['slug']}/contributions/1/")
            desk.fill("input[name=clause]", "1")
            desk.click("text=Marquer comme reprise")
            expect(desk.locator(".answer")).to_contain_text("Reprise dans l'article 1")

            # Its answer is public: on the contribution, in the list, and on the article.
            author.goto(f"{base}/manifeste/{data['slug']}/contributions/1/")
            expect(author.locator(".answer")).to_contain_text("Reprise dans l'article 1")
            expect(author.locator("[data-totals]")).to_contain_text("Pour : 1")
            author.click(".answer a")
            expect(author.locator(".clause-contributions")).to_contain_text("Des coopératives de jeunes")
            author.goto(f"{base}/manifeste/{data['slug']}/")
            expect(author.locator(".timeline [aria-current=step]")).to_contain_text("Rédaction")
            expect(author.locator(".timeline")).to_contain_text("1 contribution")
            assert author.evaluate("window.pwned") is None
        finally:
            browser.close()
