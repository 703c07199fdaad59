"""The daily retention run: each kind of personal data goes after its period, and nothing earlier."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from agora import services as agora_services
from agora.models import LiveSession, Participant, Registration
from deliberation.erasure import ERASED_NAME
from deliberation.retention import apply_retention
from tests.factories import make_agora


def test_registrations_and_participants_go_after_their_periods(settings, manifesto, agora, live_session, facilitator):
    settings.REGISTRATION_RETENTION_MONTHS = 6
    settings.PARTICIPANT_RETENTION_MONTHS = 12
    now = timezone.now()
    old_agora = make_agora(manifesto=manifesto, title="Agora ancienne", slug="agora-ancienne", facilitators=[facilitator],
                           starts_at=now - datetime.timedelta(days=260), ends_at=now - datetime.timedelta(days=250))
    Registration.objects.create(agora=old_agora, name="Ancienne Inscrite", email="old@example.org", consent=True)
    Registration.objects.create(agora=agora, name="Récente Inscrite", email="new@example.org", consent=True)

    old_session = agora_services.open_session(actor=facilitator, agora=old_agora)
    old = agora_services.join(session=old_session, display_name="Ancien Participant")
    LiveSession.objects.filter(pk=old_session.pk).update(closed_at=now - datetime.timedelta(days=400))
    recent = agora_services.join(session=live_session, display_name="Participant Récent")

    report = apply_retention(now=now)

    assert report.registrations_deleted == 1 and report.participants_erased == 1
    assert list(Registration.objects.values_list("name", flat=True)) == ["Récente Inscrite"]
    assert Participant.objects.get(pk=old.pk).display_name == ERASED_NAME
    assert Participant.objects.get(pk=recent.pk).display_name == "Participant Récent"
    assert apply_retention(now=now).participants_erased == 0  # idempotent


def test_the_daily_command_reports_what_it_did(db):
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "live-session participants erased: 0" in out.getvalue()
