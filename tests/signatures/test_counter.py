"""The live counter: a read-only websocket that receives the full count after each change."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.utils import timezone
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from manifesto import services as text_services
from manifesto.models import Signature
from manifesto.routing import websocket_urlpatterns
from manifesto.signatures import broadcast, services
from manifesto.vocabulary import validate_event
from tests.factories import make_manifesto, make_user
from tests.services import redis_url
from tests.signatures.conftest import person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def close_thread_connections():
    """The sync consumer and sync_to_async share one worker thread; close its connection so the test database can be dropped."""
    yield
    await sync_to_async(connections.close_all)()


def _open_campaign():
    organiser = make_user()
    manifesto = make_manifesto(organiser=organiser, sections=1, clauses=1)
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Final")
    return services.open_campaign(actor=organiser, manifesto=manifesto, version=version, goal=10)


def _confirmed_silently(campaign, email):
    """A confirmed signature written without announcing it to the counter."""
    return Signature.objects.create(
        manifesto_id=campaign.manifesto_id, version_id=campaign.version_id, kind="person", first_name="B",
        last_name="Burst", email=email, territory="59", state="confirmed", confirmed_at=timezone.now(),
    )


def _sign_and_confirm(campaign, email):
    services.sign(campaign=campaign, data=person(email=email), ip="203.0.113.8")
    signature = Signature.objects.get(email=email)
    token = services.new_token()
    Signature.objects.filter(pk=signature.pk).update(token_hash=services.hash_token(token))
    services.confirm(token=token)
    return signature


def _frame(text):
    frame = json.loads(text)
    assert frame["type"] == "signatures.count" and frame["seq"] is None
    validate_event(frame["type"], frame["data"])
    return frame["data"]


async def test_counter_sends_the_count_on_connect_and_after_each_change():
    campaign = await sync_to_async(_open_campaign)()
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/signatures/{campaign.manifesto_id}/")
    connected, _ = await communicator.connect()
    assert connected
    first = _frame(await communicator.receive_from(timeout=5))
    assert {k: v for k, v in first.items() if k != "version"} == {
        "manifesto_id": campaign.manifesto_id,
        "count": 0,
        "goal": 10,
    }
    signature = await sync_to_async(_sign_and_confirm)(campaign, "a@example.org")
    one = _frame(await communicator.receive_from(timeout=5))
    assert one["count"] == 1
    await sync_to_async(_sign_and_confirm)(campaign, "b@example.org")
    two = _frame(await communicator.receive_from(timeout=5))
    assert two["count"] == 2
    await sync_to_async(services.withdraw)(signature_id=signature.pk, token=services.manage_token(signature.pk))
    withdrawn = _frame(await communicator.receive_from(timeout=5))
    assert withdrawn["count"] == 1
    # Each frame is versioned by when its count was read: a newer count (even a lower one, after
    # a withdrawal) has a higher version, so the page can drop frames that arrive late.
    assert first["version"] < one["version"] < two["version"] < withdrawn["version"]
    await communicator.send_to(text_data='{"type":"anything"}')  # read-only: ignored
    # Nothing answers it: the next frame is the count after a later change, not a reply.
    await sync_to_async(_sign_and_confirm)(campaign, "c@example.org")
    assert _frame(await communicator.receive_from(timeout=5))["count"] == 2
    await communicator.disconnect()


async def test_counter_for_an_unknown_manifesto_is_refused():
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/signatures/999999/")
    connected, _ = await communicator.connect()
    assert not connected


async def test_a_burst_of_changes_is_broadcast_once_with_the_final_count(settings):
    redis_url()  # coalescing uses a timer thread, which the in-memory layer cannot be fed from
    settings.SIGNATURE_COUNTER_COALESCE_MS = 300
    campaign = await sync_to_async(_open_campaign)()
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/signatures/{campaign.manifesto_id}/")
    assert (await communicator.connect())[0]
    assert _frame(await communicator.receive_from(timeout=5))["count"] == 0
    # The changes are committed first, then announced in a tight loop: what is tested is the
    # coalescing of five announcements into one frame, not how fast signing runs on a busy machine.
    for n in range(5):
        await sync_to_async(_confirmed_silently)(campaign, f"burst{n}@example.org")
    for _ in range(5):
        broadcast.count_changed(campaign.manifesto_id)
    assert _frame(await communicator.receive_from(timeout=5))["count"] == 5
    # No second frame for the burst: the next one is the count after a later change, announced
    # once the burst's frame has arrived (a later timer, so it must come after any extra frame).
    await sync_to_async(_confirmed_silently)(campaign, "after@example.org")
    broadcast.count_changed(campaign.manifesto_id)
    assert _frame(await communicator.receive_from(timeout=5))["count"] == 6
    await communicator.disconnect()


def test_a_count_read_later_has_a_higher_version_even_from_the_cache(settings):
    """The version is the time of the read the count comes from: a cached count keeps its own."""
    settings.SIGNATURE_COUNT_CACHE_SECONDS = 60
    from manifesto.signatures import selectors

    campaign = _open_campaign()
    count, version = selectors.versioned_count(campaign.manifesto_id, fresh=True)
    assert selectors.versioned_count(campaign.manifesto_id) == (count, version)  # from the cache
    _confirmed_silently(campaign, "late@example.org")
    later = selectors.versioned_count(campaign.manifesto_id, fresh=True)
    assert later[0] == count + 1 and later[1] > version
