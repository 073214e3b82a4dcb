"""What keeps the close of a big vote quick (benchmarks/close_vote.py measures it).

The close rewrites the vote's ballots into fresh storage (deliberation/votes/storage.py),
and every index of that storage must then be built again: on SQLite, sorting a million
entries of the ranking index took most of the close. So that index holds only the
ballots of open votes (the close marks its vote's ballots as counted), and PostgreSQL's
sort by receipt gets its memory only for the copy.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, text

from deliberation.votes import services
from deliberation.votes.models import Ballot


def _vote_with_two_ballots(db, people):
    vote = services.open_election(
        db, people.assembly, people.official, "Committee", "stv", 1, ["Ana", "Bo"]
    )
    ana, bo = (option.id for option in vote.options)
    later = vote.opened_at + dt.timedelta(minutes=1)
    services.cast_ballot(db, vote, people.member, [ana, bo], now=later)
    services.cast_ballot(db, vote, people.voter, [bo], now=later)
    return vote


def _indexed(db, vote_id: int) -> int:
    """Entries of the vote in the ranking index (its condition is what keeps them out)."""
    uncounted = "counted = 0" if db.get_bind().dialect.name == "sqlite" else "NOT counted"
    return db.scalar(
        text(f"SELECT count(*) FROM ballots WHERE vote_id = :v AND {uncounted}"),  # noqa: S608
        {"v": vote_id},
    )


def test_a_closed_votes_ballots_leave_the_ranking_index(db, people):
    vote = _vote_with_two_ballots(db, people)
    assert _indexed(db, vote.id) == 2
    services.close_vote(db, vote, people.official)
    assert _indexed(db, vote.id) == 0
    # The published ballots are unchanged, and still grouped without the index.
    grouped, by_source = services.grouped_ballots(db, vote)
    assert sorted(weight for weight, _ranking in grouped) == [1, 1]
    assert by_source["online"] == 2


def test_a_small_vote_closed_among_bigger_ones_leaves_the_index_too(db, people):
    # Another open vote holds most ballots: SQLite rewrites only the closed vote's rows.
    other = services.open_election(
        db, people.assembly, people.official, "Treasurer", "stv", 1, ["Di", "Ed"]
    )
    for number in range(10):
        db.add(Ballot(receipt=f"PAPER{number:011d}", vote_id=other.id, ranking="[]", weight=1))
    vote = _vote_with_two_ballots(db, people)
    services.close_vote(db, vote, people.official)
    assert _indexed(db, vote.id) == 0
    assert _indexed(db, other.id) == 10


def test_the_close_groups_an_open_votes_ballots_from_the_index(db, people):
    vote = _vote_with_two_ballots(db, people)
    if db.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL hashes the rows; the plan is its own choice
    statements = []

    def remember(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    engine = db.get_bind().engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        services.grouped_ballots(db, vote)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    statement, parameters = next(s for s in statements if "GROUP BY" in s[0])
    plan = " ".join(
        row[-1]
        for row in db.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    )
    assert "USING COVERING INDEX ix_ballots_uncounted_ranking" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_the_close_leaves_the_sessions_sort_memory_as_it_was(db, people):
    vote = services.open_election(
        db, people.assembly, people.official, "Committee", "stv", 1, ["Ana", "Bo"]
    )
    ana, bo = (option.id for option in vote.options)
    services.cast_ballot(
        db, vote, people.member, [ana, bo], now=vote.opened_at + dt.timedelta(minutes=1)
    )
    before = _work_mem(db)
    result = services.close_vote(db, vote, people.official)
    assert result["turnout"]["ballots"] == 1
    assert _work_mem(db) == before


def _work_mem(db) -> str | None:
    if db.get_bind().dialect.name != "postgresql":
        return None
    return db.scalar(text("SELECT current_setting('work_mem')"))
