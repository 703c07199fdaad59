"""Every CSV download comes in two variants: the standard one (commas) and, with `?tableur=fr`, one
for spreadsheets set to French (semicolons, UTF-8 BOM), offered beside it."""

import csv
import io

import pytest
from django.urls import reverse

from manifesto import spreadsheet

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8") if response.streaming else response.content.decode("utf-8")


def test_the_french_variant_is_semicolons_with_a_bom(client, manifesto):
    url = reverse("publishing:amendments_csv", kwargs={"slug": manifesto.slug})
    standard, french = client.get(url), client.get(url + "?tableur=fr")
    assert standard.status_code == french.status_code == 200
    standard_text, french_text = body(standard), body(french)
    assert french_text.startswith("\ufeff") and standard_text.startswith("\ufeff")
    assert french_text.splitlines()[0] == standard_text.splitlines()[0].replace(",", ";")
    assert "-tableur.csv" in french["Content-Disposition"] and "-tableur" not in standard["Content-Disposition"]
    assert next(csv.reader(io.StringIO(french_text.lstrip("\ufeff")), delimiter=";"))[0] == "numero"


def test_cells_with_semicolons_and_commas_stay_whole():
    text = "".join(spreadsheet.lines(["a", "b"], [["1,5", "un; deux"]], french=True))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows == [["a", "b"], ["1,5", "un; deux"]]


def test_the_registrations_and_signatures_exports_have_the_variant_too(client, agora, facilitator, manifesto, organiser):
    from agora.models import Registration

    Registration.objects.create(agora=agora, name="Léa", email="lea@example.org", organisation="=cmd")
    client.force_login(facilitator)
    french = client.get(reverse("agora:registrations_csv", kwargs={"slug": agora.slug}) + "?tableur=fr")
    text = body(french)
    assert french.status_code == 200 and text.startswith("\ufeffNom;Adresse e-mail;")
    assert "Léa;lea@example.org;'=cmd;" in text
    page = client.get(reverse("agora:detail", kwargs={"slug": agora.slug})).content.decode()
    assert "inscriptions.csv?tableur=fr" in page


def test_the_figures_page_offers_both(client, manifesto):
    page = client.get(reverse("publishing:figures", kwargs={"slug": manifesto.slug})).content.decode()
    assert "amendements.csv?tableur=fr" in page and "contributions.csv?tableur=fr" in page
