"""The adoption vote obeys the manifesto's stages: opened, cast and proclaimed in the adoption stage only."""

import pytest

from deliberation.adoption import services
from deliberation.adoption.models import AdoptionVote, Ballot, Turnout
from manifesto import stage_services, stages
from manifesto.errors import WrongStage
from manifesto.models import Event, SignatureCampaign
from manifesto.signatures import services as signature_services
from manifesto.signatures.services import SignatureInput
from tests.adoption.conftest import cast, links_by_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def staged(manifesto, organiser):
    stage_services.configure_stages(actor=organiser, manifesto=manifesto)
    stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="synthese")
    return manifesto


def snapshot(manifesto):
    return (
        list(AdoptionVote.objects.filter(manifesto=manifesto).values_list("pk", "state", "proclaimed_at")),
        Ballot.objects.count(),
        Turnout.objects.count(),
        Event.objects.filter(manifesto=manifesto).count(),
        SignatureCampaign.objects.filter(manifesto=manifesto).count(),
    )


def test_opening_a_vote_outside_the_adoption_stage_is_refused_with_the_stage_named(staged, vote, organiser):
    before = snapshot(staged)
    with pytest.raises(WrongStage) as refused:
        services.open_vote(actor=organiser, vote=vote)
    assert "Synthèse" in refused.value.message or "synthèse" in str(refused.value.message).lower()
    assert snapshot(staged) == before


def test_a_ballot_after_the_adoption_stage_closed_is_refused_and_nothing_changes(staged, vote, organiser, django_capture_on_commit_callbacks):
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="adoption")
    with django_capture_on_commit_callbacks(execute=True):
        services.open_vote(actor=organiser, vote=vote)
    links = links_by_email()
    cast(vote, links["alice@example.org"])
    stage_services.close_stage(actor=organiser, manifesto=staged)
    before = snapshot(staged)
    with pytest.raises(WrongStage):
        cast(vote, links["bruno@example.org"])
    assert snapshot(staged) == before


def test_going_back_before_adoption_is_refused_once_a_vote_was_opened(staged, vote, organiser, django_capture_on_commit_callbacks):
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="adoption")
    with django_capture_on_commit_callbacks(execute=True):
        services.open_vote(actor=organiser, vote=vote)
    with pytest.raises(WrongStage):
        stage_services.open_stage(actor=organiser, manifesto=staged, kind="synthese")
    assert stages.current(stages.stages_of(staged)).kind == "adoption"
    assert any("Vote" in sentence for sentence in stages.outputs(staged, "adoption"))


def test_proclaiming_moves_to_the_proclaimed_stage_where_the_adopted_text_can_be_signed(staged, vote, organiser, django_capture_on_commit_callbacks):
    stage_services.open_stage(actor=organiser, manifesto=staged, kind="adoption")
    with django_capture_on_commit_callbacks(execute=True):
        services.open_vote(actor=organiser, vote=vote)
    cast(vote, links_by_email()["alice@example.org"])
    vote = services.close_vote(actor=organiser, vote=vote)
    services.proclaim(actor=organiser, vote=vote)
    assert stages.current(stages.stages_of(staged)).kind == "proclamee"
    campaign = SignatureCampaign.objects.get(manifesto=staged)
    assert campaign.version.fingerprint == vote.version.fingerprint
    signature_services.sign(
        campaign=campaign,
        data=SignatureInput(kind="person", email="signataire@example.org", territory="59", first_name="Lina", last_name="Roy"),
        ip=None,
    )
    assert campaign.manifesto.signatures.get().version_id == vote.version_id
