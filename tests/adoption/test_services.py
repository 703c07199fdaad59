"""The adoption vote's services: opening, casting once, results with quorum and weights, proclamation."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from deliberation.adoption import services
from deliberation.adoption.errors import AlreadyVoted, InvalidInput, InvalidVoteLink, VoteNotOpen, WrongVersion
from deliberation.adoption.models import AdoptionVote, Ballot, Turnout, Voter, VoteState
from manifesto import services as text_services
from manifesto.models import Event, ManifestoStatus, SignatureCampaign
from tests.adoption.conftest import cast, links_by_email, make_vote, rules

pytestmark = pytest.mark.django_db

WEIGHTED = """nom,email,organisation,poids
Fédération A,a@example.org,Fédération A,5
Union B,b@example.org,Union B,3
Réseau C,c@example.org,Réseau C,1
Collectif D,d@example.org,Collectif D,1
"""


def state_of(manifesto):
    """What a refused action must leave unchanged."""
    return (
        list(AdoptionVote.objects.filter(manifesto=manifesto).values_list("pk", "state")),
        Ballot.objects.count(),
        Turnout.objects.count(),
        Event.objects.filter(manifesto=manifesto).count(),
        SignatureCampaign.objects.filter(manifesto=manifesto).count(),
    )


def test_opening_emails_each_voter_a_personal_single_use_link(open_vote, journal_events, manifesto):
    links = links_by_email()
    assert set(links) == {"alice@example.org", "bruno@example.org", "chloe@example.org"}
    assert len(set(links.values())) == 3
    for email, token in links.items():
        assert len(token) >= 43  # 256 bits, url-safe base64
        voter = Voter.objects.get(vote=open_vote, email=email)
        assert voter.token_hash == services.hash_secret(token) and token not in voter.token_hash
        assert voter.token_expires_at == open_vote.closes_at
    message = mail.outbox[0]
    assert open_vote.version.fingerprint in message.body
    opened = [e for e in journal_events(manifesto) if e.type == "adoption.opened"]
    assert opened[0].data["fingerprint"] == open_vote.version.fingerprint and opened[0].data["roll"] == 3


def test_a_link_votes_once_and_returns_a_receipt_that_only_says_counted(open_vote):
    token = links_by_email()["alice@example.org"]
    receipt = cast(open_vote, token, "contre")
    assert services.receipt_counted(vote=open_vote, code=receipt)
    assert services.receipt_counted(vote=open_vote, code=receipt.lower())
    assert not services.receipt_counted(vote=open_vote, code="A" * 16)
    with pytest.raises(InvalidVoteLink):
        cast(open_vote, token, "pour")
    assert Ballot.objects.filter(vote=open_vote).count() == 1
    assert Ballot.objects.get(vote=open_vote).choices == {"texte": "contre", "articles": {}}


def test_the_has_voted_row_is_the_constraint_that_refuses_a_second_ballot(open_vote):
    token = links_by_email()["bruno@example.org"]
    voter = Voter.objects.get(vote=open_vote, email="bruno@example.org")
    Turnout.objects.create(voter=voter)  # as if another tab had just voted
    with pytest.raises(AlreadyVoted):
        cast(open_vote, token)
    assert Ballot.objects.count() == 0


def test_a_ballot_for_another_version_is_refused_and_nothing_changes(open_vote, manifesto, organiser):
    token = links_by_email()["alice@example.org"]
    before = state_of(manifesto)
    with pytest.raises(WrongVersion):
        services.cast_ballot(token=token, fingerprint="0" * 64, choices={"texte": "pour"})
    assert state_of(manifesto) == before
    assert Voter.objects.get(email="alice@example.org", vote=open_vote).token_hash is not None  # the link still works
    cast(open_vote, token)


def test_a_vote_on_another_version_cannot_be_opened(organiser, manifesto, version):
    text_services.edit_clause(
        actor=organiser, clause=manifesto.clauses.first(), text="Un texte changé après le gel.", expected_revision=1
    )
    newer = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Plus récente")
    before = state_of(manifesto)
    with pytest.raises(WrongVersion):
        services.create_vote(actor=organiser, manifesto=manifesto, version=version, rules=rules())
    assert state_of(manifesto) == before
    assert services.create_vote(actor=organiser, manifesto=manifesto, version=newer, rules=rules()).version == newer


def test_per_article_ballot_must_answer_every_article(organiser, manifesto, version, django_capture_on_commit_callbacks):
    vote = make_vote(organiser=organiser, manifesto=manifesto, version=version, per_article=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.open_vote(actor=organiser, vote=vote)
    token = links_by_email()["alice@example.org"]
    numbers = [c["number"] for s in version.content["sections"] for c in s["clauses"]]
    with pytest.raises(InvalidInput):
        cast(vote, token, "pour", {str(numbers[0]): "pour"})
    assert Ballot.objects.count() == 0
    cast(vote, token, "pour", {str(n): "contre" if n == numbers[0] else "pour" for n in numbers})
    assert Ballot.objects.get().choices["articles"][str(numbers[0])] == "contre"


def test_results_count_weighted_voices_and_the_quorum(organiser, manifesto, version, django_capture_on_commit_callbacks):
    vote = make_vote(organiser=organiser, manifesto=manifesto, version=version, roll=WEIGHTED, quorum_percent=60)
    with django_capture_on_commit_callbacks(execute=True):
        services.open_vote(actor=organiser, vote=vote)
    links = links_by_email()
    # 5 pour against 1+1 contre: weights decide; a head count would say 1 pour, 2 contre.
    cast(vote, links["a@example.org"], "pour")
    cast(vote, links["c@example.org"], "contre")
    cast(vote, links["d@example.org"], "contre")
    vote = services.close_vote(actor=organiser, vote=vote)
    whole = vote.results["questions"][0]
    assert (whole["pour"], whole["contre"], whole["abstention"], whole["ballots"]) == (5, 2, 0, 3)
    assert vote.results["turnout"] == {"voted": 3, "roll": 4, "weight_voted": 7, "weight_total": 10}
    assert vote.quorum_reached is True and vote.adopted is True
    assert Voter.objects.filter(vote=vote, token_hash__isnull=False).count() == 0  # the unused link died at close
    with pytest.raises(InvalidVoteLink):
        cast(vote, links["b@example.org"])


def test_below_quorum_the_text_is_not_adopted_even_with_every_voice_for(organiser, manifesto, version, django_capture_on_commit_callbacks):
    vote = make_vote(organiser=organiser, manifesto=manifesto, version=version, roll=WEIGHTED, quorum_percent=60)
    with django_capture_on_commit_callbacks(execute=True):
        services.open_vote(actor=organiser, vote=vote)
    cast(vote, links_by_email()["a@example.org"], "pour")  # 5 of 10 voices: 50 % < 60 %
    vote = services.close_vote(actor=organiser, vote=vote)
    assert vote.quorum_reached is False and vote.adopted is False
    assert vote.results["questions"][0]["pour"] == 5


@pytest.mark.parametrize(
    ("majority", "pour", "contre", "abstention", "adopted"),
    [
        ("simple", 3, 2, 10, True),
        ("absolute", 3, 2, 10, False),
        ("absolute", 8, 2, 5, True),
        ("two_thirds", 6, 4, 0, False),
        ("two_thirds", 6, 3, 9, True),
    ],
)
def test_majorities(majority, pour, contre, abstention, adopted):
    from deliberation.adoption.selectors import passes

    assert passes(majority, pour=pour, contre=contre, abstention=abstention) is adopted


def test_closing_time_passed_the_command_closes_and_publishes(open_vote, journal_events, manifesto, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    cast(open_vote, links_by_email()["alice@example.org"], "pour")
    call_command("close_due_votes")
    open_vote.refresh_from_db()
    assert open_vote.state == VoteState.OPEN  # not yet due
    AdoptionVote.objects.filter(pk=open_vote.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(InvalidVoteLink):
        cast(open_vote, links_by_email()["bruno@example.org"])  # past the closing time, before the command
    call_command("close_due_votes")
    open_vote.refresh_from_db()
    assert open_vote.state == VoteState.CLOSED and open_vote.adopted is True
    closed = [e for e in journal_events(manifesto) if e.type == "adoption.closed"]
    assert closed[0].data["questions"][0]["pour"] == 1


def test_during_the_vote_the_journal_carries_the_turnout_never_a_result(open_vote, journal_events, manifesto):
    links = links_by_email()
    cast(open_vote, links["alice@example.org"], "contre")
    cast(open_vote, links["bruno@example.org"], "pour")
    events = [e for e in journal_events(manifesto) if e.type.startswith("adoption.")]
    assert [e.type for e in events] == ["adoption.opened", "adoption.turnout", "adoption.turnout"]
    assert [e.data["turnout"]["voted"] for e in events[1:]] == [1, 2]
    for event in events:
        text = str(event.data)
        assert "contre" not in text and "'pour'" not in text


def test_proclaiming_opens_signatures_on_exactly_the_adopted_version(open_vote, organiser, manifesto, journal_events):
    cast(open_vote, links_by_email()["alice@example.org"], "pour")
    vote = services.close_vote(actor=organiser, vote=open_vote)
    services.proclaim(actor=organiser, vote=vote)
    campaign = SignatureCampaign.objects.get(manifesto=manifesto)
    assert campaign.version_id == vote.version_id
    assert campaign.version.fingerprint == vote.version.fingerprint
    manifesto.refresh_from_db()
    assert manifesto.status == ManifestoStatus.SIGNING
    proclaimed = [e for e in journal_events(manifesto) if e.type == "adoption.proclaimed"]
    assert proclaimed[0].data["fingerprint"] == vote.version.fingerprint
    with pytest.raises(InvalidInput):
        services.proclaim(actor=organiser, vote=vote)


def test_an_unclosed_or_rejected_vote_cannot_be_proclaimed(open_vote, organiser, outsider, manifesto):
    before = state_of(manifesto)
    with pytest.raises(VoteNotOpen):
        services.proclaim(actor=organiser, vote=open_vote)
    assert state_of(manifesto) == before
    cast(open_vote, links_by_email()["alice@example.org"], "contre")
    vote = services.close_vote(actor=organiser, vote=open_vote)
    assert vote.adopted is False
    before = state_of(manifesto)
    with pytest.raises(InvalidInput):
        services.proclaim(actor=organiser, vote=vote)
    with pytest.raises(services.PermissionDenied):
        services.proclaim(actor=outsider, vote=vote)
    assert state_of(manifesto) == before


def test_opening_needs_a_roll_and_an_organiser(organiser, outsider, manifesto, version):
    vote = services.create_vote(actor=organiser, manifesto=manifesto, version=version, rules=rules())
    with pytest.raises(InvalidInput):
        services.open_vote(actor=organiser, vote=vote)
    services.import_roll(actor=organiser, vote=vote, csv_text="nom,email\nA,a@example.org\n")
    with pytest.raises(services.PermissionDenied):
        services.open_vote(actor=outsider, vote=vote)
    vote.refresh_from_db()
    assert vote.state == VoteState.DRAFT and mail.outbox == []
