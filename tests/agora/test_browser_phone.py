"""The participant's phone never loses a word (issue 11), in Debian's Chromium at 390×844 against a real daphne.

One server and one open session for the module (the demo's Agora de Lille, run by its
facilitator); each test joins with a phone of its own. The test that opens signing (the text
frozen) runs last: after it nobody can propose.
"""

import json
import re

import pytest

from tests.server import daphne, live_server_env, prepare_database
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]
TIMEOUT = 15_000
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = live_server_env(SQLITE_PATH=str(tmp_path_factory.mktemp("phone") / "db.sqlite3"))
    prepare_database(env)
    with daphne(env) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()
    playwright.stop()


class Room:
    def __init__(self, server, browser):
        self.server = server
        self.browser = browser
        self.fac = browser.new_context(locale="fr-FR").new_page()
        self.login(self.fac, "animateur")
        self.fac.goto(server + "/agoras/agora-lille/")
        self.fac.click("text=Ouvrir une séance en direct")
        self.fac.wait_for_url(re.compile(r"/animer/$"))
        self.session = int(re.search(r"/seance/(\d+)/", self.fac.url).group(1))
        self.code = self.fac.text_content(".join-code").strip()
        self.fac.wait_for_selector("[data-live-state][data-state=online]", timeout=TIMEOUT)
        self.fac.wait_for_function("() => window.Live.lastSeq() !== null", timeout=TIMEOUT)  # the snapshot is in
        self.focus = int(self.fac.eval_on_selector("#focus-select", "s => s.options[1].value"))
        self.fac.select_option("#focus-select", str(self.focus))
        self.fac.click("text=Mettre en discussion")
        self.fac.wait_for_selector("[data-bind=focus] .focus-text", timeout=TIMEOUT)
        self.count = 0
        self.reader = None

    def login(self, page, username):
        page.goto(self.server + "/connexion/")
        page.fill("#id_username", username)
        page.fill("#id_password", "demo-coecrire")
        page.click("main button[type=submit]")

    def phase(self, phase):
        from playwright.sync_api import expect

        self.fac.click(f"[data-phase-button={phase}]")
        expect(self.fac.locator(f"[data-phase-button={phase}]")).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)

    def join(self, *, js=True, language="fr"):
        """A new phone (its own browser context: a new participant), in the room."""
        self.count += 1
        context = self.browser.new_context(locale=f"{language}-FR", java_script_enabled=js, **PHONE)
        context.add_cookies([{"name": "django_language", "value": language, "url": self.server}])
        page = context.new_page()
        page.goto(f"{self.server}/agoras/rejoindre/{self.code}/")
        page.fill("#id_display_name", f"Phone {self.count}")
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r"/agoras/seance/\d+/$"))
        if js:
            page.wait_for_selector("[data-live-state][data-state=online]", timeout=TIMEOUT)
            page.wait_for_function("() => window.Live.lastSeq() !== null", timeout=TIMEOUT)
        return context, page

    def amendments_with(self, text):
        """How many amendments of the session carry `text` (the no-JS list, as the facilitator sees it)."""
        if self.reader is None:  # the facilitator without JavaScript: the server-rendered list, at once
            self.reader = self.browser.new_context(java_script_enabled=False, storage_state=self.fac.context.storage_state())
        page = self.reader.new_page()
        page.goto(f"{self.server}/deliberation/seances/{self.session}/amendements/")
        # A diff shows the proposed text with the deleted words in <del>: the proposal is the rest.
        count = page.evaluate("""t => [...document.querySelectorAll('.diff')].filter(d => {
            const copy = d.cloneNode(true);
            copy.querySelectorAll('del').forEach(x => x.remove());
            return copy.textContent.includes(t);
        }).length""", text)
        page.close()
        return count


@pytest.fixture(scope="module")
def room(server, browser):
    return Room(server, browser)


# ------------------------------------------------------------------------- 1. nothing typed is lost


def test_a_hand_raised_offline_looks_pending_until_acknowledged(room):
    from playwright.sync_api import expect

    context, phone = room.join()
    hand = phone.locator('[data-bind="hand"]')
    context.set_offline(True)
    expect(phone.locator("[data-live-state]")).not_to_have_attribute("data-state", "online", timeout=TIMEOUT)
    hand.click()
    expect(phone.locator("[data-hand-pending]")).to_be_visible()
    expect(phone.locator("[data-hand-pending]")).to_have_text("en attente d'envoi")
    expect(phone.locator("[data-live-pending]")).to_have_text("Actions en attente d’envoi : 1")
    expect(hand).to_have_attribute("aria-pressed", "false")
    context.set_offline(False)
    expect(hand).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    expect(phone.locator("[data-hand-pending]")).to_be_hidden()
    expect(phone.locator("[data-live-pending]")).to_be_hidden()
    hand.click()  # lowered again, for the other tests' queue
    expect(hand).to_have_attribute("aria-pressed", "false", timeout=TIMEOUT)
    context.close()


def test_a_draft_survives_a_reload_per_article_and_goes_once_acknowledged(room):
    from playwright.sync_api import expect

    room.phase("proposals")
    context, phone = room.join()
    text = "Brouillon gardé au rechargement : l'ESS d'abord."
    expect(phone.locator("#live-where")).to_have_value(f"c{room.focus}", timeout=TIMEOUT)
    phone.fill("#live-text", text)
    phone.fill("#live-justification", "Parce que.")
    key = f"coecrire-draft-{room.session}-c{room.focus}"
    assert json.loads(phone.evaluate("k => localStorage.getItem(k)", key))["text"] == text

    phone.reload()
    expect(phone.locator("#live-text")).to_have_value(text, timeout=TIMEOUT)
    expect(phone.locator("#live-justification")).to_have_value("Parce que.")

    phone.click("[data-propose-form] button[type=submit]")
    expect(phone.locator("[data-deliberation-status]")).to_contain_text("est déposé", timeout=TIMEOUT)
    assert phone.evaluate("k => localStorage.getItem(k)", key) is None
    phone.reload()
    expect(phone.locator("#live-text")).not_to_have_value(text, timeout=TIMEOUT)
    assert room.amendments_with(text) == 1
    context.close()


def test_a_proposal_refused_on_return_keeps_its_text_with_the_reason(room):
    from playwright.sync_api import expect

    room.phase("proposals")
    context, phone = room.join()
    text = "Écrit hors ligne, refusé au retour, jamais perdu."
    phone.fill("#live-text", text)
    context.set_offline(True)
    expect(phone.locator("[data-live-state]")).not_to_have_attribute("data-state", "online", timeout=TIMEOUT)
    phone.click("[data-propose-form] button[type=submit]")
    expect(phone.locator("[data-propose-pending]")).to_be_visible()
    room.phase("supports")
    context.set_offline(False)
    reason = phone.locator("[data-kept-draft-reason]")
    expect(reason).to_have_text("La phase a changé : les propositions sont closes.", timeout=TIMEOUT)
    expect(phone.locator("[data-kept-draft-text]")).to_have_value(text)
    phone.reload()
    expect(phone.locator("[data-kept-draft-text]")).to_have_value(text, timeout=TIMEOUT)
    room.phase("proposals")
    expect(phone.locator("#live-text")).to_have_value(text, timeout=TIMEOUT)
    expect(phone.locator("[data-propose-error]")).to_have_text("")  # « closes » no longer holds: the form is open
    assert room.amendments_with(text) == 0
    context.close()


# ------------------------------------------------------------------------- 2. submitting is idempotent


def test_a_double_tap_files_one_amendment(room):
    from playwright.sync_api import expect

    room.phase("proposals")
    context, phone = room.join()
    text = "Double tape, un seul amendement."
    phone.fill("#live-text", text)
    phone.fill("#live-justification", "Double tape")
    button = phone.locator("[data-propose-form] button[type=submit]")
    button.dispatch_event("click")
    button.dispatch_event("click")
    button.tap()
    expect(phone.locator("[data-deliberation-status]")).to_contain_text("est déposé", timeout=TIMEOUT)
    expect(room.fac.locator("[data-amendment-id] .justification", has_text="Double tape")).to_have_count(1, timeout=TIMEOUT)
    assert room.amendments_with(text) == 1
    context.close()


def test_a_proposal_whose_answer_was_lost_is_resent_with_its_id_after_a_reload(room):
    from playwright.sync_api import expect

    room.phase("proposals")
    context, phone = room.join()
    text = "Envoyé, réponse perdue, renvoyé sous le même identifiant."
    sent, losing = [], [True]

    def lose_the_ack(ws):
        server = ws.connect_to_server()

        def to_server(message):
            frame = json.loads(message)
            if frame.get("type") == "amendment.propose":
                sent.append(frame["id"])
            server.send(message)

        def to_page(message):
            frame = json.loads(message)
            if losing[0] and frame.get("type") == "ack" and frame.get("in_reply_to") in sent:
                return  # the server filed it; the phone never hears so
            ws.send(message)

        ws.on_message(to_server)
        server.on_message(to_page)

    phone.route_web_socket(re.compile(r"/ws/live/"), lose_the_ack)
    phone.reload()
    expect(phone.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=TIMEOUT)
    phone.fill("#live-text", text)
    phone.fill("#live-justification", "Réponse perdue")
    phone.click("[data-propose-form] button[type=submit]")
    expect(room.fac.locator("[data-amendment-id] .justification", has_text="Réponse perdue")).to_have_count(1, timeout=TIMEOUT)
    expect(phone.locator("[data-propose-pending]")).to_be_visible()
    first_id = sent[0]

    losing[0] = False
    del sent[:]
    phone.reload()
    expect(phone.locator("[data-deliberation-status]")).to_contain_text("est déposé", timeout=TIMEOUT)
    assert sent == [first_id]  # resent once after the reload, under the same id
    assert room.amendments_with(text) == 1
    context.close()


def test_without_javascript_back_and_resubmit_files_no_copy(room):
    from playwright.sync_api import expect

    room.phase("proposals")
    context, phone = room.join(js=False)
    phone.click("[data-propose-link]")
    # The focused article is preselected, with its current text to rewrite.
    expect(phone.locator("#id_clause")).to_have_value(str(room.focus))
    current = room.fac.locator("[data-bind=focus] .focus-text").first.text_content().strip()
    assert phone.locator("#id_text").input_value().strip() == current
    text = "Sans JavaScript, déposé une seule fois."
    form_url = phone.url
    token = phone.locator("#propose-form input[name=token]").input_value()
    csrf = phone.locator("#propose-form input[name=csrfmiddlewaretoken]").input_value()
    phone.fill("#id_text", text)
    phone.click("#propose-form button[type=submit]")
    phone.wait_for_url(re.compile(r"/amendements/\d+/$"))
    first = phone.url
    # The same form token posted again (a double tap): nothing filed, the first one's page.
    again = context.request.post(form_url, form={
        "csrfmiddlewaretoken": csrf, "token": token, "kind": "modify", "clause": str(room.focus),
        "text": text + " Encore.", "justification": "",
    })
    assert again.ok and again.url == first
    assert room.amendments_with(text + " Encore.") == 0
    phone.go_back()
    phone.click("#propose-form button[type=submit]")
    phone.wait_for_url(re.compile(r"/amendements/\d+/$"))
    assert phone.url == first
    expect(phone.locator(".messages")).to_contain_text("déposé une seule fois")
    assert room.amendments_with(text) == 1
    context.close()


# ------------------------------------------------------------------------- 3. the chosen stance is visible


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_chosen_stance_is_pressed_and_plainly_visible(room):
    from playwright.sync_api import expect

    room.phase("proposals")
    context, phone = room.join()
    phone.fill("#live-text", "Un amendement à soutenir ou non.")
    phone.fill("#live-justification", "Motif : à soutenir")
    phone.click("[data-propose-form] button[type=submit]")
    expect(phone.locator("[data-deliberation-status]")).to_contain_text("est déposé", timeout=TIMEOUT)
    room.phase("supports")
    card = phone.locator("[data-amendment-id]", has_text="Motif : à soutenir")
    pour, contre = card.locator("[data-support=pour]"), card.locator("[data-support=contre]")
    expect(pour).to_be_visible(timeout=TIMEOUT)
    style = "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.color, s.outlineStyle]; }"
    unpressed = pour.evaluate(style)
    assert unpressed == contre.evaluate(style)  # until chosen, the three look alike
    pour.click()
    expect(card.locator("[data-support=pour]")).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    card.locator("[data-support=contre]").click()
    expect(card.locator("[data-support=contre]")).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    expect(card.locator("[data-support=pour]")).to_have_attribute("aria-pressed", "false")
    phone.evaluate("document.activeElement && document.activeElement.blur()")
    background, color, outline = card.locator("[data-support=contre]").evaluate(style)
    assert card.locator("[data-support=pour]").evaluate(style) == unpressed  # "Pour" no longer looks chosen
    assert background != unpressed[0] and outline == "none"  # filled, not a focus-like outline
    assert _contrast(background, color) >= 4.5
    assert _contrast(background, "rgb(255, 253, 248)") >= 3  # the pressed button stands out from the page
    assert card.locator("[data-support=contre]").evaluate("b => getComputedStyle(b, '::before').content") == '"✓ "'
    context.close()


# ------------------------------------------------------------------------- 4. no silent truncation


def test_a_100_kb_paste_is_counted_and_refused_never_cut(room):
    from playwright.sync_api import expect

    room.phase("proposals")
    context, phone = room.join()
    long_text = "L'ESS " * 17_000  # 102,000 characters
    phone.fill("#live-text", long_text)
    expect(phone.locator("#live-text-count")).to_have_text(f"{len(long_text)} / 5000 caractères")
    expect(phone.locator("#live-text-count")).to_have_class(re.compile(r"\bover\b"))
    phone.click("[data-propose-form] button[type=submit]")
    expect(phone.locator("[data-propose-error]")).to_contain_text(f"Ce texte compte {len(long_text)} caractères, pour 5000 au plus")
    assert phone.locator("#live-text").input_value() == long_text
    assert room.amendments_with("L'ESS L'ESS L'ESS") == 0

    # Without JavaScript: nothing cuts the paste either, and the server refuses it, text kept.
    plain_context, plain = room.join(js=False)
    plain.click("[data-propose-link]")
    assert plain.locator("#id_text").get_attribute("maxlength") is None
    plain.fill("#id_text", long_text)
    plain.click("#propose-form button[type=submit]")
    expect(plain.locator(".errorlist")).to_contain_text("5000")
    assert plain.locator("#id_text").input_value() == long_text
    context.close()
    plain_context.close()


# ------------------------------------------------------------------------- 6. without JavaScript


def test_without_javascript_the_room_shows_a_static_state_and_a_reload_link(room):
    from playwright.sync_api import expect

    room.phase("proposals")
    context, phone = room.join(js=False)
    expect(phone.locator("text=Connexion au direct…")).to_be_hidden()
    expect(phone.locator("[data-static-only]")).to_be_visible()
    expect(phone.locator("[data-static-only] a", has_text="Recharger la page")).to_be_visible()
    expect(phone.locator("text=Présent·es")).to_be_hidden()
    expect(phone.locator('dd[data-bind="phase"]')).to_have_text("Propositions")
    expect(phone.locator("[data-bind=focus] .focus-text")).to_be_visible()
    expect(phone.locator("[data-propose-link]")).to_be_visible()
    room.phase("supports")
    phone.click("[data-static-only] a")
    expect(phone.locator('dd[data-bind="phase"]')).to_have_text("Soutiens et votes")
    expect(phone.locator("[data-propose-link]")).to_have_count(0)
    expect(phone.locator("[data-proposal-refusal]")).to_have_text("La phase a changé : les propositions sont closes.")
    context.close()


# ------------------------------------------------------------------------- 7. English, for real


def test_an_english_phone_names_phases_in_english_when_a_french_facilitator_changes_them(room):
    from playwright.sync_api import expect

    room.phase("proposals")
    context, phone = room.join(language="en")
    expect(phone.locator('dd[data-bind="phase"]')).to_have_text("Proposals")
    room.phase("supports")
    expect(phone.locator('dd[data-bind="phase"]')).to_have_text("Support and votes", timeout=TIMEOUT)
    expect(phone.locator("[data-live-announce]")).to_have_text("New phase: Support and votes", timeout=TIMEOUT)
    expect(room.fac.locator('dd[data-bind="phase"]')).to_have_text("Soutiens et votes")
    context.close()


# ------------------------------------------------------------------------- 8. unavailable: resent, same id


def test_a_command_answered_unavailable_is_resent_with_the_same_id_and_looks_pending(room):
    from playwright.sync_api import expect

    context, phone = room.join()
    seen = []

    def outage_once(ws):
        server = ws.connect_to_server()

        def to_server(message):
            frame = json.loads(message)
            if frame.get("type") == "queue.raise_hand":
                seen.append(frame["id"])
                if len(seen) == 1:  # the database is out: nothing applied, resend later
                    ws.send(json.dumps({"type": "error", "in_reply_to": frame["id"], "code": "unavailable",
                                        "message": "Le service est momentanément indisponible."}))
                    return
            server.send(message)

        ws.on_message(to_server)

    phone.route_web_socket(re.compile(r"/ws/live/"), outage_once)
    phone.reload()
    expect(phone.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=TIMEOUT)
    hand = phone.locator('[data-bind="hand"]')
    hand.click()
    expect(phone.locator("[data-hand-pending]")).to_be_visible()
    expect(hand).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    expect(phone.locator("[data-hand-pending]")).to_be_hidden()
    assert len(seen) == 2 and seen[0] == seen[1]
    hand.click()
    expect(hand).to_have_attribute("aria-pressed", "false", timeout=TIMEOUT)
    context.close()


# ------------------------------------------------------------------------- 5. forms only when they can work (last: freezes the text)


def test_when_signing_opens_the_proposal_form_goes_live_and_on_the_page(room):
    from playwright.sync_api import expect

    room.phase("proposals")
    context, phone = room.join()
    expect(phone.locator("[data-propose-form]")).to_be_visible(timeout=TIMEOUT)
    phone.fill("#live-text", "Tapé juste avant l'ouverture des signatures.")

    organiser = room.browser.new_context(locale="fr-FR").new_page()
    room.login(organiser, "organisatrice")
    organiser.goto(room.server + "/signer/manifeste-ess/organiser/")
    organiser.select_option("select[name=version]", index=1)
    organiser.click("button[name=action][value=open]")
    expect(organiser.locator(".messages")).to_contain_text("La campagne de signature est ouverte.")

    expect(phone.locator("[data-propose-form]")).to_have_count(0, timeout=TIMEOUT)
    expect(phone.locator("[data-kept-draft-reason]")).to_have_text("Le texte est figé : il ne peut plus être modifié.")
    expect(phone.locator("[data-kept-draft-text]")).to_have_value("Tapé juste avant l'ouverture des signatures.")

    plain_context, plain = room.join(js=False)
    expect(plain.locator("[data-propose-link]")).to_have_count(0)
    expect(plain.locator("[data-proposal-refusal]")).to_have_text("Le texte est figé : il ne peut plus être modifié.")
    plain.goto(f"{room.server}/deliberation/seances/{room.session}/proposer/")
    expect(plain.locator("#propose-form button[type=submit]")).to_be_disabled()
    expect(plain.locator("#id_text")).to_be_disabled()
    context.close()
    plain_context.close()
    organiser.context.close()
