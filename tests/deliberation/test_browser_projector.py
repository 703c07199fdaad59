"""The projector at 1920×1080 and 1280×720: the amendment put on screen live, readable from the back
(body ≥ 32 px at 1920, labels ≥ 20 px), its tally updating, its decision in words; nothing scrolls,
nothing overflows, no links or controls."""

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
manifesto = make_manifesto(organiser=organiser, slug="manifeste-projection")
clause = manifesto.clauses.order_by("number").first()
agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de Nantes")
session = agora_services.open_session(actor=facilitator, agora=agora, clause_ids=[clause.pk])
agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
agora_services.set_focus(actor=facilitator, session=session, clause_id=clause.pk)
camille = agora_services.join(session=session, display_name="Camille", ess_family="cooperative")
amendment = services.propose_amendment(
    actor=Actor(participant=camille), session=session, kind="modify", clause=clause,
    text="Texte de l'article 1.1, rédaction coopérative et démocratiquement partagée par les sociétaires.")
print(json.dumps({"session": session.pk, "amendment": amendment.pk}))
"""

SHOW = """
from deliberation import services
from deliberation.permissions import Actor
from agora.models import LiveSession
from django.contrib.auth import get_user_model
session = LiveSession.objects.get(pk={session})
services.show_amendment(actor=Actor(user=get_user_model().objects.get(username="animatrice")), session=session,
                        amendment_id={amendment})
print("ok")
"""

VOTE = """
from agora import services as agora_services
from agora.models import LiveSession, Phase
from deliberation import services
from deliberation.models import Amendment
from deliberation.permissions import Actor
LiveSession.objects.filter(pk={session}).update(phase=Phase.SUPPORTS)
session = LiveSession.objects.get(pk={session})
for n in range(5):
    voter = agora_services.join(session=session, display_name=f"Voix {{n}}", ess_family="association")
    services.set_support(actor=Actor(participant=voter), amendment=Amendment.objects.get(pk={amendment}), value="pour")
print("ok")
"""

REJECT = """
from deliberation import services
from deliberation.models import Amendment
from deliberation.permissions import Actor
from django.contrib.auth import get_user_model
services.reject_amendment(actor=Actor(user=get_user_model().objects.get(username="animatrice")),
                          amendment=Amendment.objects.get(pk={amendment}), reason="Hors du champ de l'article.")
print("ok")
"""


def run(env, code):
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), "shell", "-c", code], env=env, cwd=ROOT,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = tmp_path_factory.mktemp("projection") / "db.sqlite3"
    env = live_server_env(SQLITE_PATH=str(database))
    manage("migrate", "--no-input", env=env)
    data = json.loads(run(env, SETUP).strip().splitlines()[-1])
    with daphne(env) as base:
        yield base, data, env


def login(page, base):
    page.goto(f"{base}/connexion/")
    page.fill("input[name=username]", "animatrice")
    page.fill("input[name=password]", "motdepasse-de-test")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def px(locator, prop="font-size"):
    return float(locator.evaluate(f"e => getComputedStyle(e).getPropertyValue('{prop}')").removesuffix("px"))


def fits(page):
    return page.evaluate("""() => {
      const d = document.documentElement;
      const over = [...document.body.querySelectorAll('*')].filter(e => {
        const r = e.getBoundingClientRect(); return r.width && (r.right > innerWidth + 1 || r.bottom > innerHeight + 1);
      }).map(e => e.tagName + '.' + e.className);
      return {scroll: d.scrollHeight <= innerHeight && d.scrollWidth <= innerWidth, over};
    }""")


def test_projector_shows_the_amendment_live_at_both_sizes(server):
    from playwright.sync_api import expect, sync_playwright

    base, data, env = server
    url = f"{base}/agoras/seance/{data['session']}/projection/"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="fr-FR", viewport={"width": 1920, "height": 1080})
            page = context.new_page()
            login(page, base)
            page.goto(url)
            expect(page.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=10000)
            box = page.locator("[data-projected]")
            expect(box).to_be_hidden()

            run(env, SHOW.format(**data))
            expect(box).to_be_visible(timeout=5000)
            expect(box.locator("[data-projected-number]")).to_have_text("Amendement n° 1")
            expect(box.locator("[data-projected-author]")).to_have_text("Camille")
            expect(box.locator("[data-projected-agora]")).to_have_text("Agora de Nantes")
            expect(box.locator("[data-projected-diff] ins").first).to_be_visible()
            assert px(box.locator("[data-projected-diff]")) >= 32
            assert px(box.locator("[data-projected-number]")) >= 20
            assert px(box.locator(".projected-totals dt").first) >= 20

            run(env, VOTE.format(**data))
            expect(box.locator('[data-projected-total="pour"]')).to_have_text("5", timeout=5000)
            expect(box.locator(".family-row")).to_have_count(1)
            page.screenshot(path="/tmp/room-projector-1920.png")
            assert fits(page) == {"scroll": True, "over": []}
            assert page.locator(".projector-grid a:visible, .projector-grid button:visible, "
                                ".projector-grid input:visible, .projector-grid select:visible").count() == 0

            page.set_viewport_size({"width": 1280, "height": 720})
            page.reload()
            expect(box).to_be_visible()
            expect(box.locator('[data-projected-total="pour"]')).to_have_text("5")
            page.screenshot(path="/tmp/room-projector-1280.png")
            assert fits(page) == {"scroll": True, "over": []}

            run(env, REJECT.format(**data))
            expect(box.locator("[data-projected-outcome]")).to_contain_text("Rejeté — Hors du champ", timeout=5000)
            page.screenshot(path="/tmp/room-projector-rejected.png")
        finally:
            browser.close()


MEANWHILE = """
from agora import services as agora_services
from agora.models import LiveSession
from deliberation import services
from deliberation.permissions import Actor
from django.contrib.auth import get_user_model
facilitator = Actor(user=get_user_model().objects.get(username="animatrice"))
session = LiveSession.objects.get(pk={session})
yanis = agora_services.join(session=session, display_name="Yanis", ess_family="association")
clause = session.agora.manifesto.clauses.order_by("number").first()
second = services.propose_amendment(actor=Actor(participant=yanis), session=session, kind="modify", clause=clause,
                                    text="Une autre rédaction de l'article, proposée pendant la coupure.")
services.show_amendment(actor=facilitator, session=session, amendment_id=second.pk)
for seconds in (60, 120, 180, 240):  # more events than the resume limit: the screen gets a snapshot
    agora_services.set_timer(actor=facilitator.user, session=session, seconds=seconds)
print("ok")
"""


def test_a_projector_away_past_the_resume_limit_shows_what_is_on_screen_now(tmp_path):
    """Back after missing more events than the resume limit, the projector gets a snapshot: it
    must show the amendment put on screen meanwhile, not the one it showed before."""
    from playwright.sync_api import expect, sync_playwright

    from tests.server import free_port

    env = live_server_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"), LIVE_RESUME_LIMIT="3")
    manage("migrate", "--no-input", env=env)
    data = json.loads(run(env, SETUP).strip().splitlines()[-1])
    port = free_port()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="fr-FR", viewport={"width": 1920, "height": 1080}).new_page()
            box = page.locator("[data-projected]")
            with daphne(env, port=port) as base:
                login(page, base)
                page.goto(f"{base}/agoras/seance/{data['session']}/projection/")
                expect(page.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=10000)
                run(env, SHOW.format(**data))
                expect(box.locator("[data-projected-number]")).to_have_text("Amendement n° 1", timeout=5000)
            expect(page.locator("[data-live-state]")).not_to_have_attribute("data-state", "online", timeout=10000)
            run(env, MEANWHILE.format(**data))
            with daphne(env, port=port):
                expect(box.locator("[data-projected-number]")).to_have_text("Amendement n° 2", timeout=20000)
                expect(box.locator("[data-projected-author]")).to_have_text("Yanis")
                expect(page.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=10000)
        finally:
            browser.close()
