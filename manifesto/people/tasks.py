"""The invitation email, sent by django-tasks after commit, never in the request path.

The task's only argument is the invitation's id: the address is read when the email is sent
and the link's token is made then (only its hash is stored), so neither sits in the task queue.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from manifesto.models import Invitation


def invitation_context(invitation: Invitation, token: str) -> dict:
    from manifesto.people.selectors import grant_labels

    labels = grant_labels(invitation.manifesto, invitation.grants)
    inviter = invitation.invited_by
    return {
        "invitation": invitation,
        "manifesto": invitation.manifesto,
        "inviter_name": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
        "role_labels": labels,
        "first_organiser": invitation.manifesto is None,
        "accept_url": settings.SITE_URL + reverse("people:accept", kwargs={"token": token}),
        "expires_at": invitation.expires_at,
        "site_url": settings.SITE_URL,
    }


@task()
def send_invitation_email(invitation_id: int) -> str:
    from manifesto.people.services import issue_token

    token = issue_token(invitation_id)
    if token is None:
        return "skipped"
    invitation = Invitation.objects.select_related("manifesto", "invited_by").get(pk=invitation_id)
    # Sent in the site's language: the invited person has no account (and no choice) yet.
    with translation.override(settings.LANGUAGE_CODE):
        context = invitation_context(invitation, token)
        subject = " ".join(render_to_string("emails/invitation_subject.txt", context).split())
        body = render_to_string("emails/invitation.txt", context)
    EmailMessage(subject=subject, body=body, to=[invitation.email]).send()
    return "sent"
