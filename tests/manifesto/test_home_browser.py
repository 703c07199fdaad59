"""The header and the role-aware home in Chromium, on a phone (390 px) and a laptop (1366 px),
without JavaScript: every main place reachable, nothing wider than the screen, the current page
marked, and each role finding its way from `/` after logging in."""

import pytest

from tests.server import daphne, live_server_env, prepare_database
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]
WIDTHS = [(390, 844), (1366, 768)]
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    env = live_server_env(SQLITE_PATH=str(tmp_path_factory.mktemp("home") / "db.sqlite3"))
    prepare_database(env)
    with daphne(env) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def no_js_page(browser, width, height):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": width, "height": height}, java_script_enabled=False, is_mobile=width < 500
    )
    return context, context.new_page()


def log_in(page, base, username):
    page.goto(base + "/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-coecrire")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("width, height", WIDTHS)
def test_a_visitor_reaches_every_main_place_from_the_header(base, browser, width, height):
    context, page = no_js_page(browser, width, height)
    page.goto(base + "/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    assert nav.get_by_role("link", name="Accueil").get_attribute("aria-current") == "page"
    assert page.evaluate(OVERFLOW) <= 0
    for name, path in [("Agoras", "/agoras/"), ("Rejoindre", "/agoras/rejoindre/"), ("Se connecter", "/connexion/")]:
        link = page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=name, exact=True)
        assert link.is_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, name
        link.click()
        page.wait_for_load_state()
        assert page.url == base + path
        current = page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=name, exact=True)
        assert current.get_attribute("aria-current") == "page"
        assert page.evaluate(OVERFLOW) <= 0, path
    context.close()


@pytest.mark.parametrize("width, height", WIDTHS)
def test_the_join_box_takes_a_code_to_the_join_page(base, browser, width, height):
    context, page = no_js_page(browser, width, height)
    page.goto(base + "/")
    page.get_by_label("Code de la séance").fill("abc123")
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_load_state()
    assert "/agoras/rejoindre/" in page.url
    assert page.get_by_label("Code de la séance").input_value() == "ABC123"
    context.close()


@pytest.mark.parametrize("width, height", WIDTHS)
def test_each_role_finds_its_pages_on_the_home_after_logging_in(base, browser, width, height):
    context, page = no_js_page(browser, width, height)
    log_in(page, base, "organisatrice")
    assert page.url == base + "/"
    dashboards = page.get_by_role("region", name="Mes tableaux de bord")
    for name in ("Étapes", "Campagne de signature", "Collectif de rédaction", "Export des amendements (CSV)"):
        assert dashboards.get_by_role("link", name=name).first.is_visible(), name
    assert page.evaluate(OVERFLOW) <= 0
    context.close()

    context, page = no_js_page(browser, width, height)
    log_in(page, base, "animateur")
    mine = page.get_by_role("region", name="Mes agoras")
    assert mine.is_visible()
    mine.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert "/agoras/" in page.url
    assert page.evaluate(OVERFLOW) <= 0
    context.close()
