"""The voters' roll is personal data: deleted some months after the close; the results and the anonymous ballots stay."""

import datetime

import pytest
from django.utils import timezone

from deliberation.adoption import services
from deliberation.adoption.models import AdoptionVote, Ballot, Turnout, Voter
from tests.adoption.conftest import cast, links_by_email

pytestmark = pytest.mark.django_db


def test_the_roll_goes_after_the_retention_period_and_the_results_stay(open_vote, organiser, settings):
    settings.VOTER_ROLL_RETENTION_MONTHS = 6
    receipt = cast(open_vote, links_by_email()["alice@example.org"], "pour")
    vote = services.close_vote(actor=organiser, vote=open_vote)
    assert services.delete_expired_rolls(now=timezone.now() + datetime.timedelta(days=150)) == 0
    assert Voter.objects.filter(vote=vote).count() == 3
    assert services.delete_expired_rolls(now=timezone.now() + datetime.timedelta(days=190)) == 3
    assert not Voter.objects.filter(vote=vote).exists() and not Turnout.objects.exists()
    vote = AdoptionVote.objects.get(pk=vote.pk)
    assert vote.results["turnout"]["voted"] == 1 and vote.adopted
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert services.receipt_counted(vote=vote, code=receipt)


def test_open_votes_keep_their_roll(open_vote):
    assert services.delete_expired_rolls(now=timezone.now() + datetime.timedelta(days=3650), months=1) == 0
    assert Voter.objects.filter(vote=open_vote).count() == 3
