"""The live room when the channel layer fails: a Redis of the test's own, killed and restarted.

A restarted Redis comes back empty (no groups): the hub must re-join at once, read back what
was committed meanwhile, and a command whose broadcast failed after commit is still acked.
"""

import asyncio
import shutil
import socket
import subprocess
import time

import pytest
from asgiref.sync import sync_to_async

from agora import hub as live_hub
from tests.live import command, next_of, room

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("live_hub"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


class OwnRedis:
    """A redis-server on a free port, without persistence (a restart comes back empty)."""

    def __init__(self, tmp_path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.dir = tmp_path
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def own_redis(tmp_path, settings):
    redis = OwnRedis(tmp_path)
    redis.start()
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {
        "hosts": [{"address": f"redis://127.0.0.1:{redis.port}/0", "socket_timeout": None}],
        "prefix": "test-faults"}}}
    yield redis
    if redis.process.poll() is None:
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
        # Live again at once, not at the hourly renewal.
        assert (await command(fac, "session.set_phase", {"phase": "supports"}))["type"] == "ack"
        after = await next_of(ws, "session.phase_changed", timeout=3)
        assert (after["seq"], after["data"]["phase"]) == (during["seq"] + 1, "supports")
        await ws.send_json_to({"type": "ping"})
        pong = await next_of(ws, "pong")
    assert pong["seq"] == after["seq"]
    from agora.models import CommandReceipt

    assert await sync_to_async(CommandReceipt.objects.filter(command_type="session.set_phase").count)() == 2


async def test_redis_restarted_between_two_receives_is_noticed_by_the_journal_check(live_session, facilitator,
                                                                                     participant, own_redis):
    """Even if no receive failed, a process that sees committed events it never received re-joins."""
    async with room(live_session, participant=participant) as ws, room(live_session, user=facilitator) as fac:
        hub = live_hub.get()
        group = f"manifesto-{live_session.agora.manifesto_id}"
        await hub.layer.group_discard(group, hub.channel)  # what a restarted, empty Redis amounts to
        assert (await command(fac, "session.set_phase", {"phase": "proposals"}))["type"] == "ack"
        await hub.check_journal()
        assert (await next_of(ws, "session.phase_changed", timeout=3))["data"]["phase"] == "proposals"
        await asyncio.sleep(0.1)
        assert (await command(fac, "session.set_phase", {"phase": "supports"}))["type"] == "ack"
        assert (await next_of(ws, "session.phase_changed", timeout=1))["data"]["phase"] == "supports"
    assert hub.stats["read_back"] == 1
