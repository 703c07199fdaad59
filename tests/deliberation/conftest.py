"""Deliberation's fixtures, on top of the shared personas (tests/conftest.py)."""

import pytest

from agora import services as agora_services
from agora.models import LiveSession, Phase
from deliberation.permissions import Actor


def make_participant(session, name="Dominique", *, ess_family="association", organisation=""):
    return agora_services.join(session=session, display_name=name, organisation=organisation, ess_family=ess_family)


def set_phase(session, phase) -> None:
    LiveSession.objects.filter(pk=session.pk).update(phase=phase)
    session.phase = phase


@pytest.fixture
def live_session(live_session):
    """The shared live session, moved on to the proposals phase."""
    set_phase(live_session, Phase.PROPOSALS)
    return live_session


@pytest.fixture
def other_participant(live_session):
    return make_participant(live_session, "Dominique", ess_family="association")


@pytest.fixture
def as_participant(participant):
    return Actor(participant=participant)


@pytest.fixture
def as_facilitator(facilitator):
    return Actor(user=facilitator)
