"""Password reset through the task queue (docs/people.md).

Django's PasswordResetView answers the same page whether the address has an account or not; its
form here queues one task per matching account instead of sending in the request. The task's
argument is the account's id only: the link's token is made when the email is sent, so it never
sits in the task queue (whose database backend keeps arguments).
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django_tasks import task


class QueuedPasswordResetForm(PasswordResetForm):
    # The site's word for it everywhere else (Django's French says « Courriel »).
    email = forms.EmailField(label=_("Adresse électronique"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def save(self, *args, **kwargs) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            send_password_reset_email.enqueue(user.pk)


@task()
def send_password_reset_email(user_id: int) -> str:
    from manifesto.people.account import preferred_language

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return "skipped"
    path = reverse("people:password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user),
    })
    context = {
        "user": user,
        "reset_url": settings.SITE_URL + path,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        "forgot_url": settings.SITE_URL + reverse("people:password_reset"),
    }
    with translation.override(preferred_language(user) or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("emails/password_reset_subject.txt", context).split())
        body = render_to_string("emails/password_reset_email.txt", context)
    EmailMessage(subject=subject, body=body, to=[user.email]).send()
    return "sent"
