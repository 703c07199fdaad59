"""Supports by ESS family are published only for families with enough voices, on every path."""

from agora.models import Phase
from deliberation import services
from deliberation.permissions import Actor
from tests.deliberation.conftest import make_participant, set_phase
from tests.deliberation.test_amendment_services import propose

SHOWN = {"association": {"pour": 6, "contre": 0, "abstention": 0}}


def test_small_families_are_left_out_of_the_event_the_page_and_the_live_snapshot(
    settings, client, as_participant, live_session, clause, journal_events, manifesto
):
    settings.MIN_PUBLISHED_GROUP = 5
    amendment = propose(as_participant, live_session, clause)
    set_phase(live_session, Phase.SUPPORTS)
    voters = [("association", "pour")] * 6 + [("cooperative", "contre")] * 5 + [("mutuelle", "contre")]
    for n, (family, value) in enumerate(voters):
        voter = make_participant(live_session, f"Voix {n}", ess_family=family)
        services.set_support(actor=Actor(participant=voter), amendment=amendment, value=value)

    event = journal_events(manifesto)[-1]
    assert event.type == "support.changed"
    assert event.data["totals"] == {"pour": 6, "contre": 6, "abstention": 0}
    # The mutuelle's one voice is left out, and the coopératives with it (else 6 - 5 would tell it).
    assert event.data["by_family"] == SHOWN

    page = client.get(amendment.get_absolute_url()).content.decode()
    assert "Mutuelle" not in page and "Coopérative" not in page

    from deliberation.commands import amendments_snapshot

    snapshot = amendments_snapshot(live_session, participant=None, is_facilitator=True)
    assert [a["by_family"] for a in snapshot["amendments"]] == [SHOWN]
