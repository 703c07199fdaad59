"""Every page, crawled in Chromium as a visitor and as the organiser, loads with no Content-Security-Policy violation."""

import re
from urllib.parse import urljoin, urlparse

import pytest

from tests.server import daphne, prepare_database, server_env
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]
MAX_PAGES = 80
SKIP = re.compile(r"/deconnexion|/logout|\.csv|\.svg|\.pdf|/admin/.+/(add|delete)/|/i18n/")


@pytest.fixture
def server(tmp_path):
    env = server_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    prepare_database(env)
    with daphne(env) as base:
        yield base


def crawl(page, base: str, violations: list) -> int:
    seen, queue = set(), ["/"]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(base + path)
        assert response is not None and response.status < 500, (path, response and response.status)
        csp = response.headers.get("content-security-policy", "")
        if response.status == 200 and "text/html" in response.headers.get("content-type", ""):
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        page.wait_for_timeout(150)  # let deferred scripts and live sockets start
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urlparse(urljoin(base + path, href))
            if target.netloc == urlparse(base).netloc and not SKIP.search(target.path):
                candidate = target.path + (f"?{target.query}" if target.query else "")
                if candidate not in seen and candidate.count("page=") == 0:
                    queue.append(candidate)
    return len(seen)


def test_no_page_violates_the_content_security_policy(server):
    from playwright.sync_api import sync_playwright

    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        for login in (None, "organisatrice"):
            context = browser.new_context(locale="fr-FR")
            page = context.new_page()
            page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
                    if "Content Security Policy" in message.text else None)
            page.on("pageerror", lambda error: violations.append(f"{page.url}: {error}"))
            if login:
                page.goto(server + "/connexion/")
                page.fill("#id_username", login)
                page.fill("#id_password", "demo-coecrire")
                page.click("main button[type=submit]")
                page.wait_for_load_state()
            visited = crawl(page, server, violations)
            assert visited > 10
            context.close()
        browser.close()
    assert violations == []
