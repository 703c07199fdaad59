"""Two editors at the same moment: exactly one wins, the others get a conflict, nothing is lost."""

import threading

import pytest
from django.db import connection

from manifesto import services
from manifesto.errors import ClauseConflict
from tests.factories import make_manifesto, make_user
from tests.services import on_postgresql, unavailable


@pytest.mark.django_db(transaction=True)
def test_simultaneous_edits_on_postgresql_exactly_one_wins():
    if not on_postgresql():
        unavailable("row locks are only meaningful on PostgreSQL (CI runs this with DATABASE_URL)")
    organiser = make_user("organisatrice")
    manifesto = make_manifesto(organiser=organiser, sections=1, clauses=1)
    clause = manifesto.clauses.get()
    editors = 4
    barrier = threading.Barrier(editors)
    outcomes: list[str] = []

    def edit(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.edit_clause(
                actor=organiser, clause=clause, text=f"Rédaction de la personne {index}.", expected_revision=1
            )
            outcomes.append(f"won:{index}")
        except ClauseConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [o for o in outcomes if o.startswith("won:")]
    assert len(outcomes) == editors
    assert len(winners) == 1
    clause.refresh_from_db()
    assert clause.revision == 2
    assert clause.text == f"Rédaction de la personne {winners[0].split(':')[1]}."
    assert clause.history.filter(revision=2).count() == 1
