"""The day-before reminder: queued by `manage.py send_agora_reminders`, once per registration, with the .ics."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from agora import services
from agora.models import Registration
from tests.factories import make_agora

pytestmark = pytest.mark.django_db


def register(agora, email):
    return services.register(agora=agora, name=email.split("@")[0], email=email, consent=True)


@pytest.fixture
def tomorrow(manifesto):
    return make_agora(manifesto=manifesto, title="Agora de demain", starts_at=timezone.now() + timedelta(hours=24, minutes=30))


def run_command(captured):
    with captured(execute=True):
        call_command("send_agora_reminders", stdout=io.StringIO())


def test_registered_people_get_one_reminder_the_day_before_with_the_ics(tomorrow, manifesto, mailoutbox,
                                                                        django_capture_on_commit_callbacks):
    later = make_agora(manifesto=manifesto, title="Agora de la semaine prochaine", starts_at=timezone.now() + timedelta(days=7))
    past = make_agora(manifesto=manifesto, title="Agora d'hier", starts_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=False):  # no confirmation emails in this test
        for agora in (tomorrow, later, past):
            register(agora, "lea@example.org")
        register(tomorrow, "paul@example.org")
    run_command(django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mailoutbox) == ["lea@example.org", "paul@example.org"]
    message = mailoutbox[0]
    assert "Rappel : « Agora de demain »" in message.subject
    [(name, content, mimetype)] = message.attachments
    assert mimetype == "text/calendar" and name == f"agora-{tomorrow.slug}.ics"
    assert Calendar.from_ical(content).walk("VEVENT")[0]["SUMMARY"] == "Agora de demain"
    assert set(Registration.objects.filter(reminded_at__isnull=False).values_list("agora", flat=True)) == {tomorrow.pk}

    run_command(django_capture_on_commit_callbacks)  # the next hour's run
    assert len(mailoutbox) == 2


def test_a_registration_made_after_the_run_is_reminded_by_the_next_one(tomorrow, mailoutbox, django_capture_on_commit_callbacks):
    run_command(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        register(tomorrow, "lea@example.org")
    run_command(django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [["lea@example.org"]]


def test_the_window_is_twenty_five_hours(manifesto):
    now = timezone.now()
    inside = make_agora(manifesto=manifesto, title="Dans 24 h 59", starts_at=now + timedelta(hours=24, minutes=59))
    outside = make_agora(manifesto=manifesto, title="Dans 25 h 01", starts_at=now + timedelta(hours=25, minutes=1))
    register(inside, "a@example.org")
    register(outside, "b@example.org")
    assert services.queue_reminders(now=now) == 1
    assert Registration.objects.get(email="a@example.org").reminded_at == now
    assert Registration.objects.get(email="b@example.org").reminded_at is None


def test_a_registration_erased_before_the_task_runs_gets_nothing(tomorrow, mailoutbox):
    from agora.tasks import send_agora_reminder

    registration = register(tomorrow, "lea@example.org")
    registration.delete()
    assert send_agora_reminder.call(registration.pk) == "gone" and mailoutbox == []
