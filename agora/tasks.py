"""Emails about agoras, sent by django-tasks after commit, never in the request path.

Both carry the agora as an iCalendar attachment (agora.calendar), so the person adds it to
their calendar in one tap.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from agora import calendar
from agora.models import Registration


def _send(registration: Registration, template: str) -> None:
    context = {
        "registration": registration,
        "agora": registration.agora,
        "agora_url": settings.SITE_URL + registration.agora.get_absolute_url(),
    }
    # The person's language is not known once the request is over: write in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
        ics = calendar.agora_calendar(registration.agora)
    message = EmailMessage(subject=subject, body=body, to=[registration.email])
    message.attach(calendar.filename(registration.agora), ics, "text/calendar")
    message.send()


@task()
def send_registration_confirmation(registration_id: int) -> str:
    """Confirm a registration to the person; the address is read when sending, not stored in the task."""
    registration = Registration.objects.select_related("agora").filter(pk=registration_id).first()
    if registration is None:
        return "gone"
    _send(registration, "registration_confirmed")
    return "sent"


@task()
def send_agora_reminder(registration_id: int) -> str:
    """The day-before reminder (queued by agora.services.queue_reminders, once per registration)."""
    registration = Registration.objects.select_related("agora").filter(pk=registration_id).first()
    if registration is None:
        return "gone"
    _send(registration, "agora_reminder")
    return "sent"
