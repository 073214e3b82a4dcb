"""Where the voter keys of a vote live, and how they are destroyed at its close.

``ballot_keys`` links HMAC(vote secret, voter) to a receipt while a vote is open, so
that a voter can replace their ballot; the close destroys every row of the vote. On
PostgreSQL the table is partitioned by vote (migration 0007): each vote gets its own
partition when it opens, and the close drops it, which takes milliseconds where a
million-row ``DELETE`` took one to two seconds. SQLite deletes the rows (its narrow
table without rowid makes that quick).
"""

from __future__ import annotations

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from deliberation.votes.models import BallotKey

# A table per vote: vote ids are integers, so the name needs no quoting.
PARTITION = "ballot_keys_v{vote_id}"


def _partitioned(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def prepare(db: Session, vote_id: int) -> None:
    """Give a new vote its own partition of the keys (PostgreSQL)."""
    if _partitioned(db):
        name = PARTITION.format(vote_id=int(vote_id))
        db.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF ballot_keys "
                f"FOR VALUES IN ({int(vote_id)})"
            )
        )


def destroy(db: Session, vote_id: int) -> None:
    """Delete every voter key of the vote, whichever way they are stored."""
    if _partitioned(db):
        name = PARTITION.format(vote_id=int(vote_id))
        if db.scalar(text("SELECT to_regclass(:name)"), {"name": name}) is not None:
            db.execute(text(f"DROP TABLE {name}"))
    # Rows without a partition of their own (votes opened before migration 0007, or
    # SQLite) are deleted; on a dropped partition this finds nothing.
    db.execute(delete(BallotKey).where(BallotKey.vote_id == vote_id))
