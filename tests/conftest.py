"""Personas and shared fixtures. Each persona is a person the design names."""

import json

import pytest

from manifesto.vocabulary import validate_event
from tests.factories import make_manifesto, make_user
from tests.isolation import isolated_cache_and_layer


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas get passwords; the default hasher spends most of a test's set-up on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def every_group_published(settings):
    """MIN_PUBLISHED_GROUP=1 for a test that reads counts by family (or a tally) from a room of
    two or three people: at the real default, 5, groups that small are left out by the
    small-group rule, which has tests of its own (tests/security/test_disclosure.py)."""
    settings.MIN_PUBLISHED_GROUP = 1


@pytest.fixture(autouse=True)
def _default_language():
    """LocaleMiddleware leaves the request's language active in the thread: reset it after each test,
    so a test that browsed in English does not turn the next test's French strings into English."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _own_cache_and_layer(settings):
    """Every test starts from an empty cache and empty channel-layer groups of its own, without
    flushing the Redis database that test servers and other workers share (tests/isolation.py)."""
    with isolated_cache_and_layer(settings) as prefix:
        yield prefix


@pytest.fixture(scope="session", autouse=True)
def _drop_server_databases():
    """Drop the test servers' PostgreSQL databases when this process's tests end (an xdist worker
    does not run atexit hooks reliably)."""
    yield
    from tests.server import DATABASES

    if DATABASES.template or DATABASES.created:
        DATABASES.drop_all()


@pytest.fixture
def empty_cache(settings, _own_cache_and_layer):
    """A function that moves the rest of the test onto an empty cache (for tests of a cold cache)."""
    from itertools import count

    from tests.isolation import switch_to_empty_cache

    numbers = count(1)
    return lambda: switch_to_empty_cache(settings, _own_cache_and_layer, f"cold{next(numbers)}")


@pytest.fixture
def organiser(db):
    return make_user("organisatrice", first_name="Odile")


@pytest.fixture
def outsider(db):
    return make_user("passant", first_name="Paul")


@pytest.fixture
def manifesto(organiser):
    return make_manifesto(organiser=organiser)


@pytest.fixture
def clause(manifesto):
    return manifesto.clauses.order_by("number").first()


@pytest.fixture
def journal_events():
    """Read the journal; validate every event against the vocabulary and round-trip it through JSON."""

    def read(manifesto, *, after: int = 0):
        from manifesto.models import Event

        events = list(Event.objects.filter(manifesto=manifesto, seq__gt=after).order_by("seq"))
        for event in events:
            wire = json.loads(json.dumps(event.as_wire()))
            validate_event(wire["type"], wire["data"])
            assert wire == event.as_wire()
        return events

    return read


# Live room personas
@pytest.fixture
def facilitator(db):
    return make_user("animateur", first_name="Karim")


@pytest.fixture
def agora(manifesto, facilitator):
    from tests.factories import make_agora

    return make_agora(manifesto=manifesto, facilitators=[facilitator])


@pytest.fixture
def live_session(agora, facilitator):
    from agora import services

    return services.open_session(actor=facilitator, agora=agora)


@pytest.fixture
def participant(live_session):
    from agora import services

    return services.join(session=live_session, display_name="Amina", organisation="Coop du Val", ess_family="cooperative")


@pytest.fixture
async def live_hub():
    """Stop this test's live-room hub (its background tasks) before the event loop closes."""
    yield
    from agora import hub

    loop = __import__("asyncio").get_running_loop()
    running = hub._hubs.get(loop)
    if running is not None:
        await running.stop()
