"""The English catalogue is complete, compiled, and actually served."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def read_po(path):
    """A tiny .po reader: one dict per entry with its flags, msgid, msgid_plural and msgstr(s)."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def translations(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


@pytest.fixture(scope="module")
def catalogue():
    entries = [entry for entry in read_po(PO) if not entry["obsolete"]]
    assert entries[0]["msgid"] == "", "the catalogue starts with its header"
    return entries


def test_every_string_is_translated_and_none_is_fuzzy(catalogue):
    header, messages = catalogue[0], catalogue[1:]
    assert "fuzzy" not in header["flags"]
    assert "Language: en" in header["msgstr"]
    assert len(messages) > 100
    fuzzy = [entry["msgid"] for entry in messages if "fuzzy" in entry["flags"]]
    untranslated = [entry["msgid"] for entry in messages if not all(translations(entry))]
    assert fuzzy == []
    assert untranslated == []


def test_translations_keep_the_placeholders(catalogue):
    wrong = []
    for entry in catalogue[1:]:
        expected = sorted(PLACEHOLDER.findall(entry.get("msgid_plural", entry["msgid"])))
        for text in translations(entry):
            # The singular form may drop the count (e.g. "One article"), never add or rename a placeholder.
            found = sorted(PLACEHOLDER.findall(text))
            if not set(found) <= set(expected) or ("msgid_plural" not in entry and found != expected):
                wrong.append((entry["msgid"], text))
    assert wrong == []


def test_the_compiled_catalogue_matches_the_po_file(catalogue):
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue[1:]:
        if "msgid_plural" in entry and "msgctxt" in entry:
            got = [compiled.npgettext(entry["msgctxt"], entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
            want = [entry["msgstr[0]"], entry["msgstr[1]"]]
        elif "msgid_plural" in entry:
            got = [compiled.ngettext(entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
            want = [entry["msgstr[0]"], entry["msgstr[1]"]]
        elif "msgctxt" in entry:
            got, want = compiled.pgettext(entry["msgctxt"], entry["msgid"]), entry["msgstr"]
        else:
            got, want = compiled.gettext(entry["msgid"]), entry["msgstr"]
        if got != want:
            stale.append(entry["msgid"])
    assert stale == [], "django.mo is out of date: run compilemessages"


def test_home_page_is_in_english_when_the_browser_asks_for_it(client, db):
    html = client.get(reverse("manifesto:home"), headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert 'aria-label="Main navigation"' in html
    assert "Log in" in html
    assert "Aller au contenu" not in html


def test_home_page_is_in_french_by_default_and_when_asked(client, db):
    for headers in ({}, {"accept-language": "fr"}):
        html = client.get(reverse("manifesto:home"), headers=headers).content.decode()
        assert '<html lang="fr">' in html
        assert "Aller au contenu" in html
        assert "Se connecter" in html
        assert "Skip to content" not in html


def test_choosing_english_then_french_with_the_language_form(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("manifesto:home")).content.decode()
    assert "Skip to content" in html and "Log in" in html

    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    html = client.get(reverse("manifesto:home")).content.decode()
    assert "Aller au contenu" in html and "Se connecter" in html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_language_menu_names_each_language_in_itself(client, db, language):
    html = client.get(reverse("manifesto:home"), headers={"accept-language": language}).content.decode()
    assert '<option value="fr" lang="fr"' in html and ">Français</option>" in html
    assert '<option value="en" lang="en"' in html and ">English</option>" in html
    assert "Anglais" not in html


def test_english_translations_use_english_punctuation(catalogue):
    """French puts a space before a colon; English does not. The colon belongs inside the msgid
    so that each language places it its own way."""
    french_spacing = [
        entry["msgid"] for entry in catalogue[1:] if not entry["obsolete"] and any(" :" in text for text in translations(entry))
    ]
    assert french_spacing == []


def test_email_labels_carry_their_colon_inside_the_translation():
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*")
        if path.is_file() and re.search(r'\{% translate "[^"]+" %\} :', path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
