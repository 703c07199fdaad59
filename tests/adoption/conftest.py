"""Fixtures of the adoption vote: a frozen version, a vote with its roll, and voting links read from the outbox."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from deliberation.adoption import services
from deliberation.adoption.services import Rules
from manifesto import services as text_services

VOTE_LINK = re.compile(r"/vote/bulletin/([A-Za-z0-9_-]+)/")

ROLL = """nom,email,organisation,poids
Alice Martin,alice@example.org,Coopérative du Val,1
Bruno Petit,bruno@example.org,Mutuelle des Monts,1
Chloé Roux,chloe@example.org,Association Quartiers,1
"""


@pytest.fixture(autouse=True)
def adoption_settings(settings):
    settings.SITE_URL = "http://testserver"
    return settings


@pytest.fixture
def version(manifesto, organiser):
    return text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte soumis au vote")


def rules(**overrides) -> Rules:
    values = {"title": "Adoption du manifeste", "closes_at": timezone.now() + datetime.timedelta(days=7)}
    values.update(overrides)
    return Rules(**values)


def make_vote(*, organiser, manifesto, version, roll=ROLL, **overrides):
    vote = services.create_vote(actor=organiser, manifesto=manifesto, version=version, rules=rules(**overrides))
    result = services.import_roll(actor=organiser, vote=vote, csv_text=roll)
    assert result.report.errors == [] and result.imported > 0
    return vote


@pytest.fixture
def vote(organiser, manifesto, version):
    return make_vote(organiser=organiser, manifesto=manifesto, version=version)


def links_by_email() -> dict[str, str]:
    """The latest voting token emailed to each address."""
    links = {}
    for message in mail.outbox:
        found = VOTE_LINK.search(message.body)
        if found:
            links[message.to[0]] = found.group(1)
    return links


@pytest.fixture
def open_vote(vote, organiser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.open_vote(actor=organiser, vote=vote)
    vote.refresh_from_db()
    return vote


def cast(vote, token, text="pour", articles=None):
    return services.cast_ballot(
        token=token, fingerprint=vote.version.fingerprint, choices={"texte": text, "articles": articles or {}}
    )
