"""Fixtures of the signature tests: a final version, an open campaign, and helpers that sign and read mail."""

import re
import secrets

import pytest
from django.core import mail

from manifesto import services as text_services
from manifesto.models import Signature, SignatureKind
from manifesto.signatures import services
from manifesto.signatures.services import SignatureInput

CONFIRM_LINK = re.compile(r"/signer/confirmer/([A-Za-z0-9_-]+)/")
MANAGE_LINK = re.compile(r"/signer/gerer/(\d+)/([0-9a-f]+)/")


@pytest.fixture(autouse=True)
def signature_settings(settings):
    # No cached count between tests (ids are reused after a rollback), and limits far away
    # unless a test sets its own.
    settings.SIGNATURE_COUNT_CACHE_SECONDS = 0
    settings.SIGNATURE_COUNTER_COALESCE_MS = 0
    settings.SIGNATURE_RATE_ALLOWLIST = []
    settings.SIGNATURE_RATE_LIMIT = 100000
    # One window for the whole run: a test that counts requests must not straddle a window's end.
    settings.SIGNATURE_RATE_WINDOW_SECONDS = 10**9
    settings.SITE_URL = "http://testserver"
    return settings


@pytest.fixture
def final_version(manifesto, organiser):
    return text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte adopté")


@pytest.fixture
def campaign(manifesto, organiser, final_version):
    return services.open_campaign(actor=organiser, manifesto=manifesto, version=final_version, goal=100)


def person(**fields) -> SignatureInput:
    values = {
        "kind": SignatureKind.PERSON,
        "email": "camille@example.org",
        "territory": "35",
        "first_name": "Camille",
        "last_name": "Martin",
        "consent_public": True,
    }
    values.update(fields)
    return SignatureInput(**values)


def organisation(**fields) -> SignatureInput:
    values = {
        "kind": SignatureKind.ORGANISATION,
        "email": "presidence@coop.example",
        "territory": "44",
        "first_name": "Nadia",
        "last_name": "Benali",
        "role": "Présidente",
        "organisation_name": "Coopérative des Deux Rives",
        "family": "cooperative",
        "siren": "",
        "organisation_key": "name:cooperative des deux rives",
        "entitled": True,
        "consent_public": True,
    }
    values.update(fields)
    return SignatureInput(**values)


def fresh_ip() -> str:
    """An address no earlier run has used: rate-limit counters live in the cache (Redis in CI) for a window."""
    return f"2001:db8:{secrets.token_hex(2)}::{secrets.token_hex(2)}"


def confirm_token(message) -> str:
    match = CONFIRM_LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def manage_link(message) -> tuple[int, str]:
    match = MANAGE_LINK.search(message.body)
    assert match, message.body
    return int(match.group(1)), match.group(2)


@pytest.fixture
def sign(django_capture_on_commit_callbacks):
    """Sign through the service with after-commit callbacks run; return the email just sent, if any."""

    def _sign(campaign, data: SignatureInput | None = None, *, ip: str = "203.0.113.7"):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            services.sign(campaign=campaign, data=data or person(), ip=ip)
        return mail.outbox[before] if len(mail.outbox) > before else None

    return _sign


@pytest.fixture
def signed(sign, django_capture_on_commit_callbacks):
    """A confirmed signature: (signature, confirmation email, receipt email)."""

    def _signed(campaign, data: SignatureInput | None = None, **kwargs):
        message = sign(campaign, data, **kwargs)
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            signature = services.confirm(token=confirm_token(message))
        return Signature.objects.get(pk=signature.pk), message, mail.outbox[before]

    return _signed
