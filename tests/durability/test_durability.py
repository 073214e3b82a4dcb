"""What a city's server must survive: a SIGKILL while ballots arrive or while a vote
closes, and voters sending several ballots at once.

Each test runs ``partnerstate serve`` in a process of its own against a database of
its own (a file on SQLite, a database on the PostgreSQL server of
PARTNERSTATE_TEST_DATABASE_URL), commits for real, and kills the process with SIGKILL.
Marked ``durability``: they run by default, a few seconds each.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from deliberation.votes import services
from deliberation.votes.models import Ballot, BallotKey, Vote, VoteElector
from partnerstate.database import make_engine, make_session_factory
from partnerstate.models import User
from partnerstate.services import accounts
from tests import factories
from tests.durability.live_server import LiveServer
from tests.own_database import own_database
from tests.partnerstate.partnerships import helpers

pytestmark = pytest.mark.durability

CANDIDATES = ["Ana", "Bo", "Cy", "Di"]


@dataclass
class World:
    url: str
    vote_id: int
    options: list[int]
    official: str  # API tokens
    voters: list[tuple[int, str]]  # (user id, token)


@pytest.fixture
def database(tmp_path):
    with own_database(tmp_path, "durability") as url:
        yield url


def _world(url: str, voters: int) -> World:
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        official = factories.make_user(db, role="official")
        assembly = helpers.make_assembly(db)
        people = [factories.make_user(db) for _ in range(voters)]
        for person in people:
            helpers.add_member(db, assembly, person)
        vote = services.open_election(db, assembly, official, "Board", "stv", 1, CANDIDATES)
        world = World(
            url,
            vote.id,
            [option.id for option in vote.options],
            accounts.create_token(db, official),
            [(person.id, accounts.create_token(db, person)) for person in people],
        )
        db.commit()
    engine.dispose()
    return world


def _count(url: str, query):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        value = db.scalar(query)
    engine.dispose()
    return value


def _ranking(rng: random.Random, options: list[int]) -> list[int]:
    return rng.sample(options, rng.randint(1, len(options)))


def test_a_killed_server_loses_no_acknowledged_ballot(database, tmp_path):
    world = _world(database, voters=60)
    server = LiveServer(database, tmp_path / "server.log")
    acknowledged: dict[int, tuple[str, list[int]]] = {}
    lock = threading.Lock()
    enough = threading.Event()
    rng = random.Random(11)
    rankings = {user_id: _ranking(rng, world.options) for user_id, _ in world.voters}

    def cast(voter: tuple[int, str]) -> None:
        user_id, token = voter
        path = f"/api/v1/votes/{world.vote_id}/ballots"
        try:
            status, body = server.request("POST", path, {"ranking": rankings[user_id]}, token)
        except OSError:
            return  # the server died under this request: not acknowledged
        if status in (200, 201):
            with lock:
                acknowledged[user_id] = (body["receipt"], rankings[user_id])
                if len(acknowledged) >= 20:
                    enough.set()

    with ThreadPoolExecutor(max_workers=8) as pool:
        for voter in world.voters:
            pool.submit(cast, voter)
        assert enough.wait(timeout=60), "fewer than 20 ballots were acknowledged"
        server.kill()
    with lock:
        kept = dict(acknowledged)
    assert 20 <= len(kept) < len(world.voters)

    server = LiveServer(database, tmp_path / "server.log")
    try:
        tokens = dict(world.voters)
        for user_id, (receipt, ranking) in kept.items():
            status, body = server.request(
                "GET", f"/api/v1/votes/{world.vote_id}", None, tokens[user_id]
            )
            assert status == 200 and body["you"]["receipt"] == receipt
            assert body["you"]["ranking"] == [[option] for option in ranking]
        # Nobody has two ballots, whatever was cut short.
        ballots = select(func.count()).select_from(Ballot).where(Ballot.vote_id == world.vote_id)
        voted = select(func.count()).where(
            VoteElector.vote_id == world.vote_id, VoteElector.voted_at.is_not(None)
        )
        assert _count(database, ballots) == _count(database, voted) >= len(kept)
        status, _result = server.request(
            "POST", f"/api/v1/votes/{world.vote_id}/close", {}, world.official
        )
        assert status == 200
        for receipt, _ in kept.values():
            assert (
                server.request("GET", f"/api/v1/votes/{world.vote_id}/receipts/{receipt}")[0] == 200
            )
    finally:
        server.stop()


def test_a_close_killed_midway_leaves_the_vote_open_and_closable(database, tmp_path):
    world = _world(database, voters=30)
    engine = make_engine(database)
    with make_session_factory(engine)() as db:
        vote = db.get(Vote, world.vote_id)
        rng = random.Random(12)
        receipts = {}
        for user_id, _token in world.voters:
            voter = db.get(User, user_id)
            receipts[user_id] = services.cast_ballot(
                db, vote, voter, _ranking(rng, world.options)
            ).receipt
            db.commit()
        before = sorted(services.grouped_ballots(db, vote)[0])
    engine.dispose()

    marker = tmp_path / "closing"
    script = [str(Path(__file__).with_name("stalled_close.py")), str(marker)]
    server = LiveServer(database, tmp_path / "server.log", script=script)
    closing = threading.Thread(
        target=lambda: _ignore_errors(
            server.request, "POST", f"/api/v1/votes/{world.vote_id}/close", {}, world.official
        ),
        daemon=True,
    )
    closing.start()
    deadline = time.monotonic() + 20
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the close did not reach its last step"
    server.kill()  # in the middle of the close, before its commit
    closing.join(timeout=10)

    server = LiveServer(database, tmp_path / "server.log")
    try:
        status, body = server.request("GET", f"/api/v1/votes/{world.vote_id}")
        assert status == 200 and body["status"] == "open"
        engine = make_engine(database)
        with make_session_factory(engine)() as db:
            vote = db.get(Vote, world.vote_id)
            assert vote.secret is not None and vote.result is None
            assert sorted(services.grouped_ballots(db, vote)[0]) == before
            keys = select(func.count()).select_from(BallotKey).where(BallotKey.vote_id == vote.id)
            assert db.scalar(keys) == len(world.voters)
            # The electors' times were not cut to the day: nothing of the close remains.
            times = db.scalars(select(VoteElector.voted_at).where(VoteElector.vote_id == vote.id))
            assert len({t.time() for t in times}) > 1
        engine.dispose()
        # Voters can still change their ballot (their keys are intact), and it closes.
        user_id, token = world.voters[0]
        changed = server.request(
            "POST", f"/api/v1/votes/{world.vote_id}/ballots", {"ranking": world.options[:1]}, token
        )
        assert changed == (200, {"receipt": receipts[user_id], "replaced": True})
        status, result = server.request(
            "POST", f"/api/v1/votes/{world.vote_id}/close", {}, world.official
        )
        assert status == 200 and result["turnout"]["ballots"] == len(world.voters)
        for receipt in receipts.values():
            assert (
                server.request("GET", f"/api/v1/votes/{world.vote_id}/receipts/{receipt}")[0] == 200
            )
    finally:
        server.stop()


def _ignore_errors(call, *args):  # type: ignore[no-untyped-def]
    with contextlib.suppress(OSError):  # the server was killed under this request
        call(*args)


def test_three_ballots_at_once_from_each_voter_leave_one_ballot_each(database, tmp_path):
    world = _world(database, voters=50)
    rng = random.Random(13)
    sent = {
        user_id: [_ranking(rng, world.options) for _ in range(3)] for user_id, _ in world.voters
    }
    answers: dict[int, list[tuple[int, dict]]] = {user_id: [] for user_id, _ in world.voters}
    lock = threading.Lock()
    server = LiveServer(database, tmp_path / "server.log")
    try:
        start = threading.Barrier(30)

        def cast(user_id: int, token: str, ranking: list[int], first: bool) -> None:
            if first:
                with contextlib.suppress(threading.BrokenBarrierError):
                    start.wait(timeout=10)  # the first wave leaves together
            answer = server.request(
                "POST", f"/api/v1/votes/{world.vote_id}/ballots", {"ranking": ranking}, token
            )
            with lock:
                answers[user_id].append(answer)

        with ThreadPoolExecutor(max_workers=30) as pool:
            jobs = [
                (user_id, token, ranking)
                for user_id, token in world.voters
                for ranking in sent[user_id]
            ]
            for number, (user_id, token, ranking) in enumerate(jobs):
                pool.submit(cast, user_id, token, ranking, number < 30)
        tokens = dict(world.voters)
        for user_id, replies in answers.items():
            statuses = sorted(status for status, _body in replies)
            assert statuses == [200, 200, 201], (user_id, replies)
            assert len({body["receipt"] for _status, body in replies}) == 1
            status, body = server.request(
                "GET", f"/api/v1/votes/{world.vote_id}", None, tokens[user_id]
            )
            # The ballot standing is one of the three, whole (the last one to commit).
            assert body["you"]["ranking"] in [[[o] for o in r] for r in sent[user_id]]
    finally:
        server.stop()
    ballots = select(func.count()).select_from(Ballot).where(Ballot.vote_id == world.vote_id)
    keys = select(func.count()).select_from(BallotKey).where(BallotKey.vote_id == world.vote_id)
    assert _count(database, ballots) == _count(database, keys) == len(world.voters)
