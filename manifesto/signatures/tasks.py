"""Emails to signatories, sent by django-tasks after commit, never in the request path.

A task's arguments are stored by the database backend: they are the signature id and the
kind of email, never the address (read from the signature when the email is sent, so an
erased signature simply gets no email) nor a link's token, which the task makes when it sends
the link and of which only a hash is stored.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from manifesto.models import Signature

KINDS = {"confirm", "reconfirm", "already_signed", "receipt"}


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def email_context(signature: Signature, token: str = "") -> dict:
    from manifesto.signatures.services import manage_token

    manifesto = signature.manifesto
    campaign = getattr(manifesto, "signature_campaign", None)
    return {
        "signature": signature,
        "manifesto": manifesto,
        "version": signature.version,
        "final_version": campaign.version if campaign else signature.version,
        "confirm_url": absolute(reverse("signatures:confirm", kwargs={"token": token})) if token else "",
        "manage_url": absolute(
            reverse("signatures:manage", kwargs={"pk": signature.pk, "token": manage_token(signature.pk)})
        ),
        "resend_url": absolute(reverse("signatures:resend", kwargs={"slug": manifesto.slug})),
        "sign_url": absolute(reverse("signatures:sign", kwargs={"slug": manifesto.slug})),
        "receipt_url": absolute(reverse("signatures:receipt", kwargs={"slug": manifesto.slug}))
        + (f"?code={signature.receipt_code}" if signature.receipt_code else ""),
        "token_days": settings.SIGNATURE_TOKEN_DAYS,
    }


LINK_STATES = {"confirm": ("pending",), "reconfirm": ("confirmed",)}


@task()
def send_signature_email(signature_id: int, kind: str) -> str:
    from manifesto.signatures.services import issue_link_token

    if kind not in KINDS:
        raise ValueError(f"unknown signature email {kind!r}")
    token = ""
    if kind in LINK_STATES:
        token = issue_link_token(signature_id, states=LINK_STATES[kind])
        if token is None:
            return "skipped"
    signature = (
        Signature.objects.select_related("manifesto", "version", "manifesto__signature_campaign__version")
        .filter(pk=signature_id)
        .first()
    )
    if signature is None or not signature.email:
        return "skipped"
    context = email_context(signature, token)
    subject = " ".join(render_to_string(f"emails/signature_{kind}_subject.txt", context).split())
    body = render_to_string(f"emails/signature_{kind}.txt", context)
    EmailMessage(subject=subject, body=body, to=[signature.email]).send()
    return "sent"
