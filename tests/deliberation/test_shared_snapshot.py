"""The snapshot shared by a room's joiners (docs/realtime.md, "Joining"): one shared piece per seq,
each person's own piece apart, and the result the same as a snapshot built for that person alone."""

import json

import pytest

from agora import snapshot
from agora.models import Phase
from deliberation import services
from deliberation.models import AmendmentKind, SupportValue
from deliberation.permissions import Actor
from tests.deliberation.conftest import make_participant, set_phase

pytestmark = pytest.mark.django_db


def _room(live_session, clause, participant, other_participant, facilitator):
    """Two open amendments, one hidden (by `participant`), and voices on them."""
    first = services.propose_amendment(actor=Actor(participant=participant), session=live_session,
                                       kind=AmendmentKind.MODIFY, clause=clause, text="Une rédaction plus claire.")
    hidden = services.propose_amendment(actor=Actor(participant=participant), session=live_session,
                                        kind=AmendmentKind.DELETE, clause=clause, justification="Redondant.")
    services.propose_amendment(actor=Actor(participant=other_participant), session=live_session,
                               kind=AmendmentKind.MODIFY, clause=clause, text="Une autre rédaction.")
    services.hide_amendment(actor=Actor(user=facilitator), amendment=hidden, reason="Hors sujet.")
    set_phase(live_session, Phase.SUPPORTS)
    services.set_support(actor=Actor(participant=other_participant), amendment=first, value=SupportValue.FOR)


def test_each_person_gets_from_the_shared_piece_what_a_snapshot_of_their_own_shows(
        live_session, clause, participant, other_participant, facilitator):
    _room(live_session, clause, participant, other_participant, facilitator)
    newcomer = make_participant(live_session, "Camille")
    shared = snapshot.build_shared(live_session.pk)  # once, for everyone
    people = [(participant, False), (other_participant, False), (newcomer, False), (None, True)]
    for person, is_facilitator in people:
        alone = snapshot.build(live_session, participant=person, is_facilitator=is_facilitator)
        personal = snapshot.fetch_personal(live_session.pk, participant=person, is_facilitator=is_facilitator)
        combined = snapshot.combine(shared, personal, participant=person, is_facilitator=is_facilitator)
        assert combined == alone
        # Encoded with the shared pieces' JSON reused: the same text as encoding it whole.
        assert snapshot.encode(combined, shared) == json.dumps(combined, ensure_ascii=False, separators=(",", ":"))
    by_person = {
        (p.pk if p else None): snapshot.combine(shared, snapshot.fetch_personal(live_session.pk, participant=p,
                                                                                is_facilitator=f),
                                                participant=p, is_facilitator=f)["data"]["amendments"]["amendments"]
        for p, f in people
    }
    # The hidden amendment: its author and the facilitators see it whole; nobody else sees it.
    assert [a["hidden"] for a in by_person[participant.pk]] == [False, True, False]
    assert by_person[participant.pk][1]["justification"] == "Redondant." and by_person[participant.pk][1]["mine"]
    assert [a["number"] for a in by_person[other_participant.pk]] == [1, 3]
    assert [a["number"] for a in by_person[newcomer.pk]] == [1, 3]
    assert [a["hidden"] for a in by_person[None]] == [False, True, False]
    # Each person's own voice, nobody else's.
    assert by_person[other_participant.pk][0]["own_support"] == SupportValue.FOR
    assert by_person[newcomer.pk][0]["own_support"] is None
    # The shared piece was not changed by combining it for several people.
    assert all("own_support" not in row["public"] for row in shared.parts["amendments"]["rows"])
