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
SKIPPED_PAGES = re.compile(r"\.(csv|svg|pdf|md|txt|json)$|/i18n/|/deconnexion/|/admin/")


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


def pages(world):  # noqa: F811
    """(role, path): each route by the first role that may open it; the home page by everyone."""
    wanted = [(role, reverse("manifesto:home")) for role in ROLES]
    for name, route in ROUTES:
        role = next(r for r in ROLES if name not in PRIVATE or r in PRIVATE[name])
        try:
            path = reverse(name, kwargs=kwargs_for(name, route, world))
        except NoReverseMatch:
            continue
        if not SKIPPED_PAGES.search(path):
            wanted.append((role, path))
    return wanted


@pytest.mark.django_db
def test_no_french_reaches_an_english_page(world):  # noqa: F811
    clients, problems, seen = {}, [], set()

    def get(role, path):
        if role not in clients:
            clients[role] = client_for(role, world)
            clients[role].cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return clients[role].get(path)

    for role, path in pages(world):
        response = get(role, path)
        # A public route whose view keeps it to someone (the room to its participants, the
        # collective's page to organisers): open it as them.
        for other in ("participant", "facilitator", "organiser"):
            if response.status_code in (302, 403) and role == "anonymous":
                role, response = other, get(other, path)
                role = "anonymous" if response.status_code in (302, 403) else other
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen.add(path)
        assert '<html lang="en">' in response.content.decode(), path
        for string in french_in(visible_text(response.content.decode())):
            problems.append(f"{path} ({role}): {string!r}")
    rooms = {reverse(name, kwargs={"pk": world["session"].pk}) for name in ("agora:room", "agora:console", "agora:projector")}
    assert rooms <= seen and len(seen) > 40, sorted(seen)
    assert problems == [], "\n".join(problems)


def test_the_check_finds_french():
    assert french_in(visible_text("<p>Motif : trop long</p>")) == ["Motif"]
    assert "Rejoindre une séance" in french_in(visible_text("<h1>Rejoindre une séance</h1>"))
    assert french_in(visible_text('<button aria-label="Se connecter">x</button>')) == ["Se connecter"]
    assert french_in(visible_text("<p>Join a session · Home · Reason: long</p>")) == []
