"""Ballot secrecy, asserted on everything the platform keeps: every table of the database (history
tables and the journal included) and every log line, after a real vote."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.adoption import services
from deliberation.adoption.models import Ballot, Turnout, Voter
from tests.adoption.conftest import cast, links_by_email, make_vote
from tests.services import on_postgresql, unavailable

ROLL = "nom,email,organisation,poids\n" + "".join(
    f"Votant·e {n},votant{n}@example.org,Structure {n},1\n" for n in range(1, 9)
)


def dump_database() -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table, as text: what an administrator with the whole database reads."""
    dump = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump[table] = [tuple("" if value is None else str(value) for value in row) for row in cursor.fetchall()]
    return dump


def adoption_vote_in_admin() -> bool:
    from django.contrib import admin

    from deliberation.adoption.models import AdoptionVote

    return AdoptionVote in admin.site._registry


def columns(model) -> set[str]:
    return {field.column for field in model._meta.concrete_fields}


@pytest.fixture
def voted(organiser, manifesto, version, django_capture_on_commit_callbacks, caplog):
    """Eight voters vote, in reverse roll order, with ballots that differ; the vote is then closed."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")  # as LOG_LEVEL=DEBUG would
    vote = make_vote(organiser=organiser, manifesto=manifesto, version=version, roll=ROLL, per_article=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.open_vote(actor=organiser, vote=vote)
    links = links_by_email()
    numbers = [c["number"] for s in version.content["sections"] for c in s["clauses"]]
    receipts = []
    order = []
    # SQL statements are logged as under DEBUG while people vote.
    with CaptureQueriesContext(connection), django_capture_on_commit_callbacks(execute=True):
        for n in range(8, 0, -1):
            choice = ["pour", "contre", "abstention"][n % 3]
            receipts.append(cast(vote, links[f"votant{n}@example.org"], choice, {str(number): choice for number in numbers}))
            order.append(n)
        vote = services.close_vote(actor=organiser, vote=vote)
    return vote, receipts, order


@pytest.mark.django_db(transaction=True)
def test_nothing_in_the_database_or_the_logs_links_a_voter_to_a_ballot(voted, caplog):
    vote, receipts, _order = voted
    # The schema: a ballot has no time, no voter, no sequence; "has voted" has nothing but the voter.
    assert columns(Ballot) == {"id", "vote_id", "weight", "choices", "receipt_hash"}
    assert columns(Turnout) == {"voter_id"}
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"
    assert not [f for f in Voter._meta.concrete_fields if f.get_internal_type() in {"DateTimeField", "DateField"} and f.name != "token_expires_at"]

    dump = dump_database()
    ballot_table, turnout_table, voter_table = Ballot._meta.db_table, Turnout._meta.db_table, Voter._meta.db_table
    assert len(dump[ballot_table]) == 8 and len(dump[turnout_table]) == 8
    # No history table of any voting table.
    assert not [t for t in dump if ("ballot" in t or "turnout" in t or "voter" in t) and t not in {ballot_table, turnout_table, voter_table}]

    ballots = list(Ballot.objects.filter(vote=vote))
    ballot_marks = {str(b.pk) for b in ballots} | {b.pk.hex for b in ballots} | {b.receipt_hash for b in ballots}
    voters = list(Voter.objects.filter(vote=vote))
    voter_marks = {v.email for v in voters} | {v.name for v in voters}
    for table, rows in dump.items():
        for row in rows:
            text = " | ".join(row)
            # The receipt codes were shown to the voters and are stored nowhere.
            assert not any(code in text for code in receipts), table
            has_ballot = any(mark in text for mark in ballot_marks)
            if table != ballot_table:
                assert not has_ballot, f"{table} mentions a ballot: {text[:200]}"
            if has_ballot:
                assert not any(mark in text for mark in voter_marks), f"{table} links a voter to a ballot"
    # The ballot rows carry no voter id: their columns are the vote, the weight and the choices.
    voter_ids = {str(v.pk) for v in voters}
    for row in Ballot.objects.values("vote_id", "weight", "receipt_hash"):
        assert str(row["vote_id"]) == str(vote.pk) and row["weight"] == 1

    # The admin shows the votes, never the roll, the turnout or the ballots.
    from django.contrib import admin

    assert adoption_vote_in_admin() and not {Ballot, Turnout, Voter} & set(admin.site._registry)

    # The journal: turnout counts while open, one tally at close, nothing per voter.
    for row in dump["manifesto_event"]:
        text = " | ".join(row)
        assert not any(mark in text for mark in voter_marks | ballot_marks)
    assert voter_ids  # (used above)

    # The logs: every record, SQL included, captured while people voted.
    records = caplog.get_records("setup") + caplog.get_records("call")
    logged = "\n".join(f"{r.name} {r.getMessage()} {getattr(r, 'sql', '')} {getattr(r, 'params', '')}" for r in records)
    # SQL was really logged while people voted (the journal's inserts), just not the ballot box's.
    assert any(r.name == "django.db.backends" and "manifesto_event" in r.getMessage() for r in records)
    for mark in ballot_marks | set(receipts):
        assert mark not in logged
    assert Ballot._meta.db_table not in logged and Turnout._meta.db_table not in logged


@pytest.mark.django_db(transaction=True)
def test_after_close_the_rows_physical_order_no_longer_tells_who_voted_when(voted):
    if not on_postgresql():
        unavailable("the physical order of rows is PostgreSQL's (set DATABASE_URL)")
    vote, _receipts, order = voted
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id FROM "{Ballot._meta.db_table}" WHERE vote_id = %s ORDER BY ctid', [vote.pk])
        physical = [str(row[0]) for row in cursor.fetchall()]
        cursor.execute(f'SELECT voter_id FROM "{Turnout._meta.db_table}" ORDER BY ctid')
        turnout_physical = [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT id FROM "{Voter._meta.db_table}" WHERE vote_id = %s ORDER BY ctid', [vote.pk])
        voters_physical = [row[0] for row in cursor.fetchall()]
    assert physical == sorted(physical, key=lambda value: __import__("uuid").UUID(value))
    # Voters voted in reverse roll order; their rows now sit in roll order.
    assert turnout_physical == sorted(turnout_physical)
    assert voters_physical == sorted(voters_physical)
    assert order == sorted(order, reverse=True)
