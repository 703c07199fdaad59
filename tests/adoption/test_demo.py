"""The demo: a declaration written from the collective-mode text went through every stage, a closed,
adopted and proclaimed vote; the collective-mode manifesto stays in synthesis, where the desk works;
the single-agora demo has no vote."""

import pytest
from django.core.management import call_command

from deliberation.adoption.models import AdoptionVote, Ballot, VoteState
from manifesto import stages
from manifesto.demo import DEMO_SLUG
from manifesto.models import Manifesto, SignatureCampaign

pytestmark = pytest.mark.django_db


def test_load_demo_proclaims_a_declaration_after_a_weighted_vote_once():
    call_command("load_demo")
    call_command("load_demo")
    vote = AdoptionVote.objects.get()
    assert vote.manifesto.slug == "declaration-adoptee"
    assert stages.current(stages.stages_of(vote.manifesto)).kind == "proclamee"
    collective = Manifesto.objects.get(slug="manifeste-collectif")
    assert stages.is_allowed(collective, "editorial.integrate")  # the desk can still integrate there
    assert vote.state == VoteState.CLOSED and vote.adopted and vote.quorum_reached and vote.proclaimed_at
    assert vote.results["turnout"] == {"voted": 10, "roll": 12, "weight_voted": 18, "weight_total": 20}
    assert Ballot.objects.filter(vote=vote).count() == 10
    campaign = SignatureCampaign.objects.get(manifesto=vote.manifesto)
    assert campaign.version.fingerprint == vote.version.fingerprint
    single = Manifesto.objects.get(slug=DEMO_SLUG)
    assert not AdoptionVote.objects.filter(manifesto=single).exists()
