"""Concurrent ballots and API reads on SQLite: every cast succeeds, one ballot per voter.

SQLite has one writer at a time; a request that read first and wrote later used to
fail at once with "database is locked" when another request had written in between.
Writing requests now take the write lock up front (partnerstate.database). This runs
the real application on a database file of its own, with threads casting at once.
"""

from __future__ import annotations

import threading

import pytest
import webtest
from sqlalchemy import func, select

from deliberation.votes import services
from deliberation.votes.models import Ballot, VoteElector
from partnerstate import main, migrate
from partnerstate.database import make_engine, make_session_factory
from partnerstate.services import accounts
from tests import factories
from tests.conftest import TEST_SECRET
from tests.partnerstate.partnerships import helpers

VOTERS = 12
THREADS = 6


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int, list[int], list[str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('concurrency') / 'votes.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with make_session_factory(engine)() as db:
        official = factories.make_user(db, role="official")
        assembly = helpers.make_assembly(db)
        voters = [factories.make_user(db) for _ in range(VOTERS)]
        for voter in voters:
            helpers.add_member(db, assembly, voter)
        vote = services.open_election(
            db, assembly, official, "Board", "stv", 1, ["Ana", "Bo", "Cy"]
        )
        tokens = [accounts.create_token(db, voter) for voter in voters]
        db.commit()
        result = url, vote.id, [o.id for o in vote.options], tokens
    engine.dispose()
    return result


def test_concurrent_casts_all_succeed(world):
    url, vote_id, options, tokens = world
    app = webtest.TestApp(
        main(
            {},
            **{
                "partnerstate.database_url": url,
                "partnerstate.secret": TEST_SECRET,
                "partnerstate.environment": "testing",
            },
        ),
        extra_environ={"HTTP_HOST": "localhost"},
    )
    statuses: list[int] = []
    reads: list[int] = []
    lock = threading.Lock()

    def cast(share: list[str]) -> None:
        # Each voter casts, then changes their mind twice; reads in between, with the
        # token's last use due (the first: a writing transaction) or not (a read).
        for round_ in range(3):
            for token in share:
                me = app.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}, status="*")
                with lock:
                    reads.append(me.status_int)
                response = app.post_json(
                    f"/api/v1/votes/{vote_id}/ballots",
                    {"ranking": [options[round_], options[(round_ + 1) % 3]]},
                    headers={"Authorization": f"Bearer {token}"},
                    status="*",
                )
                with lock:
                    statuses.append(response.status_int)

    threads = [threading.Thread(target=cast, args=(tokens[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) == [200, 201]
    assert reads == [200] * (3 * VOTERS)
    assert statuses.count(201) == VOTERS and statuses.count(200) == 2 * VOTERS
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        assert db.scalar(select(func.count()).where(Ballot.vote_id == vote_id)) == VOTERS
        voted = select(func.count()).where(
            VoteElector.vote_id == vote_id, VoteElector.voted_at.is_not(None)
        )
        assert db.scalar(voted) == VOTERS
        rankings = set(db.scalars(select(Ballot.ranking).where(Ballot.vote_id == vote_id)))
        assert rankings == {f"[[{options[2]}],[{options[0]}]]"}
    engine.dispose()
