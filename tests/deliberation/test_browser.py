"""A full round in real browsers on a real daphne: propose on a phone, see and support, accept, the text changes."""

import json
import subprocess
import sys

import pytest

from tests.server import ROOT, daphne, live_server_env, manage, server_query
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]

SETUP = """
import json
from agora import services as agora_services
from agora.models import Phase
from tests.factories import make_agora, make_manifesto, make_user
organiser = make_user("organisatrice")
facilitator = make_user("animatrice", first_name="Fatou")
manifesto = make_manifesto(organiser=organiser, slug="manifeste-navigateur")
clause = manifesto.clauses.order_by("number").first()
agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de Grenoble")
session = agora_services.open_session(actor=facilitator, agora=agora, clause_ids=[clause.pk])
agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
agora_services.set_focus(actor=facilitator, session=session, clause_id=clause.pk)
print(json.dumps({"session": session.pk, "code": session.code, "clause": clause.pk, "text": clause.text}))
"""

XSS = '<img src=x onerror="window.pwned=1">'

# An amendment of its own for a test that must not depend on what an earlier test proposed.
PROPOSE = """
from agora import services as agora_services
from agora.models import LiveSession, Phase
from deliberation import services
from deliberation.permissions import Actor
LiveSession.objects.filter(pk={session}).update(phase=Phase.PROPOSALS)
session = LiveSession.objects.get(pk={session})
yanis = agora_services.join(session=session, display_name="Yanis")
amendment = services.propose_amendment(actor=Actor(participant=yanis), session=session, kind="insert",
                                       section=session.focus_clause.section, text="Un article proposé par Yanis.")
print(amendment.number)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = tmp_path_factory.mktemp("navigateur") / "db.sqlite3"
    env = live_server_env(SQLITE_PATH=str(database))
    manage("migrate", "--no-input", env=env)
    output = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    data = json.loads(output.strip().splitlines()[-1])
    with daphne(env) as base:
        yield base, data, env


def join(page, base, code, name):
    page.goto(f"{base}/agoras/rejoindre/{code}/")
    page.fill("input[name=display_name]", name)
    page.select_option("select[name=ess_family]", "cooperative")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/agoras/seance/**")


def test_propose_on_a_phone_see_support_accept_and_the_text_changes_everywhere(server):
    from playwright.sync_api import expect, sync_playwright

    base, data, env = server
    amendments_url = f"{base}/deliberation/seances/{data['session']}/amendements/"
    new_text = data["text"].replace("première", "nouvelle") + " " + XSS
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            second = browser.new_context(locale="fr-FR")
            desk = browser.new_context(locale="fr-FR")
            author, other, facilitator = phone.new_page(), second.new_page(), desk.new_page()

            join(author, base, data["code"], "Amina")
            join(other, base, data["code"], "Dominique")
            facilitator.goto(f"{base}/connexion/")
            facilitator.fill("input[name=username]", "animatrice")
            facilitator.fill("input[name=password]", "motdepasse-de-test")
            facilitator.click("main form button[type=submit]")
            facilitator.wait_for_load_state()

            for page in (author, other, facilitator):
                page.goto(amendments_url)
                expect(page.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=10000)

            # The participant on a phone proposes, with a live preview of the diff.
            author.select_option("#live-where", f"c{data['clause']}")
            author.fill("#live-text", new_text)
            expect(author.locator("[data-preview] ins").first).to_contain_text("nouvelle")
            author.click("[data-propose-form] button[type=submit]")
            expect(author.locator("[data-deliberation-status]")).to_contain_text("Votre amendement n° 1 est déposé.")

            # The second participant sees it appear, escaped.
            card = other.locator("[data-amendment-id]").first
            expect(card).to_contain_text("Amendement n° 1", timeout=10000)
            expect(card).to_contain_text("Amina")
            expect(card.locator(".diff")).to_contain_text(XSS)
            assert other.evaluate("window.pwned") is None

            # The facilitator opens the supports phase from the console; the participant supports.
            console = desk.new_page()
            console.goto(f"{base}/agoras/seance/{data['session']}/animer/")
            console.click("[data-phase-button=supports]")
            room = second.new_page()  # The room page, whose focus box must follow the adopted text.
            room.goto(f"{base}/agoras/seance/{data['session']}/")
            expect(room.locator('[data-bind="focus"] .focus-text')).to_contain_text(data["text"], timeout=10000)
            other.locator("[data-support=pour]").first.click(timeout=10000)
            expect(facilitator.locator("[data-totals]").first).to_contain_text("Pour : 1", timeout=10000)

            # The facilitator accepts; the clause text changes on every screen.
            facilitator.click("[data-action=accept]")
            expected = data["text"].replace("première", "nouvelle")
            for page in (author, other, facilitator):
                expect(page.locator(f"[data-clause-text='{data['clause']}']")).to_contain_text(expected, timeout=10000)
                expect(page.locator("[data-amendment-id]").first).to_have_attribute("data-state", "accepted")
            expect(room.locator('[data-bind="focus"] .focus-text')).to_contain_text(expected, timeout=10000)
            assert author.evaluate("window.pwned") is None
        finally:
            browser.close()

    [(reason, text)] = server_query(
        env,
        "SELECT history_change_reason, text FROM manifesto_historicalclause WHERE id = %s ORDER BY history_id DESC LIMIT 1",
        [data["clause"]],
    )
    assert reason == "Amendement n° 1 d'Amina (Agora de Grenoble) adopté"
    assert text == new_text


def test_deliberation_js_mounts_in_the_live_room_pages(server):
    """The live room's pages include deliberation's page part (agora.registry.live_page_part)."""
    from playwright.sync_api import expect, sync_playwright

    base, data, env = server
    number = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", PROPOSE.format(session=data["session"])],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    label = f"Amendement n° {number}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="fr-FR").new_page()
            join(page, base, data["code"], "Zoé")
            section = page.locator("#live-extensions [data-deliberation]")
            expect(section).to_contain_text("Amendements", timeout=10000)
            expect(section).to_contain_text(label)

            # On the projector (a facilitator's screen on the wall): the amendments, read only.
            wall = browser.new_context(locale="fr-FR").new_page()
            wall.goto(f"{base}/connexion/")
            wall.fill("input[name=username]", "animatrice")
            wall.fill("input[name=password]", "motdepasse-de-test")
            wall.click("main form button[type=submit]")
            wall.wait_for_load_state()
            wall.goto(f"{base}/agoras/seance/{data['session']}/projection/")
            shown = wall.locator("#live-extensions [data-deliberation]")
            expect(shown).to_contain_text(label, timeout=10000)
            assert wall.locator("#live-extensions [data-deliberation] button, #live-extensions [data-deliberation] form").count() == 0
        finally:
            browser.close()
