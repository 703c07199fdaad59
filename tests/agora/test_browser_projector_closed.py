"""The wall after the session closes, in Chromium on a real daphne: it says so at once, stops
saying « En direct » and no longer shows the QR code (which led people to « no session has this
code »), and stays so after a reload."""

import json

import pytest

from tests.deliberation.test_browser_projector import login, run
from tests.server import daphne, live_server_env, manage
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]

SETUP = """
import json
from agora import services
from tests.factories import make_agora, make_manifesto, make_user
organiser = make_user("organisatrice")
facilitator = make_user("animatrice")
manifesto = make_manifesto(organiser=organiser, slug="manifeste-cloture")
agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de Rennes")
session = services.open_session(actor=facilitator, agora=agora)
print(json.dumps({"session": session.pk}))
"""

CLOSE = """
from agora import services
from agora.models import LiveSession
from django.contrib.auth import get_user_model
services.close_session(actor=get_user_model().objects.get(username="animatrice"), session=LiveSession.objects.get(pk={session}))
print("ok")
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = live_server_env(SQLITE_PATH=str(tmp_path_factory.mktemp("cloture") / "db.sqlite3"))
    manage("migrate", "--no-input", env=env)
    data = json.loads(run(env, SETUP).strip().splitlines()[-1])
    with daphne(env) as base:
        yield base, data, env


def test_the_projector_says_a_closed_session_is_closed_live_and_after_a_reload(server):
    from playwright.sync_api import expect, sync_playwright

    base, data, env = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="fr-FR", viewport={"width": 1920, "height": 1080}).new_page()
            login(page, base)
            page.goto(f"{base}/agoras/seance/{data['session']}/projection/")
            live_state = page.locator("[data-live-state]")
            expect(live_state).to_have_attribute("data-state", "online", timeout=10000)
            expect(page.locator(".projector-join img")).to_be_visible()
            expect(page.locator(".projector-closed")).to_be_hidden()

            run(env, CLOSE.format(**data))
            expect(page.locator(".projector-closed")).to_have_text("Cette séance est close.", timeout=10000)
            expect(page.locator(".projector-join")).to_be_hidden()
            expect(live_state).to_be_hidden()

            page.reload()
            expect(page.locator(".projector-closed")).to_be_visible()
            expect(page.locator(".projector-join")).to_be_hidden()
            expect(live_state).to_be_hidden()
        finally:
            browser.close()
