"""Issue 11 in Chromium at a laptop's 1366×768: the moderation diff is readable, the console shows the QR,
closing goes through its confirmation."""

import json
import subprocess
import sys

import pytest

from tests.server import ROOT, daphne, live_server_env, manage
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]

LAPTOP = {"width": 1366, "height": 768}
LONG_TEXT = ("L'économie sociale et solidaire gouverne démocratiquement ses entreprises, "
             "réinvestit ses excédents et coopère avec les collectivités territoriales pour "
             "l'intérêt général, dans chaque département.")

SETUP = f"""
import json
from agora import services as agora_services
from agora.models import Phase
from deliberation import services
from deliberation.permissions import Actor
from tests.factories import make_agora, make_manifesto, make_user
organiser = make_user("organisatrice")
facilitator = make_user("animatrice", first_name="Fatou")
manifesto = make_manifesto(organiser=organiser, slug="manifeste-console")
clause = manifesto.clauses.order_by("number").first()
agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de Lille")
session = agora_services.open_session(actor=facilitator, agora=agora, clause_ids=[clause.pk])
agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
yanis = agora_services.join(session=session, display_name="Yanis")
services.propose_amendment(actor=Actor(participant=yanis), session=session, kind="modify", clause=clause,
                           text={LONG_TEXT!r})
print(json.dumps({{"session": session.pk, "agora": agora.slug}}))
"""

# Every rendered line box of each word: a word broken across lines has more than one.
BROKEN_WORDS = """(root) => {
  const broken = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const re = /\\S+/g; let m;
    while ((m = re.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = tmp_path_factory.mktemp("console") / "db.sqlite3"
    env = live_server_env(SQLITE_PATH=str(database))
    manage("migrate", "--no-input", env=env)
    output = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP], env=env, cwd=ROOT, check=True,
        capture_output=True, text=True,
    ).stdout
    data = json.loads(output.strip().splitlines()[-1])
    with daphne(env) as base:
        yield base, data


def login(page, base):
    page.goto(f"{base}/connexion/")
    page.fill("input[name=username]", "animatrice")
    page.fill("input[name=password]", "motdepasse-de-test")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def test_console_and_moderation_at_1366(server):
    from playwright.sync_api import expect, sync_playwright

    base, data = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="fr-FR", viewport=LAPTOP).new_page()
            login(page, base)

            page.goto(f"{base}/deliberation/seances/{data['session']}/moderation/")
            diff = page.locator(".moderation-table .diff").first
            expect(diff).to_be_visible()
            page.screenshot(path="/tmp/room-moderation-1366.png", full_page=True)
            box = diff.bounding_box()
            assert box["width"] >= 500, box
            assert diff.evaluate(BROKEN_WORDS) == []
            assert diff.evaluate("d => d.scrollWidth <= d.clientWidth")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

            page.goto(f"{base}/agoras/seance/{data['session']}/animer/")
            qr = page.locator(".console-qr img")
            expect(qr).to_be_visible()
            assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
            assert qr.bounding_box()["y"] + qr.bounding_box()["height"] <= LAPTOP["height"]
            page.screenshot(path="/tmp/room-console-1366.png")

            page.click("text=Clore la séance…")
            page.wait_for_url("**/fermer/")
            expect(page.locator("h1")).to_contain_text("Clore la séance")
            page.click("text=Non, revenir à l'animation")
            page.wait_for_url("**/animer/")
            expect(page.locator("[data-bind=closed]")).to_be_hidden()

            page.goto(f"{base}/agoras/{data['agora']}/")
            expect(page.locator("text=Reprendre la séance ouverte")).to_be_visible()
        finally:
            browser.close()
