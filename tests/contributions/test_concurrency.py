"""One voice each, even when one person's two tabs answer at the same instant (PostgreSQL)."""

import pytest

from deliberation.contributions import services
from deliberation.contributions.models import ContributionSupport
from tests.contributions.conftest import as_participant, confirmed_contributor, join, post
from tests.deliberation.test_concurrency import run_together
from tests.services import on_postgresql, unavailable

from deliberation.contributions.permissions import ContributionActor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if not on_postgresql():
        unavailable("concurrent supports are proven on PostgreSQL (set DATABASE_URL)")


@pytest.mark.parametrize("attempt", range(5))
def test_two_tabs_of_one_person_supporting_at_once_leave_one_voice(attempt, in_contributions, participant):
    contribution = post(as_participant(participant), in_contributions)
    claire = ContributionActor(contributor=confirmed_contributor(in_contributions))
    results = run_together(
        lambda: services.set_support(actor=claire, contribution=contribution, value="pour"),
        lambda: services.set_support(actor=claire, contribution=contribution, value="contre"),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert ContributionSupport.objects.filter(contribution=contribution).count() == 1
    assert ContributionSupport.objects.get(contribution=contribution).value in ("pour", "contre")


def test_many_people_supporting_at_once_are_all_counted(in_contributions, participant, live_session):
    contribution = post(as_participant(participant), in_contributions)
    people = [join(live_session, f"P{i}") for i in range(6)]
    results = run_together(*[
        (lambda p=p: services.set_support(actor=as_participant(p), contribution=contribution, value="pour")) for p in people
    ])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert ContributionSupport.objects.filter(contribution=contribution, value="pour").count() == 6
