import pytest
from django.core.exceptions import ValidationError

from manifesto.signatures import validation


@pytest.mark.parametrize("siren", ["732829320", "356 000 000", "552 100 554", "443.061.841"])
def test_valid_siren_is_accepted_with_spaces_or_dots(siren):
    assert validation.clean_siren(siren) == siren.replace(" ", "").replace(".", "")


@pytest.mark.parametrize("siren", ["732829321", "12345678", "1234567890", "ABCDEFGHI", "٧٣٢٨٢٩٣٢٠"])
def test_invalid_siren_is_refused(siren):
    with pytest.raises(ValidationError):
        validation.clean_siren(siren)


def test_empty_siren_is_allowed():
    assert validation.clean_siren("  ") == ""


@pytest.mark.parametrize(
    "name",
    [
        "=HYPERLINK(\"http://x\")",
        "+33 6",
        "-1",
        "@cmd",
        "Voir https://spam.example",
        "www.spam.example",
        "Achetez sur spam.com",
        "Jean\x00",
        "Jean\u202eeuqcaJ",
        "Jean\nPierre",
    ],
)
def test_names_with_urls_control_characters_or_formula_starts_are_refused(name):
    with pytest.raises(ValidationError) as error:
        validation.clean_name(name, field_label="Nom")
    assert "Nom" in str(error.value)


@pytest.mark.parametrize("name", ["Marie-Hélène d'Arc", "Assoc. Solidarité 35", "SCOP Les Ateliers", "Ö. Yılmaz"])
def test_ordinary_names_pass_with_spaces_collapsed(name):
    assert validation.clean_name("  " + name.replace(" ", "   ") + " ", field_label="Nom") == name


def test_email_is_normalised_for_case_and_surrounding_spaces():
    assert validation.clean_email("  Camille.Martin@Example.ORG ") == "camille.martin@example.org"


def test_organisation_key_prefers_siren_then_folded_name():
    assert validation.organisation_key(siren="732829320", name="X") == "siren:732829320"
    assert validation.organisation_key(siren="", name="Coopérative  des Deux-Rives") == validation.organisation_key(
        siren="", name="cooperative des deux rives"
    )
