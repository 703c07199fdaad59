"""Deliberation's live commands through the real consumer: ack, broadcast, refusals, snapshot."""

import json

import pytest
from channels.db import database_sync_to_async as sync_to_async

from agora.models import Phase
from deliberation import services
from deliberation.models import Amendment, AmendmentState, Comment, Support
from deliberation.permissions import Actor
from manifesto.models import Clause, Event
from manifesto.vocabulary import validate_event
from tests.deliberation.conftest import make_participant, set_phase
from tests.live import command, next_of, room

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_hub")]

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def propose_sync(participant, session, clause, text="Proposition de départ."):
    return services.propose_amendment(
        actor=Actor(participant=participant), session=session, kind="modify", clause=clause, text=text
    )


propose = sync_to_async(propose_sync)


def check_wire(frame: dict) -> None:
    """An event frame is valid against the vocabulary and survives a JSON round trip."""
    assert json.loads(json.dumps(frame)) == frame
    validate_event(frame["type"], frame["data"])


@pytest.fixture
def second(live_session):
    return make_participant(live_session, "Dominique", ess_family="association")


async def test_participant_proposes_and_everyone_sees_it(live_session, participant, second, facilitator, clause):
    async with room(live_session, participant=participant) as author, room(live_session, participant=second) as other, room(
        live_session, user=facilitator
    ) as fac:
        reply = await command(
            author,
            "amendment.propose",
            {"kind": "modify", "clause_id": clause.pk, "section_id": None, "text": "Texte " + XSS, "justification": "Parce que."},
        )
        assert reply["type"] == "ack", reply
        assert reply["data"]["amendment"]["number"] == 1
        for ws in (other, fac):
            event = await next_of(ws, "amendment.proposed")
            check_wire(event)
            data = event["data"]["amendment"]
            assert data["text"] == "Texte " + XSS  # raw text: clients set it with textContent
            assert "<script>" not in data["diff_html"] and "&lt;script&gt;" in data["diff_html"]
            assert data["author"] == "Amina" and data["session_id"] == live_session.pk
    assert await sync_to_async(Amendment.objects.count)() == 1


async def test_participant_cannot_send_moderation_commands(live_session, participant, clause):
    amendment = await propose(participant, live_session, clause)
    async with room(live_session, participant=participant) as ws:
        for type, data in [
            ("amendment.accept", {"amendment_id": amendment.pk, "resolved_text": None, "expected_revision": None}),
            ("amendment.reject", {"amendment_id": amendment.pk, "reason": "non"}),
            ("amendment.hide", {"amendment_id": amendment.pk, "reason": "non"}),
            ("amendment.reopen", {"amendment_id": amendment.pk}),
            ("amendment.mark_duplicate", {"amendment_id": amendment.pk, "duplicate_of": amendment.pk}),
            ("amendment.merge", {"amendment_ids": [amendment.pk], "text": "x", "justification": ""}),
        ]:
            reply = await command(ws, type, data)
            assert reply["type"] == "error" and reply["code"] == "forbidden", (type, reply)
    amendment = await sync_to_async(Amendment.objects.get)(pk=amendment.pk)
    assert amendment.state == AmendmentState.OPEN
    assert (await sync_to_async(Clause.objects.get)(pk=clause.pk)).revision == 1


async def test_proposal_outside_the_phase_is_refused_with_a_sentence(live_session, participant, clause):
    await sync_to_async(set_phase)(live_session, Phase.SUPPORTS)
    async with room(live_session, participant=participant) as ws:
        reply = await command(
            ws, "amendment.propose", {"kind": "modify", "clause_id": clause.pk, "section_id": None, "text": "Non.", "justification": ""}
        )
    assert reply["type"] == "error" and reply["code"] == "wrong_phase"
    assert "phase" in reply["message"]
    assert await sync_to_async(Amendment.objects.count)() == 0


async def test_out_of_scope_clause_is_refused(live_session, participant, manifesto):
    clauses = await sync_to_async(lambda: list(manifesto.clauses.order_by("number")))()
    await sync_to_async(live_session.scope.set)([clauses[0]])
    async with room(live_session, participant=participant) as ws:
        reply = await command(
            ws, "amendment.propose",
            {"kind": "modify", "clause_id": clauses[1].pk, "section_id": None, "text": "Hors champ.", "justification": ""},
        )
    assert reply["type"] == "error" and reply["code"] == "forbidden"
    assert "pas en discussion" in reply["message"]


async def test_author_edits_and_withdraws(live_session, participant, second, clause):
    amendment = await propose(participant, live_session, clause)
    async with room(live_session, participant=participant) as ws, room(live_session, participant=second) as other:
        reply = await command(ws, "amendment.edit", {"amendment_id": amendment.pk, "text": "Reformulé.", "justification": "Mieux.", "rebase": False})
        assert reply["type"] == "ack" and reply["data"]["amendment"]["text"] == "Reformulé."
        check_wire(await next_of(other, "amendment.edited"))
        refused = await command(other, "amendment.withdraw", {"amendment_id": amendment.pk})
        assert refused["type"] == "error" and refused["code"] == "forbidden"
        reply = await command(ws, "amendment.withdraw", {"amendment_id": amendment.pk})
        assert reply["data"]["amendment"]["state"] == "withdrawn"
        check_wire(await next_of(other, "amendment.withdrawn"))


@pytest.mark.usefixtures("every_group_published")  # live totals by family of one voice
async def test_supports_update_totals_live(live_session, participant, second, clause):
    amendment = await propose(participant, live_session, clause)
    await sync_to_async(set_phase)(live_session, Phase.SUPPORTS)
    async with room(live_session, participant=participant) as ws, room(live_session, participant=second) as other:
        assert (await command(ws, "support.set", {"amendment_id": amendment.pk, "value": "pour"}))["data"] == {
            "amendment_id": amendment.pk, "value": "pour"
        }
        event = await next_of(other, "support.changed")
        check_wire(event)
        assert event["data"]["totals"] == {"pour": 1, "contre": 0, "abstention": 0}
        assert event["data"]["by_family"] == {"cooperative": {"pour": 1, "contre": 0, "abstention": 0}}
        await command(ws, "support.set", {"amendment_id": amendment.pk, "value": "contre"})
        event = await next_of(other, "support.changed")
        assert event["data"]["totals"] == {"pour": 0, "contre": 1, "abstention": 0}
        bad = await command(ws, "support.set", {"amendment_id": amendment.pk, "value": "oui"})
        assert bad["type"] == "error" and bad["code"] == "invalid"
    assert await sync_to_async(Support.objects.count)() == 1


async def test_comment_is_broadcast(live_session, participant, second, clause):
    amendment = await propose(participant, live_session, clause)
    async with room(live_session, participant=second) as ws, room(live_session, participant=participant) as other:
        reply = await command(ws, "comment.add", {"amendment_id": amendment.pk, "stance": "contre", "text": XSS})
        assert reply["type"] == "ack"
        event = await next_of(other, "comment.added")
        check_wire(event)
        assert event["data"]["comment"]["text"] == XSS and event["data"]["comment"]["stance"] == "contre"
    assert await sync_to_async(Comment.objects.count)() == 1


async def test_facilitator_accepts_and_the_clause_changes_for_everyone(live_session, participant, facilitator, clause):
    amendment = await propose(participant, live_session, clause, "Le nouveau texte de l'article.")
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=participant) as part:
        reply = await command(fac, "amendment.accept", {"amendment_id": amendment.pk, "resolved_text": None, "expected_revision": None})
        assert reply["type"] == "ack", reply
        assert reply["data"]["merged"] is False and reply["data"]["amendment"]["state"] == "accepted"
        changed = await next_of(part, "clause.changed")
        assert changed["data"]["clause"]["text"] == "Le nouveau texte de l'article."
        accepted = await next_of(part, "amendment.accepted")
        check_wire(accepted)
        assert accepted["seq"] == changed["seq"] + 1
        assert accepted["data"]["revision"] == 2
        again = await command(fac, "amendment.accept", {"amendment_id": amendment.pk, "resolved_text": None, "expected_revision": None})
        assert again["type"] == "error" and again["code"] == "amendment_closed"


async def test_conflicting_accept_is_an_error_pointing_to_the_resolution_page(live_session, participant, facilitator, organiser, clause):
    from manifesto import services as text_services

    amendment = await propose(participant, live_session, clause, clause.text.replace("première", "seconde"))
    await sync_to_async(text_services.edit_clause)(
        actor=organiser, clause=clause, text=clause.text.replace("première", "troisième"), expected_revision=1
    )
    async with room(live_session, user=facilitator) as fac:
        reply = await command(fac, "amendment.accept", {"amendment_id": amendment.pk, "resolved_text": None, "expected_revision": None})
        assert reply["type"] == "error" and reply["code"] == "conflict"
        assert f"/deliberation/amendements/{amendment.pk}/adopter/" in reply["message"]
        resolved = await command(
            fac, "amendment.accept", {"amendment_id": amendment.pk, "resolved_text": "Texte fusionné.", "expected_revision": 2}
        )
        assert resolved["type"] == "ack" and resolved["data"]["resolved"] is True
    assert (await sync_to_async(Clause.objects.get)(pk=clause.pk)).text == "Texte fusionné."


async def test_reject_duplicate_merge_hide_reopen(live_session, participant, second, facilitator, clause):
    a = await propose(participant, live_session, clause, "Version A.")
    b = await propose(second, live_session, clause, "Version B.")
    c = await propose(second, live_session, clause, "Version C.")
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=second) as watcher:
        reply = await command(fac, "amendment.reject", {"amendment_id": c.pk, "reason": "Hors sujet"})
        assert reply["data"]["amendment"]["decision_reason"] == "Hors sujet"
        check_wire(await next_of(watcher, "amendment.rejected"))
        await command(fac, "amendment.reopen", {"amendment_id": c.pk})
        check_wire(await next_of(watcher, "amendment.reopened"))
        await command(fac, "amendment.mark_duplicate", {"amendment_id": c.pk, "duplicate_of": b.pk})
        event = await next_of(watcher, "amendment.marked_duplicate")
        assert event["data"]["amendment"]["duplicate_of"] == b.pk
        reply = await command(fac, "amendment.merge", {"amendment_ids": [a.pk, b.pk], "text": "Version A et B.", "justification": ""})
        assert reply["type"] == "ack", reply
        compromise_id = reply["data"]["amendment"]["id"]
        proposed = await next_of(watcher, "amendment.proposed")
        assert proposed["data"]["amendment"]["id"] == compromise_id
        merged = [await next_of(watcher, "amendment.merged") for _ in range(2)]
        assert {m["data"]["amendment"]["merged_into"] for m in merged} == {compromise_id}
        await command(fac, "amendment.hide", {"amendment_id": compromise_id, "reason": "Test de masquage"})
        hidden = await next_of(watcher, "amendment.hidden")
        check_wire(hidden)
        assert hidden["data"]["amendment"]["text"] == "" and hidden["data"]["amendment"]["hidden"] is True
        bad = await command(fac, "amendment.merge", {"amendment_ids": ["x"], "text": "y", "justification": ""})
        assert bad["type"] == "error"


async def test_snapshot_lists_amendments_without_hidden_text_for_others(live_session, participant, second, facilitator, clause):
    visible = await propose(participant, live_session, clause, "Visible.")
    hidden = await propose(participant, live_session, clause, "Injurieux.")
    await sync_to_async(services.hide_amendment)(actor=Actor(user=facilitator), amendment=hidden, reason="Injure")
    async with room(live_session, participant=second) as other:
        ids = [a["id"] for a in other.first["data"]["amendments"]["amendments"]]
        assert ids == [visible.pk]
    async with room(live_session, participant=participant) as author:
        amendments = author.first["data"]["amendments"]["amendments"]
        assert [a["text"] for a in amendments] == ["Visible.", "Injurieux."]
    async with room(live_session, user=facilitator) as fac:
        amendments = fac.first["data"]["amendments"]["amendments"]
        assert amendments[1]["hidden"] is True and amendments[1]["text"] == "Injurieux."
        assert amendments[0]["totals"] == {"pour": 0, "contre": 0, "abstention": 0}


async def test_every_journaled_deliberation_event_matches_the_vocabulary(live_session, participant, facilitator, clause, journal_events, manifesto):
    amendment = await propose(participant, live_session, clause, "Encore un texte.")
    await sync_to_async(services.accept_amendment)(actor=Actor(user=facilitator), amendment=amendment)
    events = await sync_to_async(journal_events)(manifesto)
    assert {"amendment.proposed", "amendment.accepted"} <= {e.type for e in events}
    assert await sync_to_async(Event.objects.filter(manifesto=manifesto).count)() == len(events)


async def test_in_collective_mode_accept_over_the_socket_takes_a_position_and_leaves_the_text(live_session, participant, facilitator, clause, manifesto):
    from manifesto.models import DecisionMode, Manifesto

    await sync_to_async(Manifesto.objects.filter(pk=manifesto.pk).update)(decision_mode=DecisionMode.COLLECTIVE)
    amendment = await propose(participant, live_session, clause, "Le nouveau texte de l'article.")
    before = await sync_to_async(lambda: Clause.objects.get(pk=clause.pk).text)()
    async with room(live_session, user=facilitator) as fac, room(live_session, participant=participant) as part:
        reply = await command(fac, "amendment.accept", {"amendment_id": amendment.pk, "resolved_text": None, "expected_revision": None})
        assert reply["type"] == "ack", reply
        assert reply["data"]["amendment"]["state"] == "retained" and reply["data"]["amendment"]["outcome"] == "pending"
        taken = await next_of(part, "amendment.position_taken")
        check_wire(taken)
        assert taken["data"]["position"]["label"] == "Retenu par l'Agora de Lille — transmis au collectif de rédaction"
        assert taken["data"]["position"]["tally"]["pour"] == 0
        rejected = await command(fac, "amendment.reopen", {"amendment_id": amendment.pk})
        assert rejected["type"] == "ack"
        reply = await command(fac, "amendment.reject", {"amendment_id": amendment.pk, "reason": "Pas ici"})
        taken = await next_of(part, "amendment.position_taken")
        check_wire(taken)
        assert taken["data"]["position"]["position"] == "not_retained" and taken["data"]["amendment"]["outcome"] == "not_retained"
    assert await sync_to_async(lambda: Clause.objects.get(pk=clause.pk).text)() == before
    assert not await sync_to_async(Event.objects.filter(manifesto=manifesto, type__startswith="clause.changed").exists)()
