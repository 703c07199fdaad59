"""No French reaches an English page.

Every page of the URLconf (the access matrix's routes and world, tests/security/), opened in
English by a role that may see it — and the home page by every role, since it differs by role —
is searched for the French msgids of the catalogue and for French interface words. A hit names
the page and the string: either a string outside gettext, a translation that kept the French,
or a msgid whose context should tell two senses apart.
"""

import html
import re

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from tests.security.test_access_matrix import PRIVATE, ROLES, ROUTES, client_for, kwargs_for, world  # noqa: F401
from tests.test_i18n import PO, read_po, translations

PLACEHOLDERS = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}|<[^>]+>")
# Interface words that are French and never English; the text under discussion is French data,
# so the list keeps to words of the interface, matched whole and with their capital.
FRENCH_WORDS = [
    "Accueil", "Département", "Région", "Suppression", "Motif", "Rejoindre", "Se connecter", "Se déconnecter",
    "Historique", "Signataires", "Signer", "Modifier", "Enregistrer", "Annuler", "Envoyer", "Valider", "Rechercher",
    "Fermer", "Ouvrir", "Précédent", "Suivant", "Retour", "Changer", "Langue", "Aller au contenu", "Séance",
    "Amendements", "Proposer", "Soutenir", "Pour", "Contre", "Abstention", "Rédaction", "Famille",
]
# What the pages show that is data, recorded in French by design (the history's reasons are
# written in the site's language, tests/manifesto/test_recorded_language.py), or names.
# The text itself is French: the factories' articles ("Texte de l'article 1.1, première rédaction.").
DATA = re.compile(
    r"Texte de l'article \d+\.\d+(, première rédaction\.)?|première rédaction|Autre rédaction\.|Article modifié|Amendement n° \d+[^<]*"
    r"|Agora de la matrice|Agora d'ailleurs"
)
VISIBLE_ATTRIBUTES = re.compile(r'\s(?:aria-label|title|placeholder|alt|value)="([^"]*)"')
# Downloads (by their extension), the language switch, logging out and the admin: not pages.
SKIPPED_PAGES = re.compile(r"\.(csv|svg|pdf|md|txt|json)$|/i18n/|/deconnexion/|/admin/")
# Every other route must reverse and, opened with GET by a role that may, answer 200 (an HTML
# page, searched below, or another content type: an API answer or a download) or 405 without GET
# in Allow (an action, POST only). These are the routes that need an object the access matrix's
# world does not build (or a state it is not in), so opening them proves nothing; each says why.
CANNOT_OPEN = {
    # A vote, its roll and its ballots: the world has no vote.
    "adoption:detail": "no vote", "adoption:receipt": "no vote", "adoption:results": "no vote",
    "adoption:turnout": "no vote", "adoption:ballot": "no ballot token",
    # Tokens sent by email: the world sends none.
    "contributions:confirm": "no emailed token", "signatures:confirm": "no emailed token",
    "signatures:manage": "no emailed token", "people:accept": "no invitation token",
    "contributions:detail": "no contribution",
    "agora:online": "the world's agoras meet in a room, not online",
    "manifesto:stage_open": "the world's text has no stages",
    # The world's text is frozen (a version, a signature campaign): it is no longer edited.
    "manifesto:edit": "text frozen", "manifesto:clause_add": "text frozen", "manifesto:clause_delete": "text frozen",
    "manifesto:clause_edit": "text frozen", "manifesto:clause_move": "text frozen",
    "manifesto:section_add": "text frozen", "manifesto:section_move": "text frozen",
    "manifesto:section_rename": "text frozen", "manifesto:drafting:import": "text frozen",
    "manifesto:drafting:import_preview": "text frozen",
    # Second steps of a form: without the first step's data they send back to it (302).
    "manifesto:drafting:new_preview": "second step of a form", "editorial:wording": "second step of a form",
}


def french_fragments() -> list[str]:
    """The catalogue's French: each msgid's literal parts of two words or more, unless the
    English translation says the same (a name, "Version", "Contributions — ")."""
    fragments = set()
    for entry in read_po(PO)[1:]:
        if entry["obsolete"]:
            continue
        english = " ".join(translations(entry))
        for msgid in (entry["msgid"], entry.get("msgid_plural", "")):
            for part in PLACEHOLDERS.split(msgid):
                part = " ".join(part.split()).strip(" .,:;—·()«»")
                if len(part) >= 10 and " " in part and part not in english:
                    fragments.add(part)
    return sorted(fragments, key=len, reverse=True)


FRAGMENTS = french_fragments()
WORDS = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, FRENCH_WORDS)) + r")(?![\w-])")


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<option[^>]*\slang=\"fr\"[^>]*>.*?</option>", " ", page)  # "Français" in the language menu
    attributes = " ".join(VISIBLE_ATTRIBUTES.findall(page))
    text = re.sub(r"<[^>]+>", " ", page) + " " + attributes
    return DATA.sub(" ", " ".join(html.unescape(text).split()))


def french_in(text: str) -> list[str]:
    found = [fragment for fragment in FRAGMENTS if fragment in text]
    found += sorted({match for match in WORDS.findall(text)} - set(found))
    return found


def pages(world, unopened: list[str]):  # noqa: F811
    """(route name, role, path): each route by the first role that may open it; the home page by
    everyone. A route that does not reverse is added to `unopened`."""
    wanted = [("manifesto:home", role, reverse("manifesto:home")) for role in ROLES]
    for name, route in ROUTES:
        role = next(r for r in ROLES if name not in PRIVATE or r in PRIVATE[name])
        try:
            path = reverse(name, kwargs=kwargs_for(name, route, world))
        except NoReverseMatch as error:
            unopened.append(f"{name}: does not reverse ({error})")
            continue
        if not SKIPPED_PAGES.search(path):
            wanted.append((name, role, path))
    return wanted


@pytest.mark.django_db
def test_no_french_reaches_an_english_page(world):  # noqa: F811
    clients, problems, seen, unopened, opened_anyway = {}, [], set(), [], []

    def get(role, path):
        if role not in clients:
            clients[role] = client_for(role, world)
            clients[role].cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return clients[role].get(path)

    for name, role, path in pages(world, unopened):
        response = get(role, path)
        # A public route whose view keeps it to someone (the room to its participants, the
        # collective's page to organisers): open it as them.
        for other in ("participant", "facilitator", "organiser"):
            if response.status_code in (302, 403) and role == "anonymous":
                role, response = other, get(other, path)
                role = "anonymous" if response.status_code in (302, 403) else other
        status, is_html = response.status_code, "text/html" in response.get("Content-Type", "")
        if status == 405 and "GET" not in response.get("Allow", ""):
            continue  # an action (POST only), not a page
        if name in CANNOT_OPEN:
            if status == 200 and is_html:
                opened_anyway.append(name)
            continue
        if status != 200:
            unopened.append(f"{name}: {path} answers {status} to {role}")
        if status != 200 or not is_html:
            continue
        seen.add(path)
        assert '<html lang="en">' in response.content.decode(), path
        for string in french_in(visible_text(response.content.decode())):
            problems.append(f"{path} ({role}): {string!r}")
    rooms = {reverse(name, kwargs={"pk": world["session"].pk}) for name in ("agora:room", "agora:console", "agora:projector")}
    assert rooms <= seen and len(seen) > 40, sorted(seen)
    assert unopened == [], "pages this test could not open (build what they need, or list them in CANNOT_OPEN):\n" + \
        "\n".join(unopened)
    assert opened_anyway == [], f"listed in CANNOT_OPEN but opened: {opened_anyway}"
    assert problems == [], "\n".join(problems)


def test_the_check_finds_french():
    assert french_in(visible_text("<p>Motif : trop long</p>")) == ["Motif"]
    assert "Rejoindre une séance" in french_in(visible_text("<h1>Rejoindre une séance</h1>"))
    assert french_in(visible_text('<button aria-label="Se connecter">x</button>')) == ["Se connecter"]
    assert french_in(visible_text("<p>Join a session · Home · Reason: long</p>")) == []
