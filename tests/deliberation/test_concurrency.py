"""Never a lost update: simultaneous accepts on PostgreSQL, from real concurrent threads."""

import threading

import pytest
from django.db import connection

from deliberation import services
from deliberation.errors import AmendmentClosed, AmendmentConflict, ServiceError
from deliberation.models import Amendment, AmendmentState
from deliberation.permissions import Actor
from manifesto.models import Clause
from tests.deliberation.conftest import make_participant
from tests.factories import make_user
from tests.services import on_postgresql, unavailable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if not on_postgresql():
        unavailable("concurrent accepts are proven on PostgreSQL (set DATABASE_URL)")


def run_together(*calls):
    """Start every call at the same instant in its own thread; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def second_facilitator(agora):
    user = make_user("second-animateur")
    agora.facilitators.add(user)
    return user


@pytest.mark.parametrize("attempt", range(5))
def test_two_facilitators_accepting_the_same_amendment_exactly_one_succeeds(
    attempt, live_session, participant, clause, facilitator, second_facilitator, manifesto
):
    amendment = services.propose_amendment(
        actor=Actor(participant=participant), session=live_session, kind="modify", clause=clause, text="Texte adopté une seule fois."
    )
    events_before = manifesto.events.count()
    results = run_together(
        lambda: services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment),
        lambda: services.accept_amendment(actor=Actor(user=second_facilitator), amendment=amendment),
    )
    successes = [r for r in results if isinstance(r, services.Acceptance)]
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(successes) == 1, results
    assert len(failures) == 1 and isinstance(failures[0], AmendmentClosed), results
    assert str(failures[0].message)
    clause.refresh_from_db()
    assert clause.revision == 2
    assert clause.history.count() == 2
    assert manifesto.events.count() == events_before + 2  # clause.changed, amendment.accepted


@pytest.mark.parametrize("attempt", range(5))
def test_two_overlapping_amendments_accepted_together_exactly_one_succeeds(
    attempt, live_session, participant, clause, facilitator, second_facilitator
):
    other = make_participant(live_session, "Dominique")
    first = services.propose_amendment(
        actor=Actor(participant=participant), session=live_session, kind="modify", clause=clause,
        text=clause.text.replace("première", "seconde"),
    )
    second = services.propose_amendment(
        actor=Actor(participant=other), session=live_session, kind="modify", clause=clause,
        text=clause.text.replace("première", "dernière"),
    )
    results = run_together(
        lambda: services.accept_amendment(actor=Actor(user=facilitator), amendment=first),
        lambda: services.accept_amendment(actor=Actor(user=second_facilitator), amendment=second),
    )
    successes = [r for r in results if isinstance(r, services.Acceptance)]
    conflicts = [r for r in results if isinstance(r, ServiceError)]
    assert len(successes) == 1 and len(conflicts) == 1, results
    assert isinstance(conflicts[0], AmendmentConflict)
    assert conflicts[0].code == "conflict"
    clause.refresh_from_db()
    assert clause.revision == 2
    assert clause.text == successes[0].amendment.text
    assert Amendment.objects.filter(state=AmendmentState.OPEN).count() == 1


def test_disjoint_amendments_accepted_together_both_apply(live_session, participant, clause, facilitator, second_facilitator):
    other = make_participant(live_session, "Dominique")
    base = clause.text  # "Texte de l'article 1.1, première rédaction."
    first = services.propose_amendment(
        actor=Actor(participant=participant), session=live_session, kind="modify", clause=clause, text=base.replace("Texte", "Le texte")
    )
    second = services.propose_amendment(
        actor=Actor(participant=other), session=live_session, kind="modify", clause=clause, text=base.replace("rédaction", "version")
    )
    results = run_together(
        lambda: services.accept_amendment(actor=Actor(user=facilitator), amendment=first),
        lambda: services.accept_amendment(actor=Actor(user=second_facilitator), amendment=second),
    )
    assert all(isinstance(r, services.Acceptance) for r in results), results
    assert sorted(r.merged for r in results) == [False, True]
    final = Clause.objects.get(pk=clause.pk)
    assert final.text == "Le texte de l'article 1.1, première version."
    assert final.revision == 3


def test_simultaneous_proposals_get_distinct_numbers(live_session, clause):
    people = [make_participant(live_session, f"P{i}") for i in range(6)]
    results = run_together(*[
        (lambda p=p: services.propose_amendment(
            actor=Actor(participant=p), session=live_session, kind="modify", clause=clause, text=f"Version de {p.display_name}."
        ))
        for p in people
    ])
    assert all(isinstance(r, Amendment) for r in results), results
    assert sorted(r.number for r in results) == [1, 2, 3, 4, 5, 6]


def test_a_tally_counts_the_voice_committed_just_before_it(live_session, clause):
    """Supports of one session run in parallel (the session row is only share-locked): the
    event that carries the tally must still count every voice journaled before it."""
    from django.db import transaction

    from agora.models import Phase
    from manifesto.models import Event
    from tests.deliberation.conftest import set_phase

    author, first, second = (make_participant(live_session, name) for name in ("Autrice", "Une", "Deux"))
    amendment = services.propose_amendment(
        actor=Actor(participant=author), session=live_session, kind="modify", clause=clause, text="Un texte soutenu."
    )
    set_phase(live_session, Phase.SUPPORTS)
    first_has_journaled, let_first_commit = threading.Event(), threading.Event()

    def first_voice():
        with transaction.atomic():
            services.set_support(actor=Actor(participant=first), amendment=amendment, value="pour")
            first_has_journaled.set()
            let_first_commit.wait(timeout=10)  # holding the journal's lock, not yet committed

    def second_voice():
        first_has_journaled.wait(timeout=10)
        services.set_support(actor=Actor(participant=second), amendment=amendment, value="pour")

    def release_first():
        first_has_journaled.wait(timeout=10)
        threading.Event().wait(0.5)  # the second voice has written its row and waits for the lock
        let_first_commit.set()

    results = run_together(first_voice, second_voice, release_first)
    assert not [r for r in results if isinstance(r, Exception)], results
    tallies = [e.data["totals"]["pour"] for e in Event.objects.filter(type="support.changed").order_by("seq")]
    assert tallies == [1, 2]
