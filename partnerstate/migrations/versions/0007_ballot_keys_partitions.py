"""ballot_keys partitioned by vote on PostgreSQL, so that a close drops its partition

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 05:35:00

SQLite is left as it is. Rows already there (open votes) move to a default partition,
from which the close deletes them as before; votes opened from now on get their own
partition (deliberation/votes/keys.py).
"""

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    _rebuild(old="ballot_keys_unpartitioned", partitioned=True)


def downgrade() -> None:
    _rebuild(old="ballot_keys_partitioned", partitioned=False)


def _rebuild(old: str, partitioned: bool) -> None:
    """Set the table aside as ``old``, create it anew, copy the keys over, drop ``old``."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE ballot_keys RENAME TO {old}")
    op.execute(f"ALTER TABLE {old} RENAME CONSTRAINT pk_ballot_keys TO pk_{old}")
    op.execute(
        "CREATE TABLE ballot_keys ("
        " vote_id INTEGER NOT NULL,"
        " voter_key VARCHAR(64) NOT NULL,"
        " receipt VARCHAR(24) NOT NULL,"
        " CONSTRAINT pk_ballot_keys PRIMARY KEY (vote_id, voter_key)"
        ")" + (" PARTITION BY LIST (vote_id)" if partitioned else "")
    )
    if partitioned:
        # Keys of votes already open land here; new votes get partitions of their own.
        op.execute("CREATE TABLE ballot_keys_default PARTITION OF ballot_keys DEFAULT")
    op.execute(f"INSERT INTO ballot_keys SELECT vote_id, voter_key, receipt FROM {old}")
    op.execute(f"DROP TABLE {old}")
