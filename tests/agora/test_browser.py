"""In a real browser: Debian's Chromium driven by Playwright against a real daphne server."""

import re

import pytest

from tests.server import daphne, live_server_env, prepare_database
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]
TIMEOUT = 15_000


@pytest.fixture
def server(tmp_path):
    env = live_server_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    prepare_database(env)
    with daphne(env) as base:
        yield base


@pytest.fixture
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def join(context, base, code, name):
    page = context.new_page()
    page.goto(base + "/agoras/rejoindre/")
    page.fill("#id_code", code)
    page.fill("#id_display_name", name)
    page.click("button[type=submit] >> text=Entrer dans la séance")
    page.wait_for_url(re.compile(r"/agoras/seance/\d+/$"))
    page.wait_for_selector("[data-live-state][data-state=online]", timeout=TIMEOUT)
    return page


def test_facilitator_and_two_participants_follow_live_and_catch_up_after_offline(server, browser):
    from playwright.sync_api import expect

    fac_context = browser.new_context(locale="fr-FR")
    fac = fac_context.new_page()
    fac.goto(server + "/connexion/")
    fac.fill("#id_username", "animateur")
    fac.fill("#id_password", "demo-coecrire")
    fac.click("main button[type=submit]")
    fac.goto(server + "/agoras/agora-lille/")
    fac.click("text=Ouvrir une séance en direct")
    fac.wait_for_url(re.compile(r"/animer/$"))
    code = fac.text_content(".join-code").strip()
    fac.wait_for_selector("[data-live-state][data-state=online]", timeout=TIMEOUT)

    desk_context = browser.new_context(locale="fr-FR")
    phone_context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    desk = join(desk_context, server, code, "Amina")
    phone = join(phone_context, server, code, "Bruno")

    # A phase change appears without reload, and is announced.
    fac.click("[data-phase-button=proposals]")
    for page in (desk, phone):
        expect(page.locator('dd[data-bind="phase"]')).to_have_text("Propositions", timeout=TIMEOUT)
    expect(desk.locator("[data-live-announce]")).to_contain_text("Propositions", timeout=TIMEOUT)

    # A focus change too.
    fac.select_option("#focus-select", index=1)
    label = fac.locator("#focus-select option").nth(1).text_content()
    first_words = " ".join(label.split(" — ", 1)[1].split()[:3])
    fac.click("text=Mettre en discussion")
    for page in (desk, phone):
        expect(page.locator('[data-bind="focus"] .focus-text')).to_contain_text(first_words, timeout=TIMEOUT)

    # The phone raises a hand; the console shows the queue.
    phone.click('[data-bind="hand"]')
    expect(fac.locator('ol[data-bind="queue"]')).to_contain_text("Bruno", timeout=TIMEOUT)
    expect(fac.locator('[data-bind="presence"]').first).to_have_text("3", timeout=TIMEOUT)

    # The phone goes offline, misses a change, comes back and catches up.
    phone_context.set_offline(True)
    expect(phone.locator("[data-live-state]")).not_to_have_attribute("data-state", "online", timeout=TIMEOUT)
    fac.click("[data-phase-button=supports]")
    expect(desk.locator('dd[data-bind="phase"]')).to_have_text("Soutiens et votes", timeout=TIMEOUT)
    expect(phone.locator('dd[data-bind="phase"]')).to_have_text("Propositions")
    phone_context.set_offline(False)
    expect(phone.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=TIMEOUT)
    expect(phone.locator('dd[data-bind="phase"]')).to_have_text("Soutiens et votes", timeout=TIMEOUT)

    # A command made offline is queued and sent on reconnect, once.
    phone_context.set_offline(True)
    expect(phone.locator("[data-live-state]")).not_to_have_attribute("data-state", "online", timeout=TIMEOUT)
    phone.click('[data-bind="hand"]')  # lower the hand while offline
    phone_context.set_offline(False)
    expect(fac.locator('ol[data-bind="queue"]')).not_to_contain_text("Bruno", timeout=TIMEOUT)

    for context in (fac_context, desk_context, phone_context):
        context.close()
