"""Fixtures of open contributions: a manifesto in its contributions stage, people to contribute."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from agora import services as agora_services
from agora.models import LiveSession, Phase
from deliberation.contributions import services
from deliberation.contributions.models import Contributor
from deliberation.contributions.permissions import ContributionActor
from manifesto import stage_services

CONFIRM_LINK = re.compile(r"/contributions/confirmer/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def contribution_settings(settings):
    settings.SIGNATURE_RATE_ALLOWLIST = []
    settings.SIGNATURE_RATE_LIMIT = 100000
    settings.SITE_URL = "http://testserver"
    return settings


@pytest.fixture
def live_session(live_session):
    LiveSession.objects.filter(pk=live_session.pk).update(phase=Phase.PROPOSALS)
    live_session.phase = Phase.PROPOSALS
    return live_session


@pytest.fixture
def in_contributions(live_session, participant, manifesto, organiser):
    """The manifesto's process, in its contributions stage (the live session opened before)."""
    stage_services.configure_stages(actor=organiser, manifesto=manifesto)
    stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="contributions")
    return manifesto


def as_participant(participant) -> ContributionActor:
    return ContributionActor(participant=participant)


def join(session, name, family="association"):
    return agora_services.join(session=session, display_name=name, ess_family=family)


def confirmed_contributor(manifesto, email="claire@example.org", name="Claire", family="mutuelle", territory="35") -> Contributor:
    return Contributor.objects.create(
        manifesto=manifesto, email=email, display_name=name, ess_family=family, territory=territory, confirmed_at=timezone.now()
    )


def post(actor, manifesto, title="Une idée", text="Développons les coopératives.", **kwargs):
    kwargs.setdefault("section", manifesto.sections.order_by("position").first())
    return services.post_contribution(actor=actor, manifesto=manifesto, title=title, text=text, **kwargs)


def last_link() -> str:
    return CONFIRM_LINK.findall(mail.outbox[-1].body)[-1]
