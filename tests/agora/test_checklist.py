"""The facilitator's first session: a checklist on the console until they dismiss it, with a plain form."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from agora import services
from agora.models import ConsoleChecklistDismissal
from tests.factories import make_agora, make_user

pytestmark = pytest.mark.django_db

HEADING = "Première séance : trois vérifications"


def console(client, session) -> str:
    return html.unescape(client.get(reverse("agora:console", kwargs={"pk": session.pk})).content.decode())


def test_the_checklist_shows_until_dismissed_then_never_again(client, facilitator, live_session, manifesto):
    client.force_login(facilitator)
    page = console(client, live_session)
    assert HEADING in page and 'aria-labelledby="checklist-title"' in page
    assert reverse("agora:projector", kwargs={"pk": live_session.pk}) in page  # the projector view, linked
    assert live_session.code in page and "Wi-Fi" in page
    dismiss = reverse("agora:checklist_dismiss", kwargs={"pk": live_session.pk})
    assert f'action="{dismiss}"' in page and ">Masquer cette liste</button>" in page
    # No JavaScript: a plain POST, then back to the console.
    response = client.post(dismiss)
    assert response.status_code == 302 and response["Location"] == reverse("agora:console", kwargs={"pk": live_session.pk})
    assert HEADING not in console(client, live_session)
    # Not on another session of another agora either: the dismissal is the person's.
    services.close_session(actor=facilitator, session=live_session)
    other = services.open_session(actor=facilitator, agora=make_agora(manifesto=manifesto, facilitators=[facilitator]))
    assert HEADING not in console(client, other)


def test_dismissing_is_per_person(client, facilitator, organiser, live_session):
    services.dismiss_console_checklist(actor=facilitator)
    client.force_login(organiser)
    assert HEADING in console(client, live_session)


def test_dismissing_twice_keeps_one_row(client, facilitator, live_session):
    client.force_login(facilitator)
    dismiss = reverse("agora:checklist_dismiss", kwargs={"pk": live_session.pk})
    client.post(dismiss)
    client.post(dismiss)
    assert ConsoleChecklistDismissal.objects.filter(user=facilitator).count() == 1


def test_only_the_session_facilitators_can_post_it(client, live_session):
    client.force_login(make_user("animateur-d-ailleurs"))
    assert client.post(reverse("agora:checklist_dismiss", kwargs={"pk": live_session.pk})).status_code == 403
    assert client.get(reverse("agora:checklist_dismiss", kwargs={"pk": live_session.pk})).status_code in (403, 405)
    assert ConsoleChecklistDismissal.objects.count() == 0


def test_a_post_without_csrf_token_is_refused(facilitator, live_session):
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)
    assert client.post(reverse("agora:checklist_dismiss", kwargs={"pk": live_session.pk})).status_code == 403
    assert ConsoleChecklistDismissal.objects.count() == 0
