"""Importing agoras from a CSV file (docs/agoras.md): preview, every error by its line, then one transaction."""

import html
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agora import bulk, services
from agora.models import Agora
from manifesto.errors import PermissionDenied
from manifesto.models import Invitation
from tests.factories import make_agora, make_manifesto, make_user

pytestmark = pytest.mark.django_db

HEADER = "titre;département;commune;lieu;début;fin;capacité;animateurs"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def row(title="Agora de Lille", dept="59", town="Lille", place="Maison de l'ESS", start="14/03/2030 18:30",
        end="14/03/2030 21:30", capacity="60", emails="karim@example.org") -> str:
    return ";".join([title, dept, town, place, start, end, capacity, emails])


def import_url(manifesto) -> str:
    return reverse("agora:import", kwargs={"manifesto_slug": manifesto.slug})


def upload(client, manifesto, content: bytes, name="agoras.csv"):
    return client.post(import_url(manifesto), {"action": "preview", "file": SimpleUploadedFile(name, content, "text/csv")})


def confirm(client, manifesto, digest: str):
    return client.post(import_url(manifesto), {"action": "confirm", "digest": digest})


def errors_of(manifesto, content: bytes) -> list[tuple]:
    return bulk.read_agoras(manifesto=manifesto, content=content).errors


def twenty_rows() -> bytes:
    emails = ["ana@example.org", "bruno@example.org", "chloe@example.org", "djamel@example.org"]
    departements = ["59", "2A", "Gironde", "974", "paris", "Côte-d'Or", "1", "Bouches-du-Rhône", "33", "69"]
    rows = [row(title=f"Agora n° {n}", dept=departements[n % 10], town=f"Ville {n}", place=f"Salle {n}",
                start=f"{n + 1:02d}/04/2030 09:30", end=f"{n + 1:02d}/04/2030 12:30", capacity=str(20 + n),
                emails=f"{emails[n % 4]}, {emails[(n + 1) % 4]}" if n % 5 == 0 else emails[n % 4].upper())
            for n in range(20)]
    return csv_file(*rows)


# ------------------------------------------------------------------ reading the file


def test_a_clean_row_becomes_an_agora_in_paris_time_with_its_place_and_departement(manifesto):
    reading = bulk.read_agoras(manifesto=manifesto, content=csv_file(row()))
    assert reading.errors == [] and len(reading.rows) == 1
    agora = reading.rows[0]
    assert (agora.line, agora.title, agora.departement, agora.place, agora.capacity) == (
        2, "Agora de Lille", "Nord", "Maison de l'ESS, Lille", 60)
    assert agora.starts_at == timezone.make_aware(datetime(2030, 3, 14, 18, 30), timezone.get_default_timezone())
    assert agora.facilitators == ["karim@example.org"]


def test_english_headers_commas_a_bom_and_iso_dates_are_read(manifesto):
    content = "\ufefftitle,department,town,place,start,end,capacity,facilitators\n" \
              'Agora de Bastia,2B,Bastia,Salle,2030-03-21T09:30,2030-03-21 12:30,,"a@example.org; b@example.org"\n'
    reading = bulk.read_agoras(manifesto=manifesto, content=content.encode())
    assert reading.errors == []
    assert reading.rows[0].departement == "Haute-Corse" and reading.rows[0].capacity is None
    assert reading.rows[0].facilitators == ["a@example.org", "b@example.org"]


@pytest.mark.parametrize("cells, line_error", [
    ({"dept": "Atlantide"}, "Département inconnu : « Atlantide »"),
    ({"end": "14/03/2030 17:00"}, "La fin (14/03/2030 17:00) n'est pas après le début (14/03/2030 18:30)."),
    ({"emails": "karim@example"}, "Adresse e-mail d'animateur·rice mal formée : « karim@example »."),
    ({"emails": "karim at example.org"}, "mal formée"),
    ({"capacity": "0"}, "La capacité « 0 » n'est pas un nombre entier de places supérieur à zéro."),
    ({"capacity": "douze"}, "La capacité « douze »"),
    ({"capacity": "-3"}, "La capacité « -3 »"),
    ({"capacity": "9999999999"}, "La capacité « 9999999999 » dépasse 100 000 places."),
    ({"start": "14 mars 2030"}, "La date « 14 mars 2030 » (début) n'est pas lisible"),
    ({"start": "14/03/2030"}, "La date « 14/03/2030 » (début) n'est pas lisible"),
    ({"title": "x" * 201}, "La cellule « titre » fait 201 caractères : 200 au plus."),
    ({"place": "y" * 191}, "La cellule « lieu » fait 191 caractères : 190 au plus."),
    ({"town": ""}, "La cellule « commune » est vide."),
])
def test_each_bad_cell_is_reported_with_its_line(manifesto, cells, line_error):
    content = csv_file(row(title="Agora une"), row(**{"title": "Agora deux", **cells}))
    errors = errors_of(manifesto, content)
    assert [line for line, _message in errors] == [3], errors
    assert line_error in errors[0][1]


def test_an_empty_title_is_reported(manifesto):
    assert errors_of(manifesto, csv_file(row(title=""))) == [(2, "La cellule « titre » est vide.")]


def test_a_title_twice_in_the_file_names_the_first_line(manifesto):
    errors = errors_of(manifesto, csv_file(row(), row(title="Agora voisine"), row(title="agora  de LILLE")))
    assert errors == [(4, "Le titre « agora de LILLE » est déjà celui de la ligne 2.")]


def test_a_title_an_agora_of_the_text_already_has_is_refused(manifesto, facilitator):
    make_agora(manifesto=manifesto, title="Agora de Lille")
    assert errors_of(manifesto, csv_file(row())) == [(2, "Une agora de ce texte s'appelle déjà « Agora de Lille ».")]


def test_a_title_of_another_text_is_no_duplicate(manifesto, organiser):
    other = make_manifesto(organiser=organiser, sections=1, clauses=1)
    make_agora(manifesto=other, title="Agora de Lille")
    assert errors_of(manifesto, csv_file(row())) == []


def test_a_missing_column_is_named(manifesto):
    errors = errors_of(manifesto, csv_file("Agora;59;14/03/2030 18:30;14/03/2030 21:30", header="titre;département;début;fin"))
    assert errors[0][0] == 1 and "Colonnes manquantes : commune." in errors[0][1]


def test_a_line_with_more_cells_than_the_header_says_to_quote(manifesto):
    errors = errors_of(manifesto, csv_file(row(emails="a@example.org;b@example.org")))
    assert errors[0][0] == 2 and "doit être entre guillemets" in errors[0][1]


def test_a_quoted_line_break_keeps_the_line_numbers_of_the_file(manifesto):
    content = csv_file('"Agora\nsur deux lignes";59;Lille;Salle;14/03/2030 18:30;14/03/2030 21:30;;', row(dept="Atlantide"))
    assert [line for line, _m in errors_of(manifesto, content)] == [4]


def test_a_file_not_in_utf8_says_so(manifesto):
    header = "titre;departement;commune;lieu;debut;fin;capacite;animateurs"  # headers without accents are read too
    content = csv_file(row(title="Agora de Sète"), header=header).decode().encode("latin-1")
    errors = errors_of(manifesto, content)
    assert errors == [(None, "Le fichier n'est pas en UTF-8 (premier caractère illisible à la ligne 2) : dans votre "
                             "tableur, enregistrez-le au format « CSV UTF-8 ».")]


def test_too_many_rows_and_too_large_a_file_are_refused(manifesto):
    many = csv_file(*[row(title=f"Agora {n}") for n in range(bulk.MAX_ROWS + 1)])
    assert "la limite est de 500 par import" in errors_of(manifesto, many)[0][1]
    large = csv_file(row(place="z" * 100)) * (bulk.MAX_BYTES // 100)
    assert "la limite est de 512 Ko" in errors_of(manifesto, large)[0][1]


def test_an_empty_file_or_a_header_alone_is_refused(manifesto):
    assert errors_of(manifesto, b"") == [(None, "Le fichier est vide.")]
    assert errors_of(manifesto, csv_file()) == [(None, "Le fichier ne contient aucune agora sous sa ligne d'en-tête.")]


# ------------------------------------------------------------------ the pages and the service


def test_preview_lists_the_agoras_and_writes_nothing_then_confirm_creates_them(client, organiser, manifesto, mailoutbox,
                                                                               django_capture_on_commit_callbacks):
    client.force_login(organiser)
    page = upload(client, manifesto, twenty_rows())
    body = page.content.decode()
    assert page.status_code == 200 and "Créer les 20 agoras" in body and "Agora n° 19" in body
    assert Agora.objects.count() == 0 and Invitation.objects.count() == 0 and mailoutbox == []
    digest = page.context["digest"]
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, manifesto, digest)
    assert response.status_code == 302
    agoras = Agora.objects.filter(manifesto=manifesto)
    assert agoras.count() == 20 and len(set(agoras.values_list("slug", flat=True))) == 20
    assert agoras.get(title="Agora n° 1").departement == "Corse-du-Sud"
    assert agoras.get(title="Agora n° 3").capacity == 23
    # One invitation, one email, per distinct facilitator, naming all their agoras of the file.
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == ["ana@example.org", "bruno@example.org", "chloe@example.org", "djamel@example.org"]
    ana = Invitation.objects.get(email="ana@example.org")
    expected = sorted(agoras.filter(title__in=[f"Agora n° {n}" for n in (0, 4, 8, 12, 16, 15)]).values_list("pk", flat=True))
    assert ana.grants == [{"role": "facilitator", "targets": expected}]
    # The confirmed file is no longer waiting: confirming again does nothing more.
    again = confirm(client, manifesto, digest)
    assert again.status_code == 302 and Agora.objects.count() == 20


def test_a_file_with_errors_shows_them_all_and_cannot_be_confirmed(client, organiser, manifesto):
    client.force_login(organiser)
    content = csv_file(row(), row(title="Agora B", dept="Atlantide"), row(title="Agora C", emails="pas-une-adresse"),
                       row(title="agora de lille"), row(title="Agora D", end="01/01/2030 10:00"))
    page = upload(client, manifesto, content)
    body = page.content.decode()
    for line in (3, 4, 5, 6):
        assert f"Ligne {line} :" in body
    assert "Créer les" not in body and 'name="digest"' not in body
    response = confirm(client, manifesto, page.context["digest"])
    assert response.status_code == 302 and Agora.objects.count() == 0
    assert "Ce fichier n'est plus en attente" in html.unescape(client.get(response["Location"]).content.decode())


def test_confirm_checks_the_file_again_and_writes_nothing_when_it_no_longer_holds(client, organiser, manifesto):
    client.force_login(organiser)
    page = upload(client, manifesto, csv_file(row(), row(title="Agora de Roubaix")))
    make_agora(manifesto=manifesto, title="Agora de Roubaix")  # created meanwhile, by someone else
    response = confirm(client, manifesto, page.context["digest"])
    assert response.status_code == 200
    assert "Ligne 3 :" in response.content.decode() and Agora.objects.filter(manifesto=manifesto).count() == 1


def test_confirm_takes_the_file_kept_on_the_server_not_one_the_browser_sends(client, organiser, manifesto):
    client.force_login(organiser)
    upload(client, manifesto, csv_file(row()))
    response = confirm(client, manifesto, "0" * 64)
    assert response.status_code == 302 and Agora.objects.count() == 0


def test_the_service_writes_nothing_when_an_invitation_fails(organiser, manifesto, monkeypatch):
    from manifesto.errors import InvalidInput
    from manifesto.people import services as people

    def refuse(**kwargs):
        raise InvalidInput("refusée")

    monkeypatch.setattr(people, "invite", refuse)
    with pytest.raises(InvalidInput):
        services.import_agoras(actor=organiser, manifesto=manifesto, content=csv_file(row()))
    assert Agora.objects.count() == 0


def test_the_service_refuses_a_file_with_errors(organiser, manifesto):
    with pytest.raises(services.ImportRefused) as refused:
        services.import_agoras(actor=organiser, manifesto=manifesto, content=csv_file(row(dept="Atlantide")))
    assert refused.value.errors[0][0] == 2 and Agora.objects.count() == 0


def test_slugs_stay_unique_beside_existing_agoras(organiser, manifesto):
    other = make_manifesto(organiser=organiser, sections=1, clauses=1)
    make_agora(manifesto=other, title="Agora de Lille", slug="agora-de-lille")
    created = services.import_agoras(actor=organiser, manifesto=manifesto, content=csv_file(row(emails="")))
    assert created[0].slug == "agora-de-lille-2" and created[0].facilitators.count() == 0


@pytest.mark.parametrize("who", ["facilitator", "outsider", "other_organiser", "anonymous"])
def test_only_organisers_of_the_text_may_import(client, manifesto, facilitator, outsider, who):
    make_agora(manifesto=manifesto, facilitators=[facilitator])
    other_organiser = make_user("organisateur-ailleurs")
    make_manifesto(organiser=other_organiser, sections=1, clauses=1)
    person = {"facilitator": facilitator, "outsider": outsider, "other_organiser": other_organiser}.get(who)
    if person is not None:
        client.force_login(person)
    assert client.get(import_url(manifesto)).status_code in ({302} if person is None else {403})
    response = upload(client, manifesto, csv_file(row(title="Agora intruse")))
    assert response.status_code in ({302} if person is None else {403})
    assert not Agora.objects.filter(title="Agora intruse").exists()
    if person is not None:
        with pytest.raises(PermissionDenied):
            services.import_agoras(actor=person, manifesto=manifesto, content=csv_file(row(title="Agora intruse")))


def test_a_post_without_csrf_token_is_refused(organiser, manifesto):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    response = upload(client, manifesto, csv_file(row()))
    assert response.status_code == 403 and Agora.objects.count() == 0


def test_the_agenda_links_organisers_to_the_import(client, organiser, manifesto, outsider):
    client.force_login(organiser)
    assert import_url(manifesto) in client.get(reverse("agora:agenda")).content.decode()
    client.force_login(outsider)
    assert import_url(manifesto) not in client.get(reverse("agora:agenda")).content.decode()


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, organiser, manifesto):
    client.force_login(organiser)
    page = upload(client, manifesto, csv_file(row()) + b"#" * bulk.MAX_BYTES)
    assert "la limite est de 512 Ko" in html.unescape(page.content.decode())
    assert "reading" not in page.context and Agora.objects.count() == 0


def test_a_capacity_in_superscript_digits_is_refused_by_line_not_a_500(manifesto):
    """« ² » is a digit to str.isdigit() and not to int()."""
    errors = errors_of(manifesto, csv_file(row(capacity="²")))
    assert [line for line, _ in errors] == [2]
    assert "capacité « ² »" in str(errors[0][1])
