"""The agenda filters by département and date with a GET form, and keeps the filters across pages."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_agora

pytestmark = pytest.mark.django_db


def agenda(client, **params) -> str:
    return html.unescape(client.get(reverse("agora:agenda"), params).content.decode())


@pytest.fixture
def agoras(manifesto):
    now = timezone.now()
    agoras = {
        "lille": make_agora(manifesto=manifesto, title="Agora de Lille", starts_at=now + timedelta(days=10)),
        "douai": make_agora(manifesto=manifesto, title="Agora de Douai", starts_at=now + timedelta(days=40)),
        "bastia": make_agora(manifesto=manifesto, title="Agora de Bastia", starts_at=now + timedelta(days=10)),
        "roubaix": make_agora(manifesto=manifesto, title="Agora de Roubaix", starts_at=now - timedelta(days=30)),
    }
    in_corsica(agoras["bastia"])
    return agoras


def in_corsica(agora):
    agora.departement, agora.region = "Haute-Corse", ""
    agora.save(update_fields=["departement", "region"])
    return agora


def titles(page: str, agoras) -> set[str]:
    return {key for key, agora in agoras.items() if f">{agora.title}</a>" in page}


def test_the_form_works_without_javascript(client, agoras):
    page = agenda(client)
    assert '<form method="get"' in page and 'name="departement"' in page and 'name="du"' in page
    assert '<option value="Haute-Corse">2B — Haute-Corse</option>' in page
    assert titles(page, agoras) == {"lille", "douai", "bastia", "roubaix"}


def test_by_departement_by_name_or_number(client, agoras):
    assert titles(agenda(client, departement="Nord"), agoras) == {"lille", "douai", "roubaix"}
    assert titles(agenda(client, departement="2B"), agoras) == {"bastia"}
    page = agenda(client, departement="Atlantide", quand="passees")
    assert "Aucune agora de l'agenda n'est dans ce département." in page
    assert titles(page, agoras) == {"roubaix"}  # the refused filter is ignored, the others still apply


def test_upcoming_or_past(client, agoras):
    assert titles(agenda(client, quand="passees"), agoras) == {"roubaix"}
    assert titles(agenda(client, quand="a-venir", departement="Nord"), agoras) == {"lille", "douai"}


def test_by_dates(client, agoras):
    today = timezone.localdate()
    page = agenda(client, du=(today + timedelta(days=20)).isoformat())
    assert titles(page, agoras) == {"douai"}
    page = agenda(client, au=(today + timedelta(days=20)).isoformat(), quand="a-venir")
    assert titles(page, agoras) == {"lille", "bastia"}
    page = agenda(client, du=(today + timedelta(days=20)).strftime("%d/%m/%Y"), au=today.isoformat())
    assert "La date de fin de la recherche est avant sa date de début." in page


def test_pagination_keeps_the_filters(client, manifesto, agoras):
    for n in range(31):
        make_agora(manifesto=manifesto, title=f"Agora du Nord {n}", starts_at=timezone.now() + timedelta(days=50 + n))
    page = agenda(client, departement="Nord", quand="a-venir")
    assert "Page 1 sur 2" in page
    assert '?departement=Nord&quand=a-venir&page=2' in page
    second = agenda(client, departement="Nord", quand="a-venir", page=2)
    assert "Agora du Nord 30" in second and "Agora de Bastia" not in second
