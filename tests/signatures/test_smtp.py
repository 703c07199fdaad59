"""One trip through the real SMTP path, to a local aiosmtpd sink."""

import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from manifesto.models import Signature
from manifesto.signatures import services
from tests.server import free_port
from tests.signatures.conftest import CONFIRM_LINK, person


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_sink(settings):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


def test_confirmation_email_goes_through_smtp_after_commit(campaign, smtp_sink, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.sign(campaign=campaign, data=person(email="Smtp@Example.org"), ip="203.0.113.9")
    assert smtp_sink.messages == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert len(smtp_sink.messages) == 1
    recipients, message = smtp_sink.messages[0]
    assert recipients == ["smtp@example.org"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Confirmez votre signature" in message["Subject"]
    token = CONFIRM_LINK.search(body).group(1)
    services.confirm(token=token)
    assert Signature.objects.get().state == "confirmed"
