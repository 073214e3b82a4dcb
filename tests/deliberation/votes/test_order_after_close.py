"""After the close, the storage of the ballots no longer follows the order of casting.

The probe that found the flaw: read the ballots in their physical order (PostgreSQL's
``ctid``, the byte offsets of the rows in SQLite's file) and zip them with the electors
in ``voted_at`` order; that named 25 voters of 25. Here 50 voters cast one after
another, in an order unrelated to their ids, and 10 of them change their ballot later.
Before the close the probe works (the check can fail); after it, it does no better than
chance. This needs real commits, so it runs on a database of its own (both engines).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import random
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text

from deliberation.votes import services
from deliberation.votes.models import Ballot, Vote, VoteElector
from partnerstate.database import make_engine, make_session_factory, utcnow
from tests import factories
from tests.own_database import own_database
from tests.partnerstate.partnerships import helpers

VOTERS = 50
REPLACING = 10
# Zipping a random order with the voters matches one on average; 6 or more happens
# about once in 1,700 draws. The checks against the true orders, which this test knows
# and an attacker would not, are looser still, so that chance alone cannot fail them
# (8 or more matches: once in 100,000; the other bounds are five standard deviations).
CHANCE_MATCHES = 5
LOOSE_MATCHES = 7
MAX_CORRELATION = 0.7
MAX_IN_PAGE_SKEW = 0.25


@pytest.fixture
def sessions(tmp_path):
    with own_database(tmp_path, "order") as url:
        engine = make_engine(url)
        yield url, make_session_factory(engine)
        engine.dispose()


def _cast_one_after_another(db, crowded: bool = False):
    """An election, 50 voters casting in turn (a second apart), 10 replacing later.

    ``crowded``: another vote holds three times as many ballots (on paper), so that
    SQLite rewrites this vote's rows rather than the whole table.
    """
    official = factories.make_user(db, role="official")
    assembly = helpers.make_assembly(db)
    voters = [factories.make_user(db) for _ in range(VOTERS)]
    for voter in voters:
        helpers.add_member(db, assembly, voter)
    if crowded:
        other = services.open_election(db, assembly, official, "Other", "stv", 1, ["X", "Y"])
        lines = "".join(f"1 {1 + n % 2} 0\n" for n in range(3 * VOTERS))
        services.import_paper_ballots(db, other, f'2 1\n{lines}0\n"X"\n"Y"\n"Other"\n')
        db.commit()
    names = ["Ana", "Bo", "Cy", "Di", "Ed"]
    vote = services.open_election(db, assembly, official, "Board", "stv", 1, names)
    db.commit()
    options = [option.id for option in vote.options]
    rng = random.Random(2026)
    order = list(voters)
    rng.shuffle(order)  # the order of casting is not the order of user ids
    replacing = rng.sample(order, REPLACING)
    start = utcnow().replace(hour=0, minute=0, second=1, microsecond=0)
    receipts: dict[int, str] = {}
    last: list[int] = []
    stamps: list[str] = []  # each cast's time as SQLite stores it
    for second, voter in enumerate([*order, *replacing]):
        ranking = rng.sample(options, rng.randint(1, len(options)))
        now = start + dt.timedelta(seconds=second)
        stamps.append(now.strftime("%Y-%m-%d %H:%M:%S.%f"))
        receipts[voter.id] = services.cast_ballot(db, vote, voter, ranking, now=now).receipt
        db.commit()  # each cast is a request of its own
        last = [uid for uid in last if uid != voter.id] + [voter.id]
    first = [voter.id for voter in order]
    return vote, official, receipts, first, last, stamps


def _physical_order(db, url: str, vote_id: int) -> list[str]:
    """The vote's receipts in the order storage holds them (reads after a commit)."""
    if db.get_bind().dialect.name == "postgresql":
        query = text("SELECT receipt FROM ballots WHERE vote_id = :v ORDER BY ctid")
        return list(db.scalars(query, {"v": vote_id}))
    receipts = list(db.scalars(select(Ballot.receipt).where(Ballot.vote_id == vote_id)))
    db.commit()
    # SQLite: where each receipt first appears in the file (cells are in the pages of
    # the table and of its index, each page filled from its end in the order of writing).
    path = url.removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = Path(path).read_bytes()
    return sorted(receipts, key=lambda receipt: data.find(receipt.encode()))


def _in_page_agreement(url: str, receipts: dict[int, str], order: list[int]) -> float:
    """SQLite: the share of pairs of this vote's rows sharing a page whose byte order
    agrees with the order of casting (0.5: none; 0 or 1: the order is there).

    A page is filled from its end in the order of writing, whichever page it is: this
    reads each page on its own, so it sees the order however the pages interleave.
    """
    data = Path(url.removeprefix("sqlite:///")).read_bytes()
    page_size = int.from_bytes(data[16:18], "big") or 65536
    cast_position = {receipts[uid]: i for i, uid in enumerate(order)}
    pages: dict[int, list[tuple[int, str]]] = {}
    for receipt in cast_position:
        offset = data.find(receipt.encode())
        while offset != -1:
            pages.setdefault(offset // page_size, []).append((offset, receipt))
            offset = data.find(receipt.encode(), offset + 1)
    pairs = agreeing = 0
    for rows in pages.values():
        for (a_offset, a), (b_offset, b) in itertools.combinations(rows, 2):
            pairs += 1
            agreeing += (a_offset < b_offset) == (cast_position[a] < cast_position[b])
    return agreeing / pairs


def _stamps_in_file(url: str, stamps: list[str]) -> int:
    """How many of the casts' exact times the SQLite file holds, anywhere."""
    data = Path(url.removeprefix("sqlite:///")).read_bytes()
    return sum(stamp.encode() in data for stamp in stamps)


def _voted_at_order(db, vote_id: int) -> list[int]:
    """The electors who voted, in ``voted_at`` order (ties in user order), as the probe."""
    query = (
        select(VoteElector.user_id)
        .where(VoteElector.vote_id == vote_id, VoteElector.voted_at.is_not(None))
        .order_by(VoteElector.voted_at, VoteElector.user_id)
    )
    return list(db.scalars(query))


def _matches(ballots: list[str], voters: list[int], receipts: dict[int, str]) -> int:
    """Voters named by zipping the ballots with the voters, read forwards or backwards."""
    mine = [receipts[uid] for uid in voters]
    forwards = sum(a == b for a, b in zip(ballots, mine, strict=True))
    backwards = sum(a == b for a, b in zip(reversed(ballots), mine, strict=True))
    return max(forwards, backwards)


def _rank_correlation(ballots: list[str], voters: list[int], receipts: dict[int, str]) -> float:
    """Spearman's rho between storage positions and the true order of casting."""
    position = {receipt: i for i, receipt in enumerate(ballots)}
    ranks = [position[receipts[uid]] for uid in voters]
    n = len(ranks)
    squared = sum((rank - i) ** 2 for i, rank in enumerate(ranks))
    return 1 - 6 * squared / (n * (n * n - 1))


@pytest.mark.parametrize("crowded", [False, True], ids=["alone", "beside-a-larger-vote"])
def test_after_the_close_storage_order_names_no_more_voters_than_chance(sessions, crowded):
    url, factory = sessions
    with factory() as db:
        vote, official, receipts, first, last, stamps = _cast_one_after_another(db, crowded)
        before = _physical_order(db, url, vote.id)
        # The probe works before the close: storage follows the casts. (Beside a larger
        # vote the file interleaves more pages, and a whole-file reading shows less.)
        assert crowded or (
            max(
                abs(_rank_correlation(before, first, receipts)),
                abs(_rank_correlation(before, last, receipts)),
            )
            > 0.7
        )
        sqlite = db.get_bind().dialect.name == "sqlite"
        if sqlite and not crowded:  # the first casts' order is in the pages
            assert abs(_in_page_agreement(url, receipts, first) - 0.5) > 0.3
        if sqlite:  # and the exact times are in the file
            assert _stamps_in_file(url, stamps) >= len(stamps) - REPLACING
        expected = sorted(services.grouped_ballots(db, vote)[0])
        db.commit()
        vote = db.get(Vote, vote.id)

        services.close_vote(db, vote, official)
        db.commit()

    with factory() as db:
        vote = db.get(Vote, vote.id)
        after = _physical_order(db, url, vote.id)
        assert sorted(after) == sorted(receipts.values())  # no ballot lost or added
        # The probe's method against every time-like column left: no better than chance.
        assert _matches(after, _voted_at_order(db, vote.id), receipts) <= CHANCE_MATCHES
        # Nor against the true orders of first and last casts, which the test knows.
        for order in (first, last):
            assert _matches(after, order, receipts) <= LOOSE_MATCHES
            assert abs(_rank_correlation(after, order, receipts)) < MAX_CORRELATION
            if sqlite:
                assert abs(_in_page_agreement(url, receipts, order) - 0.5) < MAX_IN_PAGE_SKEW
        if sqlite:  # not even in the bytes of the file
            assert _stamps_in_file(url, stamps) == 0
        # voted_at keeps that each voter voted, and the day, not the time.
        times = set(db.scalars(select(VoteElector.voted_at).where(VoteElector.vote_id == vote.id)))
        assert len(times) <= 2 and all(t.time() == dt.time(0) for t in times)
        # Receipts, the counted ballots and the result are what they were.
        assert all(services.receipt_counted(db, vote, r) for r in receipts.values())
        assert sorted(services.grouped_ballots(db, vote)[0]) == expected
        assert vote.result["turnout"]["ballots"] == VOTERS


def test_postgresql_gives_the_closed_vote_fresh_storage(sessions):
    url, factory = sessions
    with factory() as db:
        if db.get_bind().dialect.name != "postgresql":
            pytest.skip("PostgreSQL partitions")
        vote, official, *_rest = _cast_one_after_another(db)
        partition = f"ballots_v{vote.id}"
        node = text("SELECT pg_relation_filenode(to_regclass(:name))")
        old = db.scalar(node, {"name": partition})
        dead = text(
            f"SELECT count(*) FROM ballots_v{vote.id}"  # noqa: S608 (an integer id)
        )
        assert db.scalar(dead) == VOTERS
        services.close_vote(db, vote, official)
        db.commit()
        # A new file holds the ballots; the old one, with its dead tuples, is dropped.
        assert db.scalar(node, {"name": partition}) not in (None, old)
        assert db.scalar(dead) == VOTERS
        parent = text(
            "SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = to_regclass(:n)"
        )
        assert db.scalar(parent, {"n": partition}) == "ballots"


def test_sqlite_leaves_no_write_ahead_log_after_the_close(sessions):
    url, factory = sessions
    with factory() as db:
        if db.get_bind().dialect.name != "sqlite":
            pytest.skip("SQLite files")
        vote, official, *_rest = _cast_one_after_another(db)
        services.close_vote(db, vote, official)
        db.commit()
    wal = Path(url.removeprefix("sqlite:///") + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
