"""In real browsers on a real daphne: a facilitator takes a position in the room, the desk shows
it live in another context, an editor integrates it, and the reading page shows the new text."""

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
from deliberation import services
from deliberation.permissions import Actor
from tests.factories import make_agora, make_manifesto, make_user
organiser = make_user("organisatrice")
facilitator = make_user("animatrice", first_name="Fatou")
editor = make_user("redactrice", first_name="Rosa")
manifesto = make_manifesto(organiser=organiser, slug="manifeste-bureau", decision_mode="collective")
manifesto.collective.add(editor)
clause = manifesto.clauses.order_by("number").first()
agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de Grenoble")
session = agora_services.open_session(actor=facilitator, agora=agora)
agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
author = agora_services.join(session=session, display_name="Amina", ess_family="cooperative")
new_text = clause.text.replace("première", "nouvelle")
amendment = services.propose_amendment(actor=Actor(participant=author), session=session, kind="modify", clause=clause, text=new_text)
print(json.dumps({"amendment": amendment.pk, "number": amendment.number, "clause": clause.number, "text": new_text}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = tmp_path_factory.mktemp("bureau") / "db.sqlite3"
    env = live_server_env(SQLITE_PATH=str(database))
    manage("migrate", "--no-input", env=env)
    output = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    data = json.loads(output.strip().splitlines()[-1])
    with daphne(env) as base:
        yield base, data


def log_in(page, base, username):
    page.goto(f"{base}/connexion/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "motdepasse-de-test")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def test_a_position_taken_in_the_room_appears_live_on_the_desk_and_the_editor_integrates_it(server):
    from playwright.sync_api import expect, sync_playwright

    base, data = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            room, office = browser.new_context(locale="fr-FR"), browser.new_context(locale="fr-FR")
            facilitator, editor = room.new_page(), office.new_page()
            log_in(facilitator, base, "animatrice")
            log_in(editor, base, "redactrice")

            editor.goto(f"{base}/manifeste/manifeste-bureau/redaction/")
            expect(editor.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=10000)
            item = editor.locator(f"[data-amendment='{data['amendment']}']")
            expect(item).to_contain_text("pas encore de position")

            # The facilitator retains it in the room (the form of the amendment, without JavaScript).
            facilitator.goto(f"{base}/deliberation/amendements/{data['amendment']}/adopter/")
            facilitator.click("main form button[type=submit]")
            facilitator.wait_for_load_state()

            # The desk shows the agora's position without a reload, and says so to screen readers.
            expect(item.locator(".position")).to_contain_text(
                "Retenu par l'Agora de Grenoble — transmis au collectif de rédaction", timeout=15000
            )
            expect(editor.locator("[data-live-announce]")).not_to_be_empty()

            # The editor integrates it as is; the text changes; the desk is empty.
            editor.locator(f"[data-amendment='{data['amendment']}']").locator("xpath=ancestor::article").locator(
                "[data-action=integrate]"
            ).click()
            expect(editor.locator(".messages")).to_contain_text(f"1 amendement intégré à l'article {data['clause']}.")
            expect(editor.locator("#desk-groups")).to_contain_text("Aucune proposition n'attend de réponse.")

            reader = room.new_page()
            reader.goto(f"{base}/manifeste/manifeste-bureau/")
            expect(reader.locator(f"#article-{data['clause']}")).to_contain_text(data["text"])
            reader.goto(f"{base}/deliberation/amendements/{data['amendment']}/")
            expect(reader.locator("main")).to_contain_text(f"intégré — article {data['clause']}")
        finally:
            browser.close()
