"""Issue 11's console defects: one open session per agora, closing confirmed, the QR on the console."""

import pytest
from django.urls import reverse

from agora import services
from agora.models import LiveSession

pytestmark = pytest.mark.django_db


def test_an_agora_holds_one_open_session_and_a_second_open_is_refused(agora, facilitator, live_session):
    with pytest.raises(services.SessionAlreadyOpen) as refused:
        services.open_session(actor=facilitator, agora=agora)
    assert refused.value.session == live_session
    assert LiveSession.objects.filter(agora=agora, closed_at__isnull=True).count() == 1
    services.close_session(actor=facilitator, session=live_session)
    again = services.open_session(actor=facilitator, agora=agora)
    assert again.pk != live_session.pk and again.is_open


def test_opening_another_from_the_page_offers_to_resume_the_open_one(client, agora, facilitator, live_session):
    client.force_login(facilitator)
    page = client.get(agora.get_absolute_url()).content.decode()
    assert "Reprendre la séance ouverte" in page
    assert reverse("agora:console", args=[live_session.pk]) in page
    assert reverse("agora:open_session", args=[agora.slug]) not in page
    response = client.post(reverse("agora:open_session", args=[agora.slug]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("agora:console", args=[live_session.pk])
    assert "déjà ouverte" in response.content.decode()
    assert LiveSession.objects.filter(agora=agora).count() == 1


def test_closing_asks_for_confirmation_and_says_what_it_will_do(client, facilitator, live_session, participant):
    client.force_login(facilitator)
    url = reverse("agora:control_close", args=[live_session.pk])
    console = client.get(reverse("agora:console", args=[live_session.pk])).content.decode()
    assert f'href="{url}"' in console, "the console links to the confirmation instead of closing at once"
    page = client.get(url).content.decode()
    assert "Oui, clore la séance" in page and "restent enregistrés" in page
    assert 'name="confirm" value="1"' in page
    live_session.refresh_from_db()
    assert live_session.is_open
    client.post(url)
    live_session.refresh_from_db()
    assert live_session.is_open
    assert client.post(url, {"confirm": "1"}).status_code == 302
    live_session.refresh_from_db()
    assert not live_session.is_open


def test_only_facilitators_see_the_close_confirmation(client, live_session):
    from tests.factories import make_user

    client.force_login(make_user("passant"))
    assert client.get(reverse("agora:control_close", args=[live_session.pk])).status_code == 403


def test_the_console_shows_the_join_qr_code(client, facilitator, live_session):
    client.force_login(facilitator)
    console = client.get(reverse("agora:console", args=[live_session.pk])).content.decode()
    qr = reverse("agora:qr", args=[live_session.pk])
    assert f'src="{qr}"' in console
    svg = client.get(qr)
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
