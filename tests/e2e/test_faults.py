"""Faults in production shape: nginx (deploy/nginx.conf) in front of two daphne processes,
PostgreSQL and Redis of the test's own, ~50 clients written from docs/realtime.md.

Each test asserts that nothing is lost (every client applies every journaled event after its
first snapshot, in order, and ends at the journal's last seq) and that nothing is applied
twice (each acknowledged proposal exists once; a refused one does not exist; a retry adds
nothing). One stack serves the module; each test opens a room of its own.
"""

import asyncio
import time

import pytest

from tests.e2e.client import LiveClient
from tests.e2e.stack import Stack

pytestmark = [pytest.mark.server, pytest.mark.timeout(240)]

PARTICIPANTS = 50
CONVERGE_SECONDS = 5.0

ROOM = """
import json, sys
from django.contrib.auth import get_user_model
from agora import services
from agora.models import Agora, Phase
from tests.live import session_cookie
n = int(sys.argv[1])
agora = Agora.objects.get(slug="agora-lille")
facilitator = get_user_model().objects.get(username="animateur")
clause = agora.manifesto.clauses.order_by("number").first()
from agora.models import LiveSession
for earlier in LiveSession.objects.filter(agora=agora, closed_at__isnull=True):  # one open session per agora
    services.close_session(actor=facilitator, session=earlier)
session = services.open_session(actor=facilitator, agora=agora, clause_ids=[clause.pk])
services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
people = [services.join(session=session, display_name=f"P{i}", organisation="", ess_family="cooperative") for i in range(n)]
print(json.dumps({"session_id": session.pk, "manifesto_id": agora.manifesto_id, "clause_id": clause.pk,
                  "clause_text": clause.text, "facilitator": session_cookie(user=facilitator),
                  "participants": [session_cookie(participant=p) for p in people]}))
"""

JOURNAL = """
import json, sys
from manifesto.models import Event
events = Event.objects.filter(manifesto_id=int(sys.argv[1]), seq__gt=int(sys.argv[2])).order_by("seq")
print(json.dumps([{"type": e.type, "seq": e.seq, "data": e.data} for e in events], default=str))
"""

AMENDMENTS = """
import json, sys
from deliberation.models import Amendment
texts = json.loads(sys.argv[1])
counts = {t: Amendment.objects.filter(text=t).count() for t in texts}
print(json.dumps(counts))
"""


@pytest.fixture(scope="module")
def stack():
    started = Stack(processes=2)
    try:
        started.start()
        yield started
    finally:
        started.stop()


class Room:
    def __init__(self, stack: Stack, data: dict):
        self.stack = stack
        self.data = data
        self.session_id = data["session_id"]
        self.manifesto_id = data["manifesto_id"]
        self.facilitator = self.client(data["facilitator"], "fac")
        self.participants = [self.client(cookie, f"p{i}") for i, cookie in enumerate(data["participants"])]
        self.everyone = [self.facilitator, *self.participants]
        self.proposal_count = 0

    def client(self, cookie: str, name: str) -> LiveClient:
        return LiveClient(base=self.stack.base, session_id=self.session_id, cookie=cookie,
                          ssl_context=self.stack.ssl, name=name)

    async def connect(self) -> None:
        for client in self.everyone:
            client.start()
        await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in self.everyone)), 60)
        self.first_seq = {c.name: c.last_seq for c in self.everyone}

    async def close(self) -> None:
        await asyncio.gather(*(c.stop() for c in self.everyone))

    async def journal(self, after: int = 0) -> list[dict]:
        """The journal after `after`, in this room's scope (its session's events and the text-wide ones)."""
        events = await asyncio.to_thread(self.stack.script, JOURNAL, str(self.manifesto_id), str(after))
        return [e for e in events if e["data"].get("session_id") in (None, self.session_id)]

    async def amendments(self, texts: list[str]) -> dict[str, int]:
        import json

        return await asyncio.to_thread(self.stack.script, AMENDMENTS, json.dumps(texts))

    def proposal(self, text: str) -> dict:
        return {"kind": "modify", "clause_id": self.data["clause_id"], "section_id": None,
                "text": f"{self.data['clause_text']} {text}", "justification": ""}

    async def propose(self, client: LiveClient, label: str, **kwargs) -> tuple[str, dict]:
        data = self.proposal(label)
        return data["text"], await client.command("amendment.propose", data, **kwargs)

    async def converged(self, timeout: float) -> float:
        """Seconds until every client's lastSeq is the journal's last seq (fails after `timeout`)."""
        started = time.monotonic()
        last = (await self.journal(min(self.first_seq.values())))[-1]["seq"]
        while True:
            behind = [c.name for c in self.everyone if c.last_seq != last]
            if not behind:
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise AssertionError(f"{len(behind)} clients not at seq {last} after {timeout} s: {behind[:5]}…; "
                                     f"their seqs {sorted({c.last_seq for c in self.everyone})}")
            await asyncio.sleep(0.05)

    async def assert_exact(self) -> None:
        """Every client applied exactly the journal after its first snapshot: in order, each once, nothing else."""
        journal = await self.journal(min(self.first_seq.values()))
        for client in self.everyone:
            expected = [(e["seq"], e["type"]) for e in journal if e["seq"] > self.first_seq[client.name]]
            got = [(f["seq"], f["type"]) for f in client.applied]
            assert got == expected, (f"client {client.name} applied {got[:3]}… expected {expected[:3]}… "
                                     f"(last seq {client.last_seq}, first {self.first_seq[client.name]}, "
                                     f"ignored {client.ignored}, gaps {client.gaps}, connections {client.connections}, "
                                     f"heartbeat timeouts {client.heartbeat_timeouts})")
            assert client.snapshots == 1, f"client {client.name} fell back to a snapshot"
        by_seq = {e["seq"]: e for e in journal}
        for frame in self.facilitator.applied:
            assert frame["data"] == by_seq[frame["seq"]]["data"]


@pytest.fixture
async def room(stack):
    data = await asyncio.to_thread(stack.script, ROOM, str(PARTICIPANTS))
    opened = Room(stack, data)
    await opened.connect()
    yield opened
    await opened.close()


async def scrape(stack: Stack) -> dict:
    """/metrics through nginx (any process answers for all): {(name, labels): value}."""
    from prometheus_client.parser import text_string_to_metric_families

    status, body = await asyncio.to_thread(stack.get, "/metrics")
    assert status == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body.decode()) for s in family.samples}


def total(samples: dict, name: str, **labels) -> float:
    wanted = set(labels.items())
    return sum(v for (n, l), v in samples.items() if n == name and wanted <= set(l))


async def assert_applied_once(room: Room, outcomes: list[tuple[str, dict]]) -> None:
    """An acknowledged proposal exists exactly once; a refused one does not exist."""
    counts = await room.amendments([text for text, _reply in outcomes])
    for text, reply in outcomes:
        expected = 1 if reply["type"] == "ack" else 0
        assert counts[text] == expected, f"{reply} but {counts[text]} amendments with its text"


async def test_through_nginx_health_metrics_and_static_files(stack):
    status, body = await asyncio.to_thread(stack.get, "/healthz")
    assert (status, body) == (200, b"ok\n")
    status, body = await asyncio.to_thread(stack.get, "/readyz")
    assert status == 200, body
    status, body = await asyncio.to_thread(stack.get, "/static/js/live.js")
    assert status == 200 and b"Live" in body
    status, body = await asyncio.to_thread(stack.get, "/metrics")
    assert status == 200 and b"coecrire_live_sockets" in body


async def test_client_address_is_nginx_peer_not_a_forged_header(stack):
    """daphne --proxy-headers takes the FIRST X-Forwarded-For entry: nginx must overwrite it, not append.

    The per-IP limits count by that address; daphne's access log shows which one it took."""
    import urllib.request
    import uuid

    path = f"/introuvable-{uuid.uuid4().hex}/"
    request = urllib.request.Request(stack.base + path, headers={"X-Forwarded-For": "203.0.113.9"})
    with pytest.raises(urllib.error.HTTPError) as answered:
        urllib.request.urlopen(request, timeout=10, context=stack.ssl)
    assert answered.value.code == 404
    lines = [line for d in stack.daphnes if d.access_log.exists() for line in d.access_log.read_text().splitlines()
             if path in line]
    assert len(lines) == 1, lines
    assert lines[0].startswith("127.0.0.1:"), lines[0]
    assert "203.0.113.9" not in lines[0]


async def test_kill_one_daphne_its_clients_move_to_the_other_and_resume(room, stack):
    before = {c.name: c.connections for c in room.everyone}
    proposals = [asyncio.create_task(room.propose(p, f"pendant la panne de daphne {i}"))
                 for i, p in enumerate(room.participants[:10])]
    stack.daphnes[1].kill()
    try:
        for seconds in (60, 61, 62, 63, 64):
            reply = await room.facilitator.command("session.set_timer", {"seconds": seconds})
            assert reply["type"] == "ack", reply
        outcomes = await asyncio.gather(*proposals)
        await room.converged(15)
        moved = [c for c in room.everyone if c.connections > before[c.name]]
        assert moved, "no client was on the killed process: the test exercised nothing"
        # The metrics count the sockets of live processes only: all of them on the survivor now.
        sockets = {dict(l)["pid"]: v for (n, l), v in (await scrape(stack)).items() if n == "coecrire_live_sockets" and v}
        assert set(sockets) == {str(stack.daphnes[0].process.pid)}, sockets
        assert sum(sockets.values()) == len(room.everyone)
        assert all(reply["type"] == "ack" for _text, reply in outcomes), outcomes
        await assert_applied_once(room, outcomes)
        await room.assert_exact()
    finally:
        stack.daphnes[1].start()


async def test_redis_restart_every_client_converges_and_commands_apply_at_most_once(room, stack):
    rejoins = total(await scrape(stack), "coecrire_live_hub_rejoins_total")
    stack.redis.stop()
    during = [asyncio.create_task(room.propose(p, f"pendant la panne de Redis {i}", timeout=60))
              for i, p in enumerate(room.participants[:10])]
    timers = asyncio.create_task(room.facilitator.command("session.set_timer", {"seconds": 120}, timeout=60))
    await asyncio.sleep(3)
    stack.redis.start()
    outcomes = await asyncio.gather(*during)
    await timers
    # Every command is answered: applied once (ack) or refused with nothing changed.
    await assert_applied_once(room, outcomes)
    # The room is live again: a change made now reaches everyone within CONVERGE_SECONDS of its
    # ack, a budget that does not shrink with however long the commands above took to settle.
    reply = await room.facilitator.command("session.set_timer", {"seconds": 300})
    assert reply["type"] == "ack", reply
    await room.converged(CONVERGE_SECONDS)
    # A client retries a refused command (it was told nothing changed, so with a new id): once in all.
    labels = [f"pendant la panne de Redis {i}" for i in range(len(outcomes))]
    retries = [await room.propose(room.participants[i], labels[i])
               for i, (_text, reply) in enumerate(outcomes) if reply["type"] == "error"]
    assert all(reply["type"] == "ack" for _text, reply in retries), retries
    counts = await room.amendments([text for text, _reply in outcomes])
    assert set(counts.values()) == {1}, counts
    assert total(await scrape(stack), "coecrire_live_hub_rejoins_total") >= rejoins + 1
    await room.converged(CONVERGE_SECONDS)
    await room.assert_exact()


async def test_client_offline_30_s_gets_exactly_the_50_missed_events_once_in_order(room):
    away = room.participants[7]
    await away.go_offline()
    left_at = away.last_seq
    started = time.monotonic()
    for i in range(50):
        reply = await room.facilitator.command("session.set_timer", {"seconds": 60 + i})
        assert reply["type"] == "ack", reply
        await asyncio.sleep(max(0, started + (i + 1) * 0.55 - time.monotonic()))
    await asyncio.sleep(max(0, started + 30 - time.monotonic()))
    missed = [(e["seq"], e["type"], e["data"]) for e in await room.journal(left_at)]
    assert len(missed) == 50
    away.come_back()
    await asyncio.wait_for(away.ready.wait(), 15)
    got = [(f["seq"], f["type"], f["data"]) for f in away.applied if f["seq"] > left_at]
    assert got == missed
    assert away.snapshots == 1 and away.connections >= 2
    await room.assert_exact()


async def test_postgresql_restart_commands_are_unavailable_then_succeed_once(room, stack):
    # Last in the module: after a PostgreSQL restart the processes' pools recover slowly, and a
    # room of 51 opened right after sometimes did not join within 60 s (reported; not hidden
    # here by retrying).
    refused = total(await scrape(stack), "coecrire_live_commands_refused_total", code="unavailable")
    stack.postgres.stop()
    try:
        outcomes = await asyncio.gather(*(room.propose(p, f"pendant la panne de PostgreSQL {i}", command_id=f"pg-{i}",
                                                       timeout=90)
                                          for i, p in enumerate(room.participants[:5])))
        status, body = await asyncio.to_thread(stack.get, "/readyz")
        assert status == 503 and b'"database": {"status": "error"' in body.replace(b'"timeout"', b'"error"'), body
    finally:
        stack.postgres.start()
    for _text, reply in outcomes:
        assert reply["type"] == "error" and reply["code"] == "unavailable", reply
    # Back: the same commands, same ids, resent with back-off as docs/realtime.md tells clients to
    # while the pool reconnects, are acked and applied once.
    async def resend_until_acked(i, participant):
        delay, deadline = 0.5, time.monotonic() + 45
        while True:
            text, reply = await room.propose(participant, f"pendant la panne de PostgreSQL {i}", command_id=f"pg-{i}")
            if reply["type"] == "ack" or reply.get("code") != "unavailable" or time.monotonic() > deadline:
                return text, reply
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5)

    again = await asyncio.gather(*(resend_until_acked(i, p) for i, p in enumerate(room.participants[:5])))
    assert all(reply["type"] == "ack" for _text, reply in again), again
    await assert_applied_once(room, again)
    status, _body = await asyncio.to_thread(stack.get, "/readyz")
    assert status == 200
    assert total(await scrape(stack), "coecrire_live_commands_refused_total", code="unavailable") >= refused + 5
    await room.converged(CONVERGE_SECONDS)
    await room.assert_exact()
