"""/healthz, /readyz and /metrics, through Django's ASGI client in the test's event loop."""

import json

import pytest

from agora import metrics
from tests.server import free_port

pytestmark = pytest.mark.django_db(transaction=True)


async def test_healthz_answers_without_touching_services(async_client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = await async_client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


async def test_readyz_checks_database_redis_and_a_round_trip_through_this_process_hub(async_client, live_hub):
    response = await async_client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok", "redis": "ok", "channel_layer": "ok",
    }


async def test_readyz_fails_when_redis_is_unreachable_and_names_no_address(async_client, settings, live_hub):
    port = free_port()
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    response = await async_client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"
    assert str(port) not in response.content.decode()


async def test_readyz_fails_when_the_hub_does_not_hear_itself(async_client, live_hub, monkeypatch):
    """A process whose listener is deaf (its reader died) is not ready, even if Redis answers a ping."""
    from agora import hub

    running = hub.get()
    await running.started()
    for task in running._tasks:
        if task.get_name() == "live-hub-reader":
            task.cancel()
    monkeypatch.setattr("agora.health.READY_TIMEOUT", 0.3)
    response = await async_client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["checks"]["channel_layer"]["status"] == "timeout"


async def test_readyz_refuses_other_methods(async_client):
    assert (await async_client.post("/readyz")).status_code == 405


def test_metrics_exposition_and_its_token(client, settings):
    metrics.command_refused("forbidden")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b'coecrire_live_commands_refused_total{code="forbidden"}' in response.content

    settings.METRICS_TOKEN = "s3cret"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200
