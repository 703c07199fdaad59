"""/healthz, /readyz and /metrics, through the ASGI application in the test's event loop."""

import json

import pytest
from channels.testing import HttpCommunicator

from agora import metrics
from tests.server import free_port

pytestmark = pytest.mark.django_db(transaction=True)


async def get(path: str, method: str = "GET", headers: list | None = None) -> tuple[int, dict, bytes]:
    from config.asgi import application

    communicator = HttpCommunicator(application, method, path, headers=headers)
    response = await communicator.get_response(timeout=10)
    return response["status"], dict(response["headers"]), response["body"]


async def test_healthz_answers_without_touching_services(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    status, headers, body = await get("/healthz")
    assert (status, body) == (200, b"ok\n")
    assert b"no-cache" in headers[b"cache-control"]


async def test_readyz_checks_database_redis_and_a_round_trip_through_this_process_hub(live_hub):
    status, _headers, body = await get("/readyz")
    answer = json.loads(body)
    assert status == 200, answer
    assert answer["status"] == "ok"
    assert {name: check["status"] for name, check in answer["checks"].items()} == {
        "database": "ok", "redis": "ok", "channel_layer": "ok",
    }


async def test_readyz_fails_when_redis_is_unreachable_and_names_no_address(settings, live_hub):
    port = free_port()
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    status, _headers, body = await get("/readyz")
    answer = json.loads(body)
    assert status == 503
    assert answer["status"] == "unavailable"
    assert answer["checks"]["redis"]["status"] == "error"
    assert answer["checks"]["database"]["status"] == "ok"
    assert str(port) not in body.decode()


async def test_readyz_fails_when_the_database_is_unreachable(settings, live_hub):
    from tests.services import require_postgresql

    require_postgresql("the PostgreSQL check; SQLite has no server to lose")
    port = free_port()
    settings.DATABASES = {"default": {**settings.DATABASES["default"], "PORT": port}}
    status, _headers, body = await get("/readyz")
    answer = json.loads(body)
    assert status == 503
    assert answer["checks"]["database"]["status"] == "error"
    assert str(port) not in body.decode()


async def test_readyz_fails_when_the_hub_does_not_hear_itself(live_hub, monkeypatch):
    """A process whose listener is deaf (its reader died) is not ready, even if Redis answers a ping."""
    from agora import hub

    running = hub.get()
    await running.started()
    for task in running._tasks:
        if task.get_name() == "live-hub-reader":
            task.cancel()
    monkeypatch.setattr("agora.health.READY_TIMEOUT", 0.3)
    status, _headers, body = await get("/readyz")
    assert status == 503
    assert json.loads(body)["checks"]["channel_layer"]["status"] == "timeout"


async def test_health_paths_answer_get_only():
    assert (await get("/readyz", method="POST"))[0] == 405


async def test_metrics_exposition_and_its_token(settings):
    metrics.command_refused("forbidden")
    status, headers, body = await get("/metrics")
    assert status == 200
    assert headers[b"content-type"].startswith(b"text/plain")
    assert b'coecrire_live_commands_refused_total{code="forbidden"}' in body

    settings.METRICS_TOKEN = "s3cret"
    assert (await get("/metrics"))[0] == 401
    assert (await get("/metrics", headers=[(b"authorization", b"Bearer wrong")]))[0] == 401
    assert (await get("/metrics", headers=[(b"authorization", b"Bearer s3cret")]))[0] == 200


async def test_other_paths_still_reach_django():
    status, _headers, body = await get("/", headers=[(b"host", b"testserver")])
    assert status == 200, body[:300]
    assert b'<html lang="fr">' in body
