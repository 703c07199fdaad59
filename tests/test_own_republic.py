"""Your own République from an empty install, in Chromium, on the production shape when the run
has it (PostgreSQL, Redis), following docs/getting-started.md and never opening /admin/:

the documented first-account command; that organiser creates a text from a DOCX draft (3 parts,
12 articles); invites a co-organiser and a member of the editorial collective; imports 20 agoras
from a CSV naming two facilitators; the four invitations are read from the outbox and accepted on
a phone; a facilitator opens a session; a participant joins through the session's link and
proposes; the collective integrates the proposal; a forgotten password is reset.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.mail import smtp_sink
from tests.manifesto.drafting.files import docx_bytes
from tests.server import daphne, free_port, live_server_env, manage, server_query
from tests.services import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.server]

PASSWORD = "une-phrase-de-passe-solide"
SLUG = "manifeste-de-la-republique-de-less"
PROPOSAL = "Texte de l'article 1.1 : l'économie sociale et solidaire s'engage partout en France."
DEPARTEMENTS = ["59", "69", "13", "33", "44", "75", "31", "67", "35", "34",
                "06", "2A", "974", "21", "76", "38", "29", "63", "87", "57"]
FACILITATORS = ["karim@example.org", "lea@example.org"]


def agoras_csv() -> str:
    """20 agoras from next week on, in French spreadsheet form; Karim and Léa share them."""
    start = timezone.localtime() + timedelta(days=7)
    lines = ["titre;département;commune;lieu;début;fin;capacité;animateurs"]
    for n, departement in enumerate(DEPARTEMENTS, start=1):
        day = start + timedelta(days=n)
        lines.append(f"Agora {n};{departement};Ville {n};Maison de l'ESS;{day:%d/%m/%Y} 18:30;{day:%d/%m/%Y} 21:30;60;"
                     f"{FACILITATORS[(n - 1) % 2]}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    """An empty install (migrated, no demo) with its first account, emails going to a sink."""
    with smtp_sink() as sink:
        port = free_port()
        env = live_server_env(SQLITE_PATH=str(tmp_path_factory.mktemp("republique") / "db.sqlite3"),
                              SITE_URL=f"http://127.0.0.1:{port}", **sink.email_env())
        manage("migrate", "--no-input", env=env)
        manage("createsuperuser", "--no-input", "--username", "fondatrice", "--email", "fondatrice@example.org",
               env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD})
        with daphne(env, port=port) as base:
            yield base, env, sink


def log_in(page, base, username, password=PASSWORD):
    page.goto(base + "/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/connexion/" not in url)


def test_an_organisation_runs_its_own_process_from_an_empty_install(install, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, env, sink = install
    draft = tmp_path / "brouillon-republique.docx"
    draft.write_bytes(docx_bytes(title="Manifeste de l'ESS"))
    agoras = tmp_path / "agoras.csv"
    agoras.write_text(agoras_csv(), encoding="utf-8")
    visited: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)

        def laptop():
            context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 768})
            context.on("request", lambda request: visited.append(request.url))
            return context.new_page()

        def phone():
            context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            context.on("request", lambda request: visited.append(request.url))
            return context.new_page()

        try:
            # The first organiser: an empty home that leads to "Nouveau texte".
            organiser = laptop()
            log_in(organiser, base, "fondatrice")
            expect(organiser.locator("main")).to_contain_text("Aucun manifeste pour l'instant.")
            organiser.get_by_role("link", name="Nouveau texte").first.click()
            organiser.get_by_label("Titre", exact=True).fill("Manifeste de la République de l'ESS")
            organiser.get_by_label("Par le collectif de rédaction").check()
            organiser.get_by_label("Importer un fichier").set_input_files(str(draft))
            organiser.get_by_role("button", name="Continuer").click()
            expect(organiser.get_by_role("heading", name="3 parties, 12 articles")).to_be_visible()
            assert server_query(env, "SELECT COUNT(*) FROM manifesto_manifesto") == [[0]]  # the preview writes nothing
            organiser.get_by_role("button", name="Créer le texte").click()
            expect(organiser.locator(".messages")).to_contain_text("3 parties, 12 articles")
            assert server_query(env, "SELECT slug, decision_mode FROM manifesto_manifesto") == [[SLUG, "collective"]]
            assert server_query(env, "SELECT COUNT(*) FROM manifesto_clause") == [[12]]

            # Its people: a co-organiser and a member of the collective.
            organiser.goto(f"{base}/manifeste/{SLUG}/personnes/")
            for address, role in [("odile@example.org", "Co-organisateur·rice"), ("rosa@example.org", "Membre du collectif de rédaction")]:
                organiser.get_by_label("Adresse électronique").fill(address)
                organiser.get_by_role("checkbox", name=role).check()
                organiser.get_by_role("button", name="Envoyer l'invitation").click()
                expect(organiser.get_by_role("region", name="Invitations")).to_contain_text(address)

            # Its agoras: 20 from a CSV, previewed, then created; each facilitator invited once.
            organiser.goto(f"{base}/agoras/importer/{SLUG}/")
            organiser.locator("input[type=file]").set_input_files(str(agoras))
            organiser.get_by_role("button", name="Vérifier le fichier").click()
            expect(organiser.locator("main")).to_contain_text("20 agoras à créer")
            assert server_query(env, "SELECT COUNT(*) FROM agora_agora WHERE NOT is_online_space") == [[0]]
            organiser.get_by_role("button", name="Créer les 20 agoras").click()
            expect(organiser.locator(".messages")).to_contain_text("20 agoras créées")
            assert server_query(env, "SELECT COUNT(*) FROM agora_agora WHERE NOT is_online_space") == [[20]]

            # Everyone accepts from the emailed link, on a phone, choosing a password.
            for address in ["odile@example.org", "rosa@example.org", *FACILITATORS]:
                page = phone()
                page.goto(sink.link_in(sink.to(address), r"/invitation/\S+/"))
                page.get_by_label("Prénom").fill(address.split("@")[0].capitalize())
                page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
                page.get_by_label("Le même mot de passe, à nouveau").fill(PASSWORD)
                page.get_by_role("button", name="Créer mon compte et accepter").click()
                expect(page).to_have_url(f"{base}/manifeste/{SLUG}/")
                page.context.close()
            karim_agoras = server_query(
                env, "SELECT COUNT(*) FROM agora_agora_facilitators f JOIN auth_user u ON u.id = f.user_id WHERE u.username = %s",
                ["karim"],
            )
            assert karim_agoras == [[10]]
            assert len(sink.messages) == 4  # one invitation per person, whatever the number of agoras

            # Karim opens his first agora's session; the console greets a first session.
            facilitator = laptop()
            log_in(facilitator, base, "karim")
            facilitator.get_by_role("link", name="Ouvrir une séance en direct").first.click()  # "Mes agoras"
            expect(facilitator.get_by_role("heading", level=1)).to_have_text("Agora 1")
            facilitator.get_by_role("button", name="Ouvrir une séance en direct").click()
            expect(facilitator.get_by_role("heading", name="Animation — Agora 1")).to_be_visible()
            expect(facilitator.locator("main")).to_contain_text("Première séance")
            expect(facilitator.get_by_role("img", name="Code QR pour rejoindre la séance")).to_be_visible()
            join_link = facilitator.locator("a.join-link").get_attribute("href")
            code = facilitator.locator(".join-code").inner_text()
            assert join_link == f"{base}/agoras/rejoindre/{code}/"  # what the QR code says
            facilitator.click("[data-phase-button=proposals]")
            expect(facilitator.locator('[data-bind="phase"]').first).to_have_text("Propositions", timeout=15000)

            # A participant joins through that link, without an account, and proposes.
            participant = phone()
            participant.goto(join_link)
            participant.fill("#id_display_name", "Inès")
            participant.click("button[type=submit] >> text=Entrer dans la séance")
            participant.get_by_role("link", name="Voir les amendements de la séance").click()
            expect(participant.locator("[data-live-state]")).to_have_attribute("data-state", "online", timeout=15000)
            participant.select_option("#live-where", label="Article 1")
            participant.fill("#live-text", PROPOSAL)
            participant.click("[data-propose-form] button[type=submit]")
            expect(participant.locator("[data-deliberation-status]")).to_contain_text("Votre amendement n° 1 est déposé.")

            # The collective integrates it; the text changes.
            editor = laptop()
            log_in(editor, base, "rosa")
            editor.goto(f"{base}/manifeste/{SLUG}/redaction/")
            expect(editor.locator("main")).to_contain_text("par Inès · Agora 1")
            editor.locator("[data-action=integrate]").first.click()
            expect(editor.locator(".messages")).to_contain_text("1 amendement intégré à l'article 1.")
            assert server_query(env, "SELECT text FROM manifesto_clause WHERE number = 1") == [[PROPOSAL]]

            # Léa forgot her password: the same answer for an unknown address, a link for hers.
            forgetful = phone()
            forgetful.goto(base + "/connexion/")
            forgetful.get_by_role("link", name="Mot de passe oublié ?").click()
            forgetful.get_by_label("Adresse électronique").fill("personne@example.org")
            forgetful.get_by_role("button", name="Envoyer le lien").click()
            expect(forgetful.get_by_role("heading", level=1)).to_have_text("Regardez votre messagerie")
            forgetful.goto(base + "/mot-de-passe/oublie/")
            forgetful.get_by_label("Adresse électronique").fill("lea@example.org")
            forgetful.get_by_role("button", name="Envoyer le lien").click()
            expect(forgetful.get_by_role("heading", level=1)).to_have_text("Regardez votre messagerie")
            reset = sink.wait_for(lambda m: m["To"] == "lea@example.org" and "/mot-de-passe/" in sink.body(m))
            forgetful.goto(sink.link_in(reset, r"/mot-de-passe/nouveau/\S+/"))
            new_password = "un-nouveau-mot-de-passe-long"
            forgetful.locator("input[type=password]").nth(0).fill(new_password)
            forgetful.locator("input[type=password]").nth(1).fill(new_password)
            forgetful.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
            expect(forgetful.get_by_role("heading", level=1)).to_have_text("Mot de passe changé")
            assert not any(m["To"] == "personne@example.org" for m in sink.messages)
            log_in(forgetful, base, "lea", new_password)
            expect(forgetful.locator("main")).to_contain_text("Mes agoras")
        finally:
            browser.close()

    assert visited and not [url for url in visited if "/admin/" in url]
