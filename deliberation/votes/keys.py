"""Where the voter keys of a vote live, and how they are destroyed at its close.

``ballot_keys`` links HMAC(vote secret, voter) to a receipt while a vote is open, so
that a voter can replace their ballot; the close destroys every row of the vote. On
PostgreSQL the table is partitioned by vote (migration 0007): each vote gets its own
partition when it opens, and the close drops it, which takes milliseconds where a
million-row ``DELETE`` took one to two seconds. SQLite deletes the rows (its narrow
table without rowid makes that quick, and quicker still when no other vote is open).
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, event, select, text
from sqlalchemy.orm import Session

from deliberation.votes.models import BallotKey
from deliberation.votes.storage import create_vote_partition
from partnerstate.database import BUSY_TIMEOUT_MS

_KEYS = BallotKey.__table__
# A table per vote: vote ids are integers, so the name needs no quoting.
PARTITION = "ballot_keys_v{vote_id}"
# How long the post-close checkpoint waits for SQLite readers to finish.
CHECKPOINT_WAIT_MS = 1000


def _partitioned(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def prepare(db: Session, vote_id: int) -> None:
    """Give a new vote its own partition of the keys (PostgreSQL)."""
    create_vote_partition(db, "ballot_keys", PARTITION, vote_id)


def destroy(db: Session, vote_id: int) -> None:
    """Delete every voter key of the vote, whichever way they are stored."""
    if _partitioned(db):
        name = PARTITION.format(vote_id=int(vote_id))
        if db.scalar(text("SELECT to_regclass(:name)"), {"name": name}) is not None:
            db.execute(text(f"DROP TABLE {name}"))
        # Rows of votes opened before migration 0007 sit in the default partition.
        db.execute(delete(_KEYS).where(_KEYS.c.vote_id == vote_id))
        return
    # SQLite: when no other vote holds keys, a DELETE without a condition lets SQLite
    # free the table's pages at once (its truncate optimization) rather than row by
    # row: 0.54 -> 0.34 s with the commit for a million keys. The close holds the write
    # lock, so no key of another vote can arrive in between.
    others = db.scalar(select(_KEYS.c.vote_id).where(_KEYS.c.vote_id != vote_id).limit(1))
    db.execute(delete(_KEYS) if others is None else delete(_KEYS).where(_KEYS.c.vote_id == vote_id))
    _checkpoint_after_commit(db)


def _checkpoint_after_commit(db: Session) -> None:
    """Once the close is committed, copy SQLite's write-ahead log into the database file
    and empty it: until then the log, and the file's pages it supersedes, still hold the
    deleted keys and the vote's secret, so a copy of the two files could link voters to
    ballots. A reader busy for longer than CHECKPOINT_WAIT_MS leaves it to a later
    checkpoint rather than hold the closing request."""
    bind = db.get_bind()
    if isinstance(bind, Connection):
        return  # the session joins its caller's transaction: that one reaches the disk
    engine = bind.engine

    @event.listens_for(db, "after_commit", once=True)
    def checkpoint(_session: Session) -> None:
        # A pool connection outside any transaction (BEGIN would forbid the checkpoint).
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            connection.close()
