"""Deliberation's fixtures. The personas facilitator, agora, live_session and participant are
stand-ins until the live room's own fixtures (tests/conftest.py on branch `live`) arrive."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from agora.models import Agora, LiveSession, Participant, Phase
from deliberation.permissions import Actor
from tests.factories import make_user

_counter = itertools.count(1)


def make_participant(session, name="Camille", *, ess_family="association", organisation="") -> Participant:
    return Participant.objects.create(
        session=session,
        display_name=name,
        ess_family=ess_family,
        organisation=organisation,
        browser_key=f"browser-{next(_counter)}",
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The personas are created with a password; the default hasher costs ~0.3 s per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def set_phase(session, phase) -> None:
    LiveSession.objects.filter(pk=session.pk).update(phase=phase)
    session.phase = phase


@pytest.fixture
def facilitator(db):
    return make_user("animatrice", first_name="Fatou")


@pytest.fixture
def agora(manifesto, facilitator):
    agora = Agora.objects.create(
        manifesto=manifesto,
        title="Agora de Grenoble",
        slug=f"agora-grenoble-{next(_counter)}",
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=3),
    )
    agora.facilitators.add(facilitator)
    return agora


@pytest.fixture
def live_session(agora, facilitator):
    return LiveSession.objects.create(agora=agora, code=f"K{next(_counter):05d}", phase=Phase.PROPOSALS, opened_by=facilitator)


@pytest.fixture
def participant(live_session):
    return make_participant(live_session, "Camille", ess_family="cooperative")


@pytest.fixture
def other_participant(live_session):
    return make_participant(live_session, "Dominique", ess_family="association")


@pytest.fixture
def as_participant(participant):
    return Actor(participant=participant)


@pytest.fixture
def as_facilitator(facilitator):
    return Actor(user=facilitator)
