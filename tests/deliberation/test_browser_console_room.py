"""A facilitator runs the room from one laptop screen (console at 1366×768) while the projector
(1920×1080, then 1280×720) shows what the room decides: the focused article with its line numbers,
an amendment put on screen as a large diff with its live tally, two side by side, the accept in
words and its undo, the join box shrunk. Keyboard shortcuts drive the console without hijacking
typing. Real daphne, real Chromium."""

import json
import re

import pytest

from tests.deliberation.test_browser_projector import fits, login, px, run
from tests.server import daphne, live_server_env, manage, server_query
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]

SETUP = """
import json
from agora import services as agora_services
from agora.models import Phase
from deliberation import services
from deliberation.permissions import Actor
from manifesto import services as text_services
from tests.factories import make_agora, make_manifesto, make_user
organiser = make_user("organisatrice")
facilitator = make_user("animatrice", first_name="Fatou")
manifesto = make_manifesto(organiser=organiser, slug="manifeste-console")
first, second = list(manifesto.clauses.order_by("number"))[:2]
agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de Nantes")
session = agora_services.open_session(actor=facilitator, agora=agora)
agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
camille = agora_services.join(session=session, display_name="Camille", ess_family="cooperative")
yanis = agora_services.join(session=session, display_name="Yanis", ess_family="association")
other = services.propose_amendment(actor=Actor(participant=yanis), session=session, kind="modify", clause=second,
    text=second.text + " Ailleurs.")
a1 = services.propose_amendment(actor=Actor(participant=camille), session=session, kind="modify", clause=first,
    text=first.text.replace("première", "coopérative et démocratique"))
a2 = services.propose_amendment(actor=Actor(participant=yanis), session=session, kind="modify", clause=first,
    text=first.text.replace("première", "solidaire"))
agora_services.set_focus(actor=facilitator, session=session, clause_id=first.pk)
print(json.dumps({"session": session.pk, "a1": a1.pk, "a2": a2.pk, "other": other.pk, "clause": first.pk,
                  "text": first.text, "number": first.number}))
"""

VOTE = """
from agora import services as agora_services
from agora.models import LiveSession
from deliberation import services
from deliberation.models import Amendment
from deliberation.permissions import Actor
session = LiveSession.objects.get(pk={session})
for n in range(5):
    voter = agora_services.join(session=session, display_name=f"Voix {{n}}", ess_family="mutuelle")
    services.set_support(actor=Actor(participant=voter), amendment=Amendment.objects.get(pk={a1}), value="contre")
print("ok")
"""

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = tmp_path_factory.mktemp("console") / "db.sqlite3"
    # A window long enough for a browser to act in; its expiry has unit tests (test_undo_accept.py).
    env = live_server_env(SQLITE_PATH=str(database), ACCEPT_UNDO_SECONDS="120")
    manage("migrate", "--no-input", env=env)
    data = json.loads(run(env, SETUP).strip().splitlines()[-1])
    with daphne(env) as base:
        yield base, data, env


def clause_text(env, clause):
    return server_query(env, "SELECT text FROM manifesto_clause WHERE id = %s", [clause])[0][0]


def test_the_room_from_one_laptop_screen_to_the_wall(server):
    from playwright.sync_api import expect, sync_playwright

    base, data, env = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="fr-FR", viewport=LAPTOP)
            console = context.new_page()
            login(console, base)
            console.goto(f"{base}/agoras/seance/{data['session']}/animer/")
            wall = context.new_page()
            wall.set_viewport_size({"width": 1920, "height": 1080})
            wall.goto(f"{base}/agoras/seance/{data['session']}/projection/")
            for page in (console, wall):
                expect(page.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=10000)

            # The projector: the focused article with the text's line numbers, nothing to click.
            article = wall.locator("[data-projector-article]")
            expect(article.locator("[data-article-number]")).to_have_text(f"Article {data['number']}")
            assert article.locator(".nline .ln").count() >= 1
            assert re.fullmatch(r"\d+", article.locator(".nline .ln").first.text_content())
            assert px(article.locator(".nline .lt").first) >= 32
            assert wall.locator(".projector-screen a:visible, .projector-screen button:visible, "
                                ".projector-screen input:visible, .projector-screen select:visible").count() == 0
            assert fits(wall) == {"scroll": True, "over": []}

            # The console: every pane in one screen, the focused article's amendments first.
            cards = console.locator("li.amendment[data-amendment-id]")
            expect(cards).to_have_count(3, timeout=10000)
            expect(console.locator("[data-console-extras]")).to_have_count(3)
            first_group = console.locator(".amendment-group.is-focus")
            expect(first_group).to_have_count(1)
            assert console.evaluate("document.documentElement.scrollHeight <= innerHeight + 1")
            assert console.evaluate("document.documentElement.scrollWidth <= innerWidth")
            for selector in ("[data-phase-button=supports]", "#focus-select", "#timer-minutes", "ol[data-bind=queue]",
                             "#present-title", ".console-qr img", "[data-bind=timer]",
                             f"#amendement-live-{data['a1']} [data-action=accept]",
                             f"#amendement-live-{data['a1']} [data-action=show]",
                             f"#amendement-live-{data['a1']} [data-action=reject]",
                             f"#amendement-live-{data['a1']} [data-action=duplicate]"):
                box = console.locator(selector).first.bounding_box()
                assert box and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"], (selector, box)
            focus_cards = first_group.locator("li.amendment")
            top_of_focus = focus_cards.first.bounding_box()["y"]
            top_of_other = console.locator(f"#amendement-live-{data['other']}").bounding_box()["y"]
            assert top_of_focus < top_of_other
            # Accept and reject say what they will do.
            accept = console.locator(f"#amendement-live-{data['a1']} [data-action=accept]")
            help_id = accept.get_attribute("aria-describedby")
            expect(console.locator(f"#{help_id}")).to_contain_text(f"Remplace le texte de l’article {data['number']}")
            expect(console.locator("details.shortcuts summary")).to_have_text("Raccourcis clavier")
            console.screenshot(path="/tmp/room-console-1366.png")

            # Show on projector (one click): the large diff, live.
            console.locator(f"#amendement-live-{data['a1']} [data-action=show]").click()
            shown = wall.locator("[data-projected]")
            expect(shown).to_be_visible(timeout=5000)
            expect(shown.locator("[data-projected-author]")).to_have_text("Camille")
            expect(shown.locator("[data-projected-citation]")).to_contain_text(f"article {data['number']}, l.")
            assert px(shown.locator("[data-projected-diff]")) >= 32
            assert px(shown.locator("[data-projected-number]")) >= 20
            expect(console.locator(f"#amendement-live-{data['a1']} [data-action=show]")).to_have_attribute("aria-pressed", "true")

            # Two side by side, chosen with the keyboard (x ticks the current card, j moves on).
            console.locator("h1").click()
            console.keyboard.press("x")
            console.keyboard.press("j")
            console.keyboard.press("x")
            expect(console.locator("[data-selection-summary]")).to_contain_text("n° 2, n° 3")
            console.locator("[data-selection-show]").click()
            expect(shown).to_have_attribute("data-count", "2", timeout=5000)
            boxes = [c.bounding_box() for c in shown.locator("[data-projected-card]").all()]
            assert boxes[0]["x"] < boxes[1]["x"] and abs(boxes[0]["y"] - boxes[1]["y"]) < 2
            assert fits(wall) == {"scroll": True, "over": []}
            wall.screenshot(path="/tmp/room-projector-side-by-side.png")

            # Back to one; the tally moves live as the room votes.
            console.locator(f"#amendement-live-{data['a1']} [data-action=show]").click()
            expect(shown).to_have_attribute("data-count", "1", timeout=5000)
            console.click("[data-phase-button=supports]")
            expect(console.locator('dd[data-bind="phase"]')).to_have_text("Soutiens et votes", timeout=5000)
            run(env, VOTE.format(**data))
            expect(shown.locator('[data-projected-total="contre"]')).to_have_text("5", timeout=5000)
            expect(shown.locator(".family-row")).to_have_count(1)

            # Shortcuts never hijack typing: "a" typed in a reason field stays text.
            reason = console.locator(f"#amendement-live-{data['a1']} [data-reason]")
            reason.click()
            reason.type("a")
            expect(reason).to_have_value("a")
            console.keyboard.press("Escape")
            assert server_query(env, "SELECT state FROM deliberation_amendment WHERE id = %s", [data["a1"]])[0][0] == "open"

            # Accept with the keyboard: the projector says it in words and the text changes; then undo.
            console.locator(f"#amendement-live-{data['a1']}").click(position={"x": 3, "y": 3})
            expect(console.locator("li.amendment.is-current")).to_have_attribute("data-amendment-id", str(data["a1"]))
            console.keyboard.press("a")
            expect(shown.locator("[data-projected-outcome]")).to_have_text(f"Adopté — article {data['number']} modifié", timeout=5000)
            expect(shown.locator(".projected-card")).to_have_class(re.compile("state-accepted"))
            assert "coopérative et démocratique" in clause_text(env, data["clause"])
            undo = console.locator(f"#amendement-live-{data['a1']} [data-action=undo]")
            expect(undo).to_contain_text("Annuler l’adoption", timeout=5000)
            wall.screenshot(path="/tmp/room-projector-accepted.png")
            console.screenshot(path="/tmp/room-console-accepted.png")
            console.keyboard.press("u")
            expect(shown.locator("[data-projected-outcome]")).to_have_text(
                "Adoption annulée — l’amendement est de nouveau en discussion", timeout=5000)
            expect(console.locator(f"#amendement-live-{data['a1']}")).to_have_attribute("data-state", "open", timeout=5000)
            assert clause_text(env, data["clause"]) == data["text"]
            expect(console.locator("[data-console-status]")).to_contain_text("Adoption annulée")
            reasons = server_query(env, "SELECT history_change_reason FROM manifesto_historicalclause WHERE id = %s "
                                        "ORDER BY history_id DESC LIMIT 1", [data["clause"]])
            assert reasons[0][0].startswith("Adoption annulée : Amendement n° 2 de Camille (Agora de Nantes)")

            # The join box, shrunk from the console once the room has joined.
            console.locator(f"#amendement-live-{data['a1']} [data-action=show]").click()
            console.locator("[data-console-clear]").click()
            expect(shown).to_be_hidden(timeout=5000)
            join = wall.locator(".projector-join")
            large = join.bounding_box()["width"]
            console.locator("[data-join-toggle]").click()
            expect(console.locator("[data-join-toggle]")).to_have_attribute("aria-pressed", "true", timeout=5000)
            wall.wait_for_function(f"() => document.querySelector('.projector-join').getBoundingClientRect().width < {large} - 50")
            assert px(wall.locator(".projector .join-code")) >= 20
            wall.set_viewport_size({"width": 1280, "height": 720})
            wall.reload()
            expect(wall.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=10000)
            assert fits(wall) == {"scroll": True, "over": []}
            wall.screenshot(path="/tmp/room-projector-1280-article.png")
        finally:
            browser.close()


def test_the_projector_respects_reduced_motion(server):
    from playwright.sync_api import expect, sync_playwright

    base, data, env = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="fr-FR", viewport={"width": 1920, "height": 1080}, reduced_motion="reduce")
            page = context.new_page()
            login(page, base)
            page.goto(f"{base}/agoras/seance/{data['session']}/projection/")
            expect(page.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=10000)
            names = page.evaluate("""() => {
              const card = document.createElement('article');
              card.className = 'projected-card state-accepted decided';
              card.innerHTML = '<p class="projected-diff"><del>x</del><ins>y</ins></p><p class="projected-outcome">z</p>';
              document.querySelector('.projector-stage').appendChild(card);
              const n = s => getComputedStyle(card.querySelector(s)).animationName;
              return [n('del'), n('ins'), n('.projected-outcome'), getComputedStyle(card.querySelector('del')).display];
            }""")
            assert names == ["none", "none", "none", "none"]
        finally:
            browser.close()
