"""Voting once, on PostgreSQL, with the same link open in many tabs at once: the "has voted"
constraint, not luck, keeps one ballot per voter."""

import threading

import pytest
from django.db import connection

from deliberation.adoption import services
from deliberation.adoption.errors import AlreadyVoted, InvalidVoteLink
from deliberation.adoption.models import Ballot, Turnout
from manifesto import services as text_services
from tests.adoption.conftest import links_by_email, make_vote
from tests.factories import make_manifesto, make_user
from tests.services import on_postgresql, unavailable

pytestmark = pytest.mark.django_db(transaction=True)

TABS = 6  # 30 connections at once: PostgreSQL here is shared with other test runs
VOTERS = 5


def test_the_same_link_submitted_from_many_tabs_at_once_counts_one_ballot(settings):
    if not on_postgresql():
        unavailable("the concurrent voting test needs PostgreSQL (set DATABASE_URL)")
    settings.SITE_URL = "http://testserver"
    organiser = make_user()
    manifesto = make_manifesto(organiser=organiser, sections=1, clauses=2)
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Soumise au vote")
    roll = "nom,email\n" + "".join(f"V{n},v{n}@example.org\n" for n in range(VOTERS))
    vote = make_vote(organiser=organiser, manifesto=manifesto, version=version, roll=roll)
    services.open_vote(actor=organiser, vote=vote)  # autocommit: the emails go out at once
    links = links_by_email()
    assert len(links) == VOTERS

    # Every voter submits their ballot from TABS tabs at the same instant.
    jobs = [(email, token) for email, token in links.items() for _ in range(TABS)]
    barrier = threading.Barrier(len(jobs))
    outcomes: dict[str, list[str]] = {email: [] for email in links}
    errors = []
    lock = threading.Lock()

    def tab(email, token):
        try:
            barrier.wait(timeout=60)
            try:
                services.cast_ballot(token=token, fingerprint=version.fingerprint, choices={"texte": "pour"})
                outcome = "counted"
            except AlreadyVoted:
                outcome = "already_voted"  # refused by the constraint on the voter's "has voted" row
            except InvalidVoteLink:
                outcome = "used_link"  # arrived after the first ballot had committed
            finally:
                connection.close()
            with lock:
                outcomes[email].append(outcome)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(error))

    threads = [threading.Thread(target=tab, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    for email, results in outcomes.items():
        assert results.count("counted") == 1, (email, results)
        assert len(results) == TABS
    # The constraint was exercised: some tabs got past the link check and were stopped by it.
    assert sum(results.count("already_voted") for results in outcomes.values()) > 0
    assert Ballot.objects.filter(vote=vote).count() == VOTERS
    assert Turnout.objects.filter(voter__vote=vote).count() == VOTERS
