"""Every page, crawled in Chromium as a visitor, the organiser, a facilitator and a participant, with
hostile content in every typed field: no Content-Security-Policy violation, no injected element, no script run."""

import json
import re
import subprocess
import sys
from urllib.parse import urljoin, urlparse

import pytest

from tests.security.hostile import PAYLOADS, SEED
from tests.server import ROOT, daphne, live_server_env, prepare_database
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]
MAX_PAGES = 90
SKIP = re.compile(r"/deconnexion|/logout|\.csv|\.svg|\.pdf|\.odt|\.ics|\.md$|/admin/.+/(add|delete)/|/i18n/")
INSPECT = "() => [document.querySelectorAll('[data-xss]').length, typeof window.pwned]"
# A page is inspected once everything that can put content on it has: its deferred scripts
# have run (page.goto waits for "load"), the live room has applied its snapshot (window.Live,
# live.js), and the signature counter and the turnout have their socket open and refreshed.
SETTLED = """() => (!window.Live || window.Live.lastSeq() !== null)
    && [...document.querySelectorAll('[data-counter-ws], [data-turnout-ws]')].every(box => box.dataset.live === '1')"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = live_server_env(SQLITE_PATH=str(tmp_path_factory.mktemp("hostile") / "db.sqlite3"))
    prepare_database(env)
    seeded = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", f"PAYLOADS = {PAYLOADS!r}\n{SEED}"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    data = json.loads(seeded.strip().splitlines()[-1])
    with daphne(env) as base:
        yield base, data


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Watch:
    """What a page did wrong: CSP violations, uncaught errors, dialogs, injected elements."""

    def __init__(self, page):
        self.page, self.problems = page, []
        page.on("console", lambda m: self.problems.append(f"{page.url}: {m.text}")
                if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        page.on("dialog", lambda dialog: (self.problems.append(f"{page.url}: dialog {dialog.message}"), dialog.dismiss()))

    def inspect(self, path: str) -> None:
        injected, pwned = self.page.evaluate(INSPECT)
        if injected or pwned != "undefined":
            self.problems.append(f"{path}: {injected} injected element(s), window.pwned {pwned}")


def log_in(page, base, username):
    page.goto(base + "/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-coecrire")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def settle(watch: Watch, path: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        watch.page.wait_for_function(SETTLED, timeout=15_000)
    except PlaywrightTimeout:
        watch.problems.append(f"{path}: its live content did not arrive within 15 s")


def crawl(watch: Watch, base: str, start: list[str]) -> int:
    page, seen, queue = watch.page, set(), list(start)
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(base + path)
        assert response is not None and response.status < 500, (path, response and response.status)
        if response.status == 200 and "text/html" in response.headers.get("content-type", ""):
            csp = response.headers.get("content-security-policy", "")
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        settle(watch, path)
        watch.inspect(path)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urlparse(urljoin(base + path, href))
            if target.netloc == urlparse(base).netloc and not SKIP.search(target.path) and "page=" not in target.query:
                candidate = target.path + (f"?{target.query}" if target.query else "")
                if candidate not in seen:
                    queue.append(candidate)
    return len(seen)


@pytest.mark.parametrize("login", [None, "organisatrice", "animateur"])
def test_every_page_is_clean_with_hostile_content(server, browser, login):
    base, data = server
    context = browser.new_context(locale="fr-FR")
    watch = Watch(context.new_page())
    if login:
        log_in(watch.page, base, login)
    session = f"/agoras/seance/{data['session']}"
    start = ["/", f"/agoras/{data['agora']}/", "/signer/"]
    if login == "animateur":
        start += [f"{session}/animer/", f"{session}/projection/"]
    assert crawl(watch, base, start) > 10
    context.close()
    assert watch.problems == []


def test_the_live_room_on_a_phone_shows_hostile_names_as_text(server, browser):
    base, data = server
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True)
    watch = Watch(context.new_page())
    page = watch.page
    page.goto(f"{base}/agoras/rejoindre/{data['code']}/")
    page.fill("#id_display_name", "Témoin")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-live-state][data-state=online]", timeout=15_000)
    settle(watch, "room")  # the snapshot's amendments, queue and comments are rendered
    assert PAYLOADS[0][:30] in page.content() or PAYLOADS[1][:20] in page.inner_text("body")
    watch.inspect("room")
    context.close()
    assert watch.problems == []
