"""Emails about agoras, sent by django-tasks after commit, never in the request path."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from agora.models import Registration


@task()
def send_registration_confirmation(registration_id: int) -> str:
    """Confirm a registration to the person; the address is read when sending, not stored in the task."""
    registration = Registration.objects.select_related("agora").filter(pk=registration_id).first()
    if registration is None:
        return "gone"
    context = {
        "registration": registration,
        "agora": registration.agora,
        "agora_url": settings.SITE_URL + registration.agora.get_absolute_url(),
    }
    # The person's language is not known once the request is over: write in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("emails/registration_confirmed_subject.txt", context).strip()
        body = render_to_string("emails/registration_confirmed.txt", context)
    EmailMessage(subject=subject, body=body, to=[registration.email]).send()
    return "sent"
