"""The confirmation email of an online contributor, sent by django-tasks after commit.

The task's argument is the contributor's id only: the link's token is made when the email is
sent, and only its hash is stored.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from deliberation.contributions.models import Contribution, ContributionState, Contributor


@task()
def send_contributor_link(contributor_id: int) -> str:
    from deliberation.contributions.services import issue_link_token

    contributor = Contributor.objects.select_related("manifesto").filter(pk=contributor_id).first()
    if contributor is None:
        return "gone"
    token = issue_link_token(contributor_id)
    manifesto = contributor.manifesto
    context = {
        "contributor": contributor,
        "manifesto": manifesto,
        "pending": list(Contribution.objects.filter(contributor=contributor, state=ContributionState.PENDING).order_by("number")),
        "confirm_url": settings.SITE_URL + reverse("contributions:confirm", kwargs={"token": token}),
        "token_days": settings.SIGNATURE_TOKEN_DAYS,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("emails/contribution_confirm_subject.txt", context).split())
        body = render_to_string("emails/contribution_confirm.txt", context)
    EmailMessage(subject=subject, body=body, to=[contributor.email]).send()
    return "sent"
