"""The live room when the channel layer fails: a Redis of the test's own, killed and restarted.

A restarted Redis comes back empty (no groups): the hub must re-join at once, read back what
was committed meanwhile, and a command whose broadcast failed after commit is still acked.
"""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from agora import hub as live_hub
from tests.live import command, next_of, room
from tests.redis_server import OwnRedis

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("live_hub"),
]


@pytest.fixture
def own_redis(tmp_path, settings):
    redis = OwnRedis(tmp_path)
    redis.start()
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {
        "hosts": [{"address": redis.url, "socket_timeout": None}],
        "prefix": "test-faults"}}}
    yield redis
    redis.kill()


async def test_redis_restart_acks_commands_and_the_room_hears_again(live_session, facilitator, participant, own_redis):
    async with room(live_session, participant=participant) as ws, room(live_session, user=facilitator) as fac:
        hub = live_hub.get()
        await sync_to_async(own_redis.kill)()
        # The change is committed; its broadcast fails after commit: the reply is the ack.
        reply = await command(fac, "session.set_phase", {"phase": "proposals"})
        assert reply["type"] == "ack", reply
        await asyncio.sleep(0.5)
        await sync_to_async(own_redis.start)()  # back, and empty: no group remembers the hub
        during = await next_of(ws, "session.phase_changed", timeout=10)
        assert during["data"]["phase"] == "proposals"
        assert hub.stats["layer_errors"] >= 1 and hub.stats["rejoins"] >= 1
        # Live again at once, not at the hourly renewal: delivered, and not read back from the journal.
        read_back = hub.stats["read_back"]
        assert (await command(fac, "session.set_phase", {"phase": "supports"}))["type"] == "ack"
        after = await next_of(ws, "session.phase_changed", timeout=10)
        assert (after["seq"], after["data"]["phase"]) == (during["seq"] + 1, "supports")
        assert hub.stats["read_back"] == read_back
        await ws.send_json_to({"type": "ping"})
        pong = await next_of(ws, "pong")
    assert pong["seq"] == after["seq"]
    from agora.models import CommandReceipt

    assert await sync_to_async(CommandReceipt.objects.filter(command_type="session.set_phase").count)() == 2


async def test_redis_restarted_between_two_receives_is_noticed_by_the_journal_check(live_session, facilitator,
                                                                                     participant, own_redis, settings):
    """Even if no receive failed, a process that sees committed events it never received re-joins."""
    settings.LIVE_HUB_CHECK_SECONDS = 3600  # the journal check runs when the test calls it
    async with room(live_session, participant=participant) as ws, room(live_session, user=facilitator) as fac:
        hub = live_hub.get()
        group = f"manifesto-{live_session.agora.manifesto_id}"
        await hub.layer.group_discard(group, hub.channel)  # what a restarted, empty Redis amounts to
        assert (await command(fac, "session.set_phase", {"phase": "proposals"}))["type"] == "ack"
        await hub.check_journal()
        assert (await next_of(ws, "session.phase_changed", timeout=3))["data"]["phase"] == "proposals"
        await asyncio.sleep(0.1)
        assert (await command(fac, "session.set_phase", {"phase": "supports"}))["type"] == "ack"
        assert (await next_of(ws, "session.phase_changed", timeout=10))["data"]["phase"] == "supports"
    assert hub.stats["read_back"] == 1  # the second event came live, not read back
