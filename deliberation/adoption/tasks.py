"""The voters' personal links, emailed by django-tasks after commit, never in the request path.

The task's only argument is the voter's id (the database task backend stores arguments): the
token is made here, when the email is sent, and only its hash is stored.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from deliberation.adoption import selectors
from deliberation.adoption.models import Voter


@task()
def send_voter_invitation(voter_id: int) -> str:
    from deliberation.adoption.services import issue_link_token

    token = issue_link_token(voter_id)
    if token is None:
        return "skipped"  # voted already, or the vote closed meanwhile
    voter = Voter.objects.select_related("vote", "vote__manifesto", "vote__version").get(pk=voter_id)
    vote = voter.vote
    context = {
        "voter": voter,
        "vote": vote,
        "manifesto": vote.manifesto,
        "version": vote.version,
        "questions": selectors.questions(vote),
        "vote_url": settings.SITE_URL + reverse("adoption:ballot", kwargs={"token": token}),
        "rules_url": settings.SITE_URL + vote.get_absolute_url(),
    }
    subject = " ".join(render_to_string("emails/adoption_invitation_subject.txt", context).split())
    body = render_to_string("emails/adoption_invitation.txt", context)
    EmailMessage(subject=subject, body=body, to=[voter.email]).send()
    Voter.objects.filter(pk=voter_id).update(emails_sent=F("emails_sent") + 1)
    return "sent"
