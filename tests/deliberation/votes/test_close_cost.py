"""What keeps the close of a big vote quick (benchmarks/close_vote.py measures it).

The close rewrites the vote's ballots into fresh storage (deliberation/votes/storage.py),
and every index of that storage must then be built again: on SQLite, sorting a million
entries of a second index took most of the close. So the ballots have their key and
nothing else, and PostgreSQL's sort by receipt gets its memory only for the copy.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, text

from deliberation.votes import services


def test_the_ballots_have_no_index_to_rebuild_but_their_key(engine):
    indexes = inspect(engine).get_indexes("ballots")
    assert indexes == [], f"each close would build these again: {indexes}"


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
