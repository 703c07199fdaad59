"""The command pipeline (agora.pipeline), called synchronously: no socket, no event loop."""

import json

import pytest
from django.db import transaction

from agora import pipeline, registry, services
from agora.models import CommandReceipt, LiveSession, Phase
from agora.pipeline import Caller, Command, RateLimit, Resume, read, run
from manifesto import vocabulary
from manifesto.models import Event


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def facilitator_caller(session, user) -> Caller:
    return Caller(session_id=session.pk, actor=f"user:{user.pk}", user=user, participant_id=None, is_facilitator=True)


def participant_caller(session, participant) -> Caller:
    return Caller(
        session_id=session.pk, actor=f"participant:{participant.pk}", user=None, participant_id=participant.pk,
        is_facilitator=False,
    )


def frame(**message) -> str:
    return json.dumps(message)


# ------------------------------------------------------------------------- the rate limit


def test_a_burst_of_thirty_lets_exactly_the_rate_through():
    clock = FakeClock()
    limit = RateLimit(10, clock=clock)
    accepted = 0
    for _ in range(30):
        accepted += limit.take()
        clock.now += 0.02  # 30 messages over 0.6 s: a token bucket would let 16 through
    assert accepted == 10


def test_no_window_of_one_second_ever_holds_more_than_the_rate():
    clock = FakeClock()
    limit = RateLimit(10, clock=clock)
    times = []
    for step in range(400):  # 16 s of a client sending 25 messages a second, irregularly
        clock.now += 0.01 + (step % 7) * 0.01
        if limit.take():
            times.append(clock.now)
    assert all(sum(1 for t in times if start <= t < start + 1.0) <= 10 for start in times)
    # ... and the client is served at (almost) the rate, not locked out for flooding.
    duration = times[-1] - times[0]
    assert len(times) >= 9 * duration


def test_the_rate_comes_back_a_period_after_the_burst():
    clock = FakeClock()
    limit = RateLimit(3, clock=clock)
    assert [limit.take() for _ in range(4)] == [True, True, True, False]
    clock.now += 0.999
    assert not limit.take()
    clock.now += 0.001
    assert [limit.take() for _ in range(4)] == [True, True, True, False]


# ------------------------------------------------------------------------- reading a frame


def test_read_refuses_what_is_not_a_command():
    rate = RateLimit(100)
    assert read(None, b"\x00", rate=rate)["code"] == "malformed"
    assert read("{nope", None, rate=rate)["code"] == "malformed"
    assert read("[1]", None, rate=rate)["code"] == "malformed"
    assert read(frame(type="queue.raise_hand", data={}), None, rate=rate)["code"] == "malformed"  # no id
    assert read(frame(type="queue.raise_hand", id="x" * 65, data={}), None, rate=rate)["code"] == "malformed"
    extra = read(frame(type="queue.raise_hand", id="c1", data={}, more=1), None, rate=rate)
    assert extra["code"] == "malformed" and extra["in_reply_to"] == "c1"
    assert read(frame(type="resume", data={"seq": "3"}), None, rate=rate)["code"] == "malformed"


def test_read_measures_frames_in_bytes(settings):
    settings.LIVE_MAX_FRAME_BYTES = 100
    rate = RateLimit(100)
    assert read(frame(type="ping", pad="é" * 40), None, rate=rate)["code"] == "frame_too_large"  # 40 chars, 80+ bytes
    assert read(frame(type="ping", pad="e" * 40), None, rate=rate) == pipeline.PONG


def test_read_returns_commands_resumes_and_pongs_and_pings_are_not_counted():
    rate = RateLimit(2, clock=FakeClock())
    for _ in range(5):
        assert read(frame(type="ping"), None, rate=rate) == {"type": "pong"}
    assert read(frame(type="resume", data={"seq": 4}), None, rate=rate) == Resume(4)
    assert read(frame(type="x.y", id="c", data={"a": 1}), None, rate=rate) == Command("x.y", "c", {"a": 1})
    limited = read(frame(type="x.y", id="d", data={}), None, rate=rate)
    assert limited["code"] == "rate_limited" and limited["in_reply_to"] == "d" and limited["message"]


# ------------------------------------------------------------------------- running a command


@pytest.fixture
def test_command():
    """Register `test.run` (facilitator, any phase) whose behaviour a test chooses."""
    behaviour = {}

    @registry.command("test.run", roles={"facilitator"})
    def handler(ctx, data):
        return behaviour["fn"](ctx, data)

    vocabulary.COMMANDS["test.run"] = vocabulary.Shape("test.run", {})
    try:
        yield behaviour
    finally:
        del vocabulary.COMMANDS["test.run"]
        del registry._registry["test.run"]


@pytest.mark.django_db
def test_facilitator_command_is_acked_and_its_receipt_kept(live_session, facilitator):
    caller = facilitator_caller(live_session, facilitator)
    reply = run(caller, Command("session.set_phase", "c1", {"phase": "proposals"}))
    assert reply == {"type": "ack", "in_reply_to": "c1", "data": {"phase": "proposals"}}
    receipt = CommandReceipt.objects.get(session=live_session, actor=caller.actor, command_id="c1")
    assert receipt.reply == reply and receipt.command_type == "session.set_phase"
    # Sent again with the same id (after a reconnect): the stored reply, not a second change.
    LiveSession.objects.filter(pk=live_session.pk).update(phase=Phase.SUPPORTS)
    assert run(caller, Command("session.set_phase", "c1", {"phase": "proposals"})) == reply
    assert LiveSession.objects.get(pk=live_session.pk).phase == Phase.SUPPORTS


@pytest.mark.django_db
def test_checks_come_in_the_documented_order(live_session, facilitator, participant):
    as_participant = participant_caller(live_session, participant)
    as_facilitator = facilitator_caller(live_session, facilitator)
    assert run(as_participant, Command("session.dance", "a", {}))["code"] == "unknown_command"
    assert run(as_participant, Command("session.set_phase", "b", {"phase": 1}))["code"] == "invalid_command"
    assert run(as_participant, Command("session.set_phase", "c", {"phase": "supports"}))["code"] == "forbidden"
    assert run(as_participant, Command("amendment.propose", "d", {
        "kind": "modify", "clause_id": None, "section_id": None, "text": "x", "justification": ""}))["code"] == "wrong_phase"
    services.close_session(actor=facilitator, session=live_session)
    assert run(as_facilitator, Command("session.set_timer", "e", {"seconds": 60}))["code"] == "session_closed"


@pytest.mark.django_db
def test_removed_participant_is_told_so(live_session, facilitator, participant):
    services.remove_participant(actor=facilitator, session=live_session, participant_id=participant.pk)
    reply = run(participant_caller(live_session, participant), Command("queue.raise_hand", "r", {}))
    assert reply["code"] == "removed"


@pytest.mark.django_db
def test_proposing_on_an_article_that_does_not_exist_is_not_found(live_session, participant):
    LiveSession.objects.filter(pk=live_session.pk).update(phase=Phase.PROPOSALS)
    caller = participant_caller(live_session, participant)
    data = {"kind": "modify", "clause_id": 999999, "section_id": None, "text": "Texte.", "justification": ""}
    reply = run(caller, Command("amendment.propose", "p1", data))
    assert reply["code"] == "not_found" and "article" in reply["message"]
    data = {"kind": "insert", "clause_id": None, "section_id": 999999, "text": "Texte.", "justification": ""}
    assert run(caller, Command("amendment.propose", "p2", data))["code"] == "not_found"


@pytest.mark.django_db
def test_a_refusal_is_stored_and_changes_nothing(live_session, facilitator, journal_events):
    caller = facilitator_caller(live_session, facilitator)
    before = len(journal_events(live_session.agora.manifesto))
    refused = run(caller, Command("session.set_phase", "n1", {"phase": "nap"}))
    assert refused["code"] == "invalid"
    assert CommandReceipt.objects.get(command_id="n1").reply == refused
    assert len(journal_events(live_session.agora.manifesto)) == before


@pytest.mark.django_db
def test_an_unexpected_failure_before_commit_is_a_server_error_and_changes_nothing(
    live_session, facilitator, test_command, journal_events
):
    def half_done(ctx, data):
        services.set_phase(actor=ctx.user, session=ctx.session, phase="supports")
        raise RuntimeError("a bug after the first write")

    test_command["fn"] = half_done
    before = len(journal_events(live_session.agora.manifesto))
    reply = run(facilitator_caller(live_session, facilitator), Command("test.run", "s1", {}))
    assert reply["code"] == "server_error" and "rien n'a été modifié" in reply["message"]
    assert LiveSession.objects.get(pk=live_session.pk).phase == Phase.WELCOME
    assert len(journal_events(live_session.agora.manifesto)) == before
    assert not CommandReceipt.objects.filter(command_id="s1").exists()


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_commit_is_still_the_ack(live_session, facilitator, test_command):
    def broadcast_fails(ctx, data):
        services.set_phase(actor=ctx.user, session=ctx.session, phase="supports")
        transaction.on_commit(lambda: (_ for _ in ()).throw(ConnectionError("the channel layer is down")))
        return {"done": True}

    test_command["fn"] = broadcast_fails
    caller = facilitator_caller(live_session, facilitator)
    reply = run(caller, Command("test.run", "a1", {}))
    assert reply == {"type": "ack", "in_reply_to": "a1", "data": {"done": True}}
    assert LiveSession.objects.get(pk=live_session.pk).phase == Phase.SUPPORTS
    # A retry (the client did not trust the reply) gets the same ack and applies nothing twice.
    events = Event.objects.filter(type="session.phase_changed").count()
    assert run(caller, Command("test.run", "a1", {})) == reply
    assert Event.objects.filter(type="session.phase_changed").count() == events


@pytest.mark.django_db
def test_refusals_rate_limits_and_latency_are_measured(live_session, facilitator):
    from prometheus_client import REGISTRY

    def sample(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0.0

    refused = sample("coecrire_live_commands_refused_total", code="invalid")
    limited = sample("coecrire_live_commands_refused_total", code="rate_limited")
    timed = sample("coecrire_live_command_seconds_count", command="session.set_phase")
    caller = facilitator_caller(live_session, facilitator)
    run(caller, Command("session.set_phase", "m1", {"phase": "nap"}))
    run(caller, Command("session.set_phase", "m2", {"phase": "proposals"}))
    rate = RateLimit(1, clock=FakeClock())
    read(frame(type="x", id="1", data={}), None, rate=rate)
    read(frame(type="x", id="2", data={}), None, rate=rate)
    assert sample("coecrire_live_commands_refused_total", code="invalid") == refused + 1
    assert sample("coecrire_live_commands_refused_total", code="rate_limited") == limited + 1
    assert sample("coecrire_live_command_seconds_count", command="session.set_phase") == timed + 2
