"""On a 390-px phone the documents and the moderation queue fit the screen: wide tables and charts
scroll inside their own region, which the keyboard can reach and a screen reader names (axe's
`scrollable-region-focusable`), and nothing makes the page itself wider than the phone."""

import pytest

from tests.server import daphne, live_server_env, prepare_database
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]

PAGES = [
    "/agoras/agora-lille/bilan/",
    "/agoras/collectif-lille/bilan/",
    "/agoras/collectif-marseille/bilan/",
    "/agoras/",
    "/manifeste/declaration-adoptee/chiffres/",
    "/manifeste/manifeste-collectif/chiffres/",
    "/signer/declaration-adoptee/signataires/",
    "/vote/declaration-adoptee/1/resultats/",
    "/vote/declaration-adoptee/1/",
    "/deliberation/seances/1/moderation/",
]

# Every region that scrolls sideways must be focusable and named; the page must not scroll sideways.
CHECK = """() => {
  const unreachable = [];
  for (const el of document.querySelectorAll("body *")) {
    const style = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && (style.overflowX === "auto" || style.overflowX === "scroll")) {
      const named = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
      if (el.getAttribute("tabindex") === null || el.tabIndex < 0 || !named) unreachable.push(el.outerHTML.slice(0, 80));
    }
  }
  return {width: document.documentElement.scrollWidth, unreachable};
}"""


@pytest.fixture
def server(tmp_path):
    env = live_server_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    prepare_database(env)
    with daphne(env) as base:
        yield base


def test_documents_and_the_moderation_queue_fit_a_phone(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
            page.goto(server + "/connexion/")
            page.fill("#id_username", "animateur")
            page.fill("#id_password", "demo-coecrire")
            page.click("main button[type=submit]")
            page.wait_for_url(lambda url: "/connexion/" not in url)
            found = {}
            for path in PAGES:
                response = page.goto(server + path)
                assert response.status == 200, path
                found[path] = page.evaluate(CHECK)
            page.goto(server + "/agoras/collectif-lille/bilan/")
            page.screenshot(path=str(tmp_path / "bilan-390.png"), full_page=True)
        finally:
            browser.close()
    assert {path: r["width"] for path, r in found.items() if r["width"] > 390} == {}
    assert {path: r["unreachable"] for path, r in found.items() if r["unreachable"]} == {}
