"""The live room's pages, agenda and registration, through Django's test client (no JavaScript)."""

import csv
import io
import re

import pytest

from agora.models import LiveSession, Participant, Registration
from agora.selectors import current_participant

pytestmark = pytest.mark.django_db


def test_join_by_code_creates_a_participant_bound_to_the_browser(client, live_session):
    response = client.post("/agoras/rejoindre/", {"code": live_session.code.lower(), "display_name": "  Amina  ",
                                                  "organisation": "Coop", "ess_family": "cooperative"})
    assert response.status_code == 302
    assert response["Location"] == f"/agoras/seance/{live_session.pk}/"
    participant = Participant.objects.get(session=live_session)
    assert participant.display_name == "Amina"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Vous êtes Amina" in page.content.decode()
    assert current_participant(page.wsgi_request, live_session) == participant


def test_joining_twice_from_the_same_browser_keeps_one_identity(client, live_session):
    for _ in range(2):
        client.post("/agoras/rejoindre/", {"code": live_session.code, "display_name": "Amina"})
    assert Participant.objects.filter(session=live_session).count() == 1


def test_join_with_a_wrong_code_says_so(client, live_session):
    response = client.post("/agoras/rejoindre/", {"code": "ZZZZZZ", "display_name": "Amina"})
    assert response.status_code == 200
    assert "Aucune séance ouverte ne porte ce code" in response.content.decode()
    assert not Participant.objects.exists()


def test_qr_target_prefills_the_code(client, live_session):
    response = client.get(f"/agoras/rejoindre/{live_session.code}/")
    assert f'value="{live_session.code}"' in response.content.decode()


def test_room_without_identity_redirects_to_join(client, live_session):
    response = client.get(f"/agoras/seance/{live_session.pk}/")
    assert response["Location"] == f"/agoras/rejoindre/{live_session.code}/"


def test_facilitator_opens_a_session_with_a_scope_and_gets_the_console(client, agora, facilitator, manifesto):
    client.force_login(facilitator)
    clauses = list(manifesto.clauses.order_by("number")[:2])
    response = client.post(f"/agoras/{agora.slug}/ouvrir/", {"clauses": [c.pk for c in clauses]})
    session = LiveSession.objects.get(agora=agora)
    assert response["Location"] == f"/agoras/seance/{session.pk}/animer/"
    assert set(session.scope.all()) == set(clauses)
    assert len(session.code) == 6 and not set(session.code) & set("0O1IL5S2Z8B")
    page = client.get(response["Location"]).content.decode()
    assert session.code in page and "Clore la séance" in page


def test_outsider_cannot_open_console_projector_or_qr(client, live_session, outsider):
    client.force_login(outsider)
    for suffix in ("animer/", "projection/", "qr.svg"):
        assert client.get(f"/agoras/seance/{live_session.pk}/{suffix}").status_code == 403
    assert client.post(f"/agoras/seance/{live_session.pk}/phase/", {"phase": "closing"}).status_code == 403
    live_session.refresh_from_db()
    assert live_session.phase == "welcome"


def test_qr_code_is_an_svg_of_the_join_url(client, live_session, facilitator):
    client.force_login(facilitator)
    response = client.get(f"/agoras/seance/{live_session.pk}/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content


def test_facilitator_forms_without_javascript(client, live_session, facilitator, participant, clause, journal_events):
    client.force_login(facilitator)
    base = f"/agoras/seance/{live_session.pk}"
    client.post(base + "/phase/", {"phase": "proposals"})
    client.post(base + "/focus/", {"clause_id": clause.pk})
    client.post(base + "/minuteur/", {"minutes": "5"})
    client.post(base + "/file/", {"op": f"give:{participant.pk}"})
    live_session.refresh_from_db()
    assert live_session.phase == "proposals" and live_session.focus_clause == clause
    assert live_session.timer_ends_at is not None
    assert live_session.floor.participant == participant
    client.post(base + "/file/", {"op": f"remove:{participant.pk}"})
    participant.refresh_from_db()
    assert participant.removed_at is not None
    client.post(base + "/fermer/")
    live_session.refresh_from_db()
    assert live_session.closed_at is None, "closing without the confirmation closes nothing"
    client.post(base + "/fermer/", {"confirm": "1"})
    live_session.refresh_from_db()
    assert live_session.closed_at is not None
    journal_events(live_session.agora.manifesto)


def test_participant_raises_a_hand_without_javascript(client, live_session, participant):
    from tests.live import session_cookie

    name, value = session_cookie(participant=participant).split("=")
    client.cookies[name] = value
    client.post(f"/agoras/seance/{live_session.pk}/main/", {"action": "raise"})
    assert live_session.raised_hands.filter(participant=participant).exists()
    page = client.get(f"/agoras/seance/{live_session.pk}/").content.decode()
    assert "Baisser la main" in page


def test_projector_shows_code_qr_and_focus(client, live_session, facilitator):
    client.force_login(facilitator)
    page = client.get(f"/agoras/seance/{live_session.pk}/projection/").content.decode()
    assert live_session.code in page and "qr.svg" in page and 'aria-live="polite"' in page


def test_a_closed_sessions_projector_says_so_and_invites_nobody_to_join(client, live_session, facilitator):
    """After closing (and on a reload), the wall said « En direct » and showed a QR code that led
    people to « no session has this code »."""
    from agora import services

    services.close_session(actor=facilitator, session=live_session)
    client.force_login(facilitator)
    page = client.get(f"/agoras/seance/{live_session.pk}/projection/").content.decode()
    assert "Cette séance est close." in page and 'data-closed="1"' in page
    assert re.search(r'<aside class="projector-join"[^>]*data-open-only hidden>', page)
    closed_note = re.search(r'<p class="projector-closed"[^>]*>', page).group(0)
    assert "hidden" not in closed_note


def test_agenda_and_registration_with_csv_export(client, agora, facilitator):
    assert agora.title in client.get("/agoras/").content.decode()
    response = client.post(f"/agoras/{agora.slug}/", {
        "name": "Léa", "email": "Lea@Example.org", "organisation": "=cmd", "ess_family": "association",
        "accessibility_needs": "Fauteuil", "consent": "on"})
    assert response.status_code == 302
    assert Registration.objects.get().email == "lea@example.org"
    refused = client.post(f"/agoras/{agora.slug}/", {"name": "Léa", "email": "lea@example.org", "consent": "on"})
    assert "déjà inscrite" in refused.content.decode()
    assert client.get(f"/agoras/{agora.slug}/inscriptions.csv").status_code == 302  # login first
    client.force_login(facilitator)
    export = client.get(f"/agoras/{agora.slug}/inscriptions.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["Léa", "lea@example.org", "'=cmd"]


def test_registration_needs_consent(client, agora):
    response = client.post(f"/agoras/{agora.slug}/", {"name": "Léa", "email": "lea@example.org"})
    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_organiser_creates_an_agora_and_assigns_facilitators(client, organiser, manifesto, facilitator):
    client.force_login(organiser)
    response = client.post("/agoras/nouvelle/", {
        "manifesto": manifesto.pk, "title": "Agora de Rennes", "starts_at": "2026-12-03T18:00",
        "ends_at": "2026-12-03T21:00", "departement": "Ille-et-Vilaine", "region": "Bretagne",
        "venue": "Le Tiers-Lieu, Rennes", "facilitators": "animateur"})
    from agora.models import Agora

    agora = Agora.objects.get(title="Agora de Rennes")
    assert response["Location"] == f"/agoras/{agora.slug}/"
    assert list(agora.facilitators.all()) == [facilitator]


def test_outsider_cannot_create_an_agora(client, outsider, manifesto):
    client.force_login(outsider)
    assert client.get("/agoras/nouvelle/").status_code == 403


def test_registration_is_confirmed_by_email_after_commit(client, agora, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/agoras/{agora.slug}/", {
            "name": "Léa <b>", "email": "lea@example.org", "accessibility_needs": "Boucle magnétique", "consent": "on"})
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == ["lea@example.org"]
    assert agora.title in message.subject
    assert "Léa <b>" in message.body  # plain text: not HTML-escaped
    assert "Boucle magnétique" in message.body
    assert agora.get_absolute_url() in message.body


def test_registration_with_a_malformed_email_is_refused_and_nothing_is_sent(agora, mailoutbox):
    from agora import services
    from manifesto.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.register(agora=agora, name="Léa", email="pas-une-adresse", consent=True)
    assert not Registration.objects.exists()
    assert mailoutbox == []
