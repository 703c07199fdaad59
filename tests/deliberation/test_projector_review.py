"""The projector says « à revoir » as the console does: an open amendment whose article's text is
no longer the one it was written on is flagged (its diff is against that older text), and the
flag goes when an undone adoption gives the article its words back."""

import re

import pytest

from deliberation import selectors, services
from deliberation.permissions import Actor
from manifesto.models import Clause
from tests.deliberation.conftest import make_participant

pytestmark = pytest.mark.django_db


def propose(session, clause, name, text):
    author = make_participant(session, name)
    return services.propose_amendment(actor=Actor(participant=author), session=session, kind="modify", clause=clause,
                                      section=None, text=text)


def review_badge_hidden(page: str) -> bool:
    tag = re.search(r"<span class=\"badge review\" data-projected-review[^>]*>", page).group(0)
    return "hidden" in tag


def test_an_outdated_amendment_is_flagged_on_the_projector_and_unflagged_by_an_undo(client, live_session, facilitator, clause):
    facilitator_actor = Actor(user=facilitator)
    older = propose(live_session, clause, "Inès", clause.text + " Et partout.")
    other = propose(live_session, clause, "Paul", "Un tout autre texte.")
    services.show_amendment(actor=facilitator_actor, session=live_session, amendment_id=older.pk)
    client.force_login(facilitator)
    projector = f"/agoras/seance/{live_session.pk}/projection/"
    assert review_badge_hidden(client.get(projector).content.decode())

    services.accept_amendment(actor=facilitator_actor, amendment=other)  # the article moves on
    older.refresh_from_db()
    assert selectors.needs_review(older)
    assert selectors.projected(older, live_session.pk)["needs_review"] is True
    assert not review_badge_hidden(client.get(projector).content.decode())

    other.refresh_from_db()
    services.undo_acceptance(actor=facilitator_actor, amendment=other)  # the words come back, new revision
    older = type(older).objects.select_related("clause").get(pk=older.pk)
    assert Clause.objects.get(pk=clause.pk).revision != older.base_revision
    assert not selectors.needs_review(older)
    assert review_badge_hidden(client.get(projector).content.decode())
