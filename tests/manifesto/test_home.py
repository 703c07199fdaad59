"""The home page, role by role, and the header's main places."""

import re

import pytest
from django.urls import reverse

from agora import services as agora_services
from tests.factories import make_agora, make_user


def home(client, user=None) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def main_nav(page: str) -> str:
    return re.search(r'<nav class="main-nav" aria-label="[^"]+">.*?</nav>', page, re.S).group(0)


@pytest.mark.django_db
def test_header_leads_to_the_main_places_and_marks_the_current_one(client, manifesto):
    nav = main_nav(home(client))
    assert f'href="{reverse("manifesto:home")}" aria-current="page"' in nav
    assert f'href="{reverse("agora:agenda")}"' in nav and f'href="{reverse("agora:join")}"' in nav
    agenda = main_nav(client.get(reverse("agora:agenda")).content.decode())
    assert f'href="{reverse("agora:agenda")}" aria-current="page"' in agenda
    assert f'href="{reverse("manifesto:home")}" aria-current' not in agenda


@pytest.mark.django_db
def test_a_visitor_or_participant_gets_a_join_box_and_the_texts(client, manifesto):
    page = home(client)
    assert re.search(r'<form method="get" action="/agoras/rejoindre/"[^>]*>\s*<label for="home-code">', page)
    assert 'name="code"' in page
    assert manifesto.title in page
    assert "Mes agoras" not in page and "Mes tableaux de bord" not in page
    # The box's code lands on the join page, prefilled.
    assert 'value="ABC123"' in client.get("/agoras/rejoindre/?code=abc123").content.decode()


@pytest.mark.django_db
def test_a_facilitator_gets_their_agoras_and_open_sessions(client, manifesto):
    facilitator = make_user("fatou")
    mine = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de Nantes")
    make_agora(manifesto=manifesto, facilitators=[make_user("autre")], title="Agora de Brest")
    session = agora_services.open_session(actor=facilitator, agora=mine)
    page = home(client, facilitator)
    assert "Mes agoras" in page and "Agora de Nantes" in page and "Agora de Brest" not in page
    assert reverse("agora:console", kwargs={"pk": session.pk}) in page
    assert reverse("agora:projector", kwargs={"pk": session.pk}) in page
    assert session.code in page
    assert "Mes tableaux de bord" not in page  # not an organiser


@pytest.mark.django_db
def test_an_organiser_gets_the_dashboards_of_their_texts(client, manifesto, organiser):
    page = home(client, organiser)
    assert "Mes tableaux de bord" in page
    slug = {"slug": manifesto.slug}
    for name in ("manifesto:stages", "signatures:dashboard", "deliberation_answers:collective",
                 "publishing:amendments_csv", "publishing:positions_csv"):
        assert f'href="{reverse(name, kwargs=slug)}"' in page, name
    # The desk is for the collective's members.
    assert reverse("editorial:desk", kwargs=slug) not in page
    manifesto.collective.add(organiser)
    assert f'href="{reverse("editorial:desk", kwargs=slug)}"' in home(client)


@pytest.mark.django_db
def test_login_lands_on_the_home_with_something_for_the_role(client, manifesto, organiser):
    organiser.set_password("pw-secret-123")
    organiser.save()
    response = client.post(reverse("login"), {"username": organiser.username, "password": "pw-secret-123"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Mes tableaux de bord" in response.content.decode()


def test_manifesto_never_imports_the_upper_apps():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "manifesto"
    offenders = [
        str(path) for path in root.rglob("*.py")
        if re.search(r"^\s*(from|import) (agora|deliberation)\b", path.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []
