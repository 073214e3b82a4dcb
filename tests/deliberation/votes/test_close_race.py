"""A cast that arrives while a close is counting waits for it, then is refused.

PostgreSQL runs requests side by side. A cast that started before a close committed
used to wait for the vote's row and then write its ballot into the closed vote (or,
once the close rewrote the electorate, be told the voter was not in it). The cast now
reads the vote's status under a shared lock first: it waits for the close and answers
that the vote is closed. SQLite has one writer at a time, so this is PostgreSQL's.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from deliberation.votes import services
from deliberation.votes.models import Ballot, Vote
from partnerstate.database import make_engine, make_session_factory
from partnerstate.models import User
from partnerstate.partnerships.errors import Conflict
from tests import factories
from tests.own_database import own_database
from tests.partnerstate.partnerships import helpers


@pytest.fixture
def sessions(tmp_path):
    with own_database(tmp_path, "race") as url:
        engine = make_engine(url)
        if engine.dialect.name != "postgresql":
            engine.dispose()
            pytest.skip("PostgreSQL runs writers side by side")
        yield make_session_factory(engine)
        engine.dispose()


def test_a_cast_during_a_close_waits_and_is_refused(sessions):
    with sessions() as db:
        official = factories.make_user(db, role="official")
        assembly = helpers.make_assembly(db)
        voters = [factories.make_user(db) for _ in range(2)]
        for voter in voters:
            helpers.add_member(db, assembly, voter)
        vote = services.open_election(db, assembly, official, "Board", "stv", 1, ["Ana", "Bo"])
        db.commit()
        vote_id, late_id = vote.id, voters[1].id
        services.cast_ballot(db, vote, voters[0], [vote.options[0].id])
        db.commit()

    outcome: list[object] = []
    closing = sessions()
    services.close_vote(closing, closing.get(Vote, vote_id), None)  # not committed yet

    def late_cast() -> None:
        with sessions() as db:
            vote = db.get(Vote, vote_id)  # read before the close commits: still open
            try:
                services.cast_ballot(db, vote, db.get(User, late_id), [vote.tie_break[0]])
                db.commit()
                outcome.append("cast")
            except Exception as error:  # noqa: BLE001 (the outcome is what is checked)
                outcome.append(error)

    thread = threading.Thread(target=late_cast)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive()  # it waits for the close
    closing.commit()
    closing.close()
    thread.join(timeout=10)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict), outcome
    with sessions() as db:
        counted = db.get(Vote, vote_id).result["turnout"]["ballots"]
        stored = db.scalar(select(func.count()).where(Ballot.vote_id == vote_id))
        assert counted == stored == 1  # the published ballots are the counted ones
