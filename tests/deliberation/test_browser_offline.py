"""A proposal written and sent offline, refused on return because the phase changed: nothing typed is lost."""

import re

import pytest

from tests.server import daphne, live_server_env, prepare_database
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]
TIMEOUT = 15_000
TYPED = "L'ESS garantit à chacun·e un emploi utile, écrit hors ligne."
WHY = "Parce que le réseau de la salle est capricieux."


@pytest.fixture
def server(tmp_path):
    env = live_server_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    prepare_database(env)
    with daphne(env) as base:
        yield base


def test_a_proposal_refused_after_going_offline_keeps_its_text_and_says_why(server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            fac = browser.new_context(locale="fr-FR").new_page()
            fac.goto(server + "/connexion/")
            fac.fill("#id_username", "animateur")
            fac.fill("#id_password", "demo-coecrire")
            fac.click("main button[type=submit]")
            fac.goto(server + "/agoras/agora-lille/")
            fac.click("text=Ouvrir une séance en direct")
            fac.wait_for_url(re.compile(r"/animer/$"))
            code = fac.text_content(".join-code").strip()
            fac.wait_for_selector("[data-live-state][data-state=online]", timeout=TIMEOUT)
            fac.click("[data-phase-button=proposals]")

            phone_context = browser.new_context(
                locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
            )
            phone = phone_context.new_page()
            phone.goto(server + "/agoras/rejoindre/")
            phone.fill("#id_code", code)
            phone.fill("#id_display_name", "Bruno")
            phone.click("button[type=submit] >> text=Entrer dans la séance")
            phone.wait_for_url(re.compile(r"/agoras/seance/\d+/$"))
            expect(phone.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=TIMEOUT)
            expect(phone.locator("#live-text")).to_be_visible(timeout=TIMEOUT)

            # Written and sent while the network is gone: the command waits in the page.
            phone.fill("#live-text", TYPED)
            phone.fill("#live-justification", WHY)
            phone_context.set_offline(True)
            expect(phone.locator("[data-live-state]")).not_to_have_attribute("data-state", "online", timeout=TIMEOUT)
            phone.click("[data-propose-form] button[type=submit]")

            # Meanwhile the facilitator closes the proposals.
            fac.click("[data-phase-button=supports]")
            expect(fac.locator('dd[data-bind="phase"]')).to_have_text("Soutiens et votes", timeout=TIMEOUT)

            # Back online: the proposal is refused (wrong phase); the text stays, with the reason.
            phone_context.set_offline(False)
            expect(phone.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=TIMEOUT)
            reason = phone.locator("[data-kept-draft-reason]")
            expect(reason).to_have_text("La phase a changé : les propositions sont closes.", timeout=TIMEOUT)
            expect(phone.locator("[data-kept-draft-text]")).to_have_value(TYPED)
            expect(phone.locator("#kept-draft-justification")).to_have_value(WHY)
            expect(phone.locator("[data-amendment-id]")).to_have_count(0)

            # A reload keeps it too (localStorage, per session and article).
            phone.reload()
            expect(phone.locator("[data-kept-draft-text]")).to_have_value(TYPED, timeout=TIMEOUT)

            # While the phase may come back, the draft promises to come back with it.
            expect(phone.locator("[data-kept-draft-note]")).to_contain_text("à la prochaine phase de propositions")

            # Proposals reopen: the draft is back in the form, without the reason that no longer
            # holds (« les propositions sont closes » above an open form would be false).
            fac.click("[data-phase-button=proposals]")
            expect(phone.locator("#live-text")).to_have_value(TYPED, timeout=TIMEOUT)
            expect(phone.locator("#live-justification")).to_have_value(WHY)
            expect(phone.locator("[data-propose-error]")).to_have_text("")
            expect(phone.locator("[data-kept-draft]")).to_have_count(0)

            # Sent again, it is accepted once.
            phone.click("[data-propose-form] button[type=submit]")
            expect(phone.locator("[data-amendment-id]")).to_have_count(1, timeout=TIMEOUT)
            expect(phone.locator("[data-propose-error]")).to_have_text("")
            expect(fac.locator("[data-amendment-id]")).to_have_count(1, timeout=TIMEOUT)

            # A draft kept when the session closes promises nothing it cannot keep.
            phone.fill("#live-text", "Un dernier mot avant la clôture.")
            fac.goto(re.sub(r"animer/$", "fermer/", fac.url))
            fac.click("button.danger")
            expect(phone.locator("[data-kept-draft-reason]")).to_have_text("La séance est close.", timeout=TIMEOUT)
            note = phone.locator("[data-kept-draft-note]")
            expect(note).to_contain_text("copier")
            expect(note).not_to_contain_text("prochaine phase")
        finally:
            browser.close()
