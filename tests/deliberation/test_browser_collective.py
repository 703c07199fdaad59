"""Collective mode in real browsers on a real daphne: a facilitator takes a position in the room;
the room says it went to the collective, the text does not change, and the amendment's page and
the agora's report show the position."""

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
from deliberation.models import AmendmentKind
from deliberation.permissions import Actor
from tests.factories import make_agora, make_manifesto, make_user
organiser = make_user("organisatrice")
facilitator = make_user("animatrice", first_name="Fatou")
manifesto = make_manifesto(organiser=organiser, slug="manifeste-collectif-navigateur", decision_mode="collective")
clause = manifesto.clauses.order_by("number").first()
agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de Lille", slug="agora-lille-navigateur")
session = agora_services.open_session(actor=facilitator, agora=agora, clause_ids=[clause.pk])
agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
author = Actor(participant=agora_services.join(session=session, display_name="Amina", ess_family="cooperative"))
amendment = services.propose_amendment(actor=author, session=session, kind=AmendmentKind.MODIFY, clause=clause,
                                       text=clause.text.replace("première", "nouvelle"))
agora_services.set_phase(actor=facilitator, session=session, phase=Phase.SUPPORTS)
services.set_support(actor=author, amendment=amendment, value="pour")
print(json.dumps({"session": session.pk, "code": session.code, "clause": clause.pk, "number": clause.number,
                  "text": clause.text, "amendment": amendment.pk, "agora": agora.slug, "slug": manifesto.slug}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = tmp_path_factory.mktemp("collectif") / "db.sqlite3"
    env = live_server_env(SQLITE_PATH=str(database))
    manage("migrate", "--no-input", env=env)
    output = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    with daphne(env) as base:
        yield base, json.loads(output.strip().splitlines()[-1]), env


# What the editorial collective does when it answers (the desk, deliberation/editorial/, does it
# for real): a final outcome and its journal event, written while a reader has the page open.
ANSWER = """
from deliberation import outcomes, selectors
from deliberation.models import Amendment, Outcome
from manifesto.history import track
from manifesto.journal import record_event
from django.db import transaction
with transaction.atomic():
    amendment = selectors.with_relations().get(pk={pk})
    outcomes.give_outcome(amendment, user=None, outcome=Outcome.SET_ASIDE, final=True, reason="Déjà couvert par l'article 2")
    track(amendment, actor=None, reason="Réponse du collectif de rédaction").save()
    record_event(manifesto_id=amendment.manifesto_id, type="amendment.outcome_given",
                 data={{"amendment": selectors.public_data(amendment), "session_id": amendment.session_id, "clause_id": None, "revision": None}})
"""


def test_a_position_taken_in_the_room_shows_live_on_the_amendment_page_and_in_the_report(server):
    from playwright.sync_api import expect, sync_playwright

    base, data, env = server
    note = "Retenu par l'Agora de Lille — transmis au collectif de rédaction"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            participant = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
            participant.goto(f"{base}/agoras/rejoindre/{data['code']}/")
            participant.fill("input[name=display_name]", "Dominique")
            participant.select_option("select[name=ess_family]", "association")
            participant.click("main form button[type=submit]")
            participant.wait_for_url("**/agoras/seance/**")

            facilitator = browser.new_context(locale="fr-FR").new_page()
            facilitator.goto(f"{base}/connexion/")
            facilitator.fill("input[name=username]", "animatrice")
            facilitator.fill("input[name=password]", "motdepasse-de-test")
            facilitator.click("main form button[type=submit]")
            facilitator.wait_for_load_state()
            facilitator.goto(f"{base}/agoras/seance/{data['session']}/animer/")
            expect(facilitator.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=10000)
            expect(facilitator.locator("[data-mode-note]")).to_contain_text("transmises au collectif de rédaction")

            card = facilitator.locator(f"#amendement-live-{data['amendment']}")
            accept = card.locator("[data-action=accept]")
            expect(accept).to_have_text("Retenir (position de l'agora)", timeout=10000)
            accept.click()

            # Every screen says where it went; nobody reads "adopté"; the text stays as it was.
            for page in (facilitator, participant):
                live_card = page.locator(f"#amendement-live-{data['amendment']}")
                expect(live_card).to_have_attribute("data-state", "retained", timeout=10000)
                expect(live_card.locator("[data-position]")).to_have_text(note)
                expect(live_card).not_to_contain_text("Adopté")
            expect(participant.locator("[data-deliberation-status]")).to_contain_text(note)

            reader = browser.new_context(locale="fr-FR").new_page()
            reader.goto(f"{base}/deliberation/amendements/{data['amendment']}/")
            expect(reader.locator(".outcome")).to_contain_text("en attente")
            expect(reader.locator(".outcome .position")).to_contain_text(note)
            expect(reader.locator(".outcome .position")).to_contain_text("pour : 1")

            reader.goto(f"{base}/agoras/{data['agora']}/bilan/")
            expect(reader.locator("[data-report-summary]")).to_have_text("1 proposition : 1 en attente")
            row = reader.locator("[data-report-amendment]").first
            expect(row).to_contain_text("Retenu par l'agora")
            expect(row).to_contain_text("1 / 0 / 0")

            reader.goto(f"{base}/manifeste/{data['slug']}/")
            expect(reader.locator(f"#article-{data['number']} .clause-text")).to_contain_text(data["text"])
            expect(reader.locator(".answers-progress")).to_contain_text("sur 1 ont reçu leur réponse")

            # The collective answers while the page is open: the progress bar follows the journal.
            subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "shell", "-c", ANSWER.format(pk=data["amendment"])],
                env=env, cwd=ROOT, check=True, capture_output=True, text=True,
            )
            expect(reader.locator(".answers-progress [data-progress-label]")).to_have_text(
                "1 proposition sur 1 a reçu sa réponse", timeout=25000
            )
            expect(reader.locator(".answers-progress progress")).to_have_attribute("value", "1")
        finally:
            browser.close()
