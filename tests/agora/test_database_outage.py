"""PostgreSQL goes away while people act: `unavailable`, nothing half-applied, applied once when it is back.

The outage is real but confined to this test's own database (the test database on the shared
server): new connections are refused (`ALLOW_CONNECTIONS false`) and the open ones are terminated
(`pg_terminate_backend`), as a restarted or unreachable server would. The shared cluster is never
stopped. Unavailable on SQLite: skipped, or a failure under REQUIRE_SERVICES.
"""

from contextlib import contextmanager

import psycopg
import pytest
from asgiref.sync import SyncToAsync, sync_to_async
from django.db import connection, connections

from agora import registry, services
from agora.models import CommandReceipt, LiveSession, Phase
from agora.pipeline import Caller, Command, run
from manifesto import vocabulary
from manifesto.models import Event
from tests.live import command, next_of, room
from tests.services import require_postgresql


@pytest.fixture(autouse=True)
def _on_postgresql():
    require_postgresql("a PostgreSQL outage")


def admin_connection():
    """A connection to the server's `postgres` database, outside Django, to take ours down and up."""
    params = dict(connection.get_connection_params())
    params["dbname"] = "postgres"
    params.pop("cursor_factory", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=True)


@contextmanager
def database_outage():
    """Inside the block, this test's database refuses and drops every connection; after it, it is back."""
    name = connection.settings_dict["NAME"]
    with admin_connection() as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        try:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


@pytest.fixture(autouse=True)
def reconnects():
    """The outage cut every connection to the test database: this thread's (the one the test's
    fixtures used), and that of the thread where sync_to_async runs code, which outlives the test
    and would hand the next async test of this process a dead connection: drop both after."""
    yield
    connection.close_if_unusable_or_obsolete()
    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)


def terminate_own_connection() -> None:
    """The server goes away in the middle of a transaction (as when PostgreSQL restarts)."""
    with admin_connection() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])


def facilitator_caller(session, user) -> Caller:
    return Caller(session_id=session.pk, actor=f"user:{user.pk}", user=user, participant_id=None, is_facilitator=True)


def phase_events(session) -> int:
    return Event.objects.filter(type="session.phase_changed", data__session_id=session.pk).count()


@pytest.mark.django_db(transaction=True)
def test_commands_during_an_outage_are_unavailable_then_succeed_once(live_session, facilitator):
    caller = facilitator_caller(live_session, facilitator)
    with database_outage():
        replies = [run(caller, Command("session.set_phase", "o1", {"phase": "proposals"})) for _ in range(2)]
    for reply in replies:
        assert reply["type"] == "error" and reply["code"] == "unavailable" and reply["in_reply_to"] == "o1"
        assert "indisponible" in reply["message"] and "Traceback" not in reply["message"]
    # Back: the client resends with the same id; it is applied once, and a further resend is answered.
    back = run(caller, Command("session.set_phase", "o1", {"phase": "proposals"}))
    assert back == {"type": "ack", "in_reply_to": "o1", "data": {"phase": "proposals"}}
    assert run(caller, Command("session.set_phase", "o1", {"phase": "proposals"})) == back
    assert LiveSession.objects.get(pk=live_session.pk).phase == Phase.PROPOSALS
    assert phase_events(live_session) == 1


@pytest.fixture
def dying_command():
    """`test.die` writes, then loses its database before committing."""

    @registry.command("test.die", roles={"facilitator"})
    def handler(ctx, data):
        services.set_phase(actor=ctx.user, session=ctx.session, phase="supports")
        if data["die"]:
            terminate_own_connection()
        services.set_timer(actor=ctx.user, session=ctx.session, seconds=60)
        return {}

    vocabulary.COMMANDS["test.die"] = vocabulary.Shape("test.die", {"die": bool})
    try:
        yield
    finally:
        del vocabulary.COMMANDS["test.die"]
        del registry._registry["test.die"]


@pytest.mark.django_db(transaction=True)
def test_a_transaction_cut_by_the_outage_is_not_half_applied(live_session, facilitator, dying_command):
    caller = facilitator_caller(live_session, facilitator)
    reply = run(caller, Command("test.die", "d1", {"die": True}))
    assert reply["code"] == "unavailable"
    connection.close()  # as the consumer's database thread does between two commands
    session = LiveSession.objects.get(pk=live_session.pk)
    assert session.phase == Phase.WELCOME and session.timer_ends_at is None
    assert phase_events(live_session) == 0
    assert not CommandReceipt.objects.filter(command_id="d1").exists()
    # The resend with the same id runs it, whole, once.
    assert run(caller, Command("test.die", "d1", {"die": False}))["type"] == "ack"
    session = LiveSession.objects.get(pk=live_session.pk)
    assert session.phase == Phase.SUPPORTS and session.timer_ends_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("live_hub")
async def test_through_the_websocket_the_outage_is_a_sentence_and_the_socket_stays(live_session, facilitator, participant):
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=participant) as part:
        with database_outage():
            refused = await command(fac, "session.set_phase", {"phase": "proposals"}, id="ws-1")
            hand = await command(part, "queue.raise_hand", id="ws-2")
        assert refused["code"] == "unavailable" and hand["code"] == "unavailable"
        assert refused["message"] and "Traceback" not in refused["message"]
        # The database is back: the same ids succeed, once.
        assert (await command(fac, "session.set_phase", {"phase": "proposals"}, id="ws-1"))["type"] == "ack"
        assert (await command(part, "queue.raise_hand", id="ws-2"))["type"] == "ack"
        event = await next_of(part, "session.phase_changed")
        assert event["data"]["phase"] == "proposals"
    # The outage also cut the connection that sync_to_async's thread held (room() used it before):
    # Django reconnects only between requests, so that thread drops it here, as a request's end would.
    await sync_to_async(connections.close_all)()
    assert await sync_to_async(phase_events)(live_session) == 1
