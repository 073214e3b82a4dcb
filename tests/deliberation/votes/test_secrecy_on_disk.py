"""After a close, the SQLite files themselves no longer link voters to ballots.

The other tests share one connection and roll back, so nothing reaches the disk; this
one writes a real database file, closes a vote and reads the file and its write-ahead
log byte by byte for the vote's secret and for the voter keys derived from it.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from deliberation.votes import keys as voter_keys
from deliberation.votes import services
from deliberation.votes.models import BallotKey
from partnerstate import migrate
from partnerstate.database import make_engine, make_session_factory
from tests.partnerstate.partnerships import helpers


def _on_disk(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "secrecy.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    yield path, make_session_factory(engine)
    engine.dispose()


def _voted(db):
    """An open vote in which two people have voted, committed; and its official."""
    cast = helpers.make_cast(db)
    partnership = helpers.make_partnership(
        db, cast.official, cast.assembly, cast.commons, "deliberation"
    )
    vote = services.open_partnership_vote(db, partnership, cast.facilitator)
    db.commit()
    options = [option.id for option in vote.options]
    for voter in (cast.facilitator, cast.member):
        services.cast_ballot(db, vote, voter, options)
    db.commit()
    return vote, cast.official


def test_the_close_leaves_no_secret_or_voter_key_in_the_files(database):
    path, sessions = database
    with sessions() as db:
        vote, official = _voted(db)
        secret = vote.secret.encode()
        keys = [key.encode() for key in db.scalars(select(BallotKey.voter_key))]
        assert secret in _on_disk(path)  # the test can see them before the close

        services.close_vote(db, vote, official)
        db.commit()

    found = _on_disk(path)
    assert secret not in found
    assert keys and not any(key in found for key in keys)


def test_a_busy_reader_delays_the_close_by_a_second_at_most(database):
    path, sessions = database
    with sessions() as db:
        vote, official = _voted(db)
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM votes").fetchone()  # holds a snapshot
        started = time.monotonic()
        services.close_vote(db, vote, official)
        db.commit()
        assert time.monotonic() - started < voter_keys.CHECKPOINT_WAIT_MS / 1000 + 1
        reader.execute("COMMIT")
        reader.close()
        assert db.get(type(vote), vote.id).status == "closed"
