"""The demo: the collective-mode manifesto has a closed, adopted and proclaimed vote; the single-agora demo has none."""

import pytest
from django.core.management import call_command

from deliberation.adoption.models import AdoptionVote, Ballot, VoteState
from manifesto.demo import DEMO_SLUG
from manifesto.models import Manifesto, SignatureCampaign

pytestmark = pytest.mark.django_db


def test_load_demo_proclaims_the_collective_manifesto_after_a_weighted_vote_once():
    call_command("load_demo")
    call_command("load_demo")
    vote = AdoptionVote.objects.get()
    assert vote.manifesto.slug == "manifeste-collectif"
    assert vote.state == VoteState.CLOSED and vote.adopted and vote.quorum_reached and vote.proclaimed_at
    assert vote.results["turnout"] == {"voted": 10, "roll": 12, "weight_voted": 18, "weight_total": 20}
    assert Ballot.objects.filter(vote=vote).count() == 10
    campaign = SignatureCampaign.objects.get(manifesto=vote.manifesto)
    assert campaign.version.fingerprint == vote.version.fingerprint
    single = Manifesto.objects.get(slug=DEMO_SLUG)
    assert not AdoptionVote.objects.filter(manifesto=single).exists()
