"""ballots keyed by (vote, receipt), partitioned by vote on PostgreSQL, rewritten in key order

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 01:40:00

A close rewrites its vote's ballots in receipt order into fresh storage, so that the
physical order of the rows no longer follows the order of casting
(deliberation/votes/storage.py). On PostgreSQL that fresh storage is a new partition
of its own, swapped for the old one, which is dropped with its dead tuples; every vote
already there gets its partition now. A partitioned table's key must hold the
partition column, hence the key (vote_id, receipt) on both engines. The copy below is
in key order too, which also wipes the order of casting from votes closed before.
"""

from alembic import op

revision = "0009"
down_revision = '0008'
branch_labels = None
depends_on = None

OLD = "ballots_before_0009"
COLUMNS = "receipt, vote_id, ranking, weight, source"


def upgrade() -> None:
    _rebuild(key="vote_id, receipt", partitioned=op.get_bind().dialect.name == "postgresql")


def downgrade() -> None:
    _rebuild(key="receipt", partitioned=False)


def _rebuild(key: str, partitioned: bool) -> None:
    """Set the table aside, create it anew with ``key``, copy the rows in key order."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("DROP INDEX ix_ballots_vote_id_ranking")
    op.execute(f"ALTER TABLE ballots RENAME TO {OLD}")
    if not sqlite:
        op.execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT pk_ballots TO pk_{OLD}")
        op.execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT fk_ballots_vote_id_votes TO fk_{OLD}")
    op.execute(
        "CREATE TABLE ballots ("
        " receipt VARCHAR(24) NOT NULL,"
        " vote_id INTEGER NOT NULL,"
        " ranking TEXT NOT NULL,"
        " weight INTEGER NOT NULL,"
        " source VARCHAR(10) NOT NULL,"
        f" CONSTRAINT pk_ballots PRIMARY KEY ({key}),"
        " CONSTRAINT fk_ballots_vote_id_votes FOREIGN KEY(vote_id)"
        " REFERENCES votes (id) ON DELETE CASCADE"
        ")"
        + (" WITHOUT ROWID" if sqlite else "")
        + (" PARTITION BY LIST (vote_id)" if partitioned else "")
    )
    if partitioned:
        # A vote without a partition of its own (none should be) lands here.
        op.execute("CREATE TABLE ballots_default PARTITION OF ballots DEFAULT")
        for (vote_id,) in op.get_bind().exec_driver_sql("SELECT id FROM votes ORDER BY id"):
            op.execute(
                f"CREATE TABLE ballots_v{int(vote_id)} PARTITION OF ballots"
                f" FOR VALUES IN ({int(vote_id)})"
            )
    op.execute(
        f"INSERT INTO ballots ({COLUMNS}) SELECT {COLUMNS} FROM {OLD} ORDER BY vote_id, receipt"
    )
    op.execute(f"DROP TABLE {OLD}")
    op.execute(
        "CREATE INDEX ix_ballots_vote_id_ranking ON ballots (vote_id, ranking, source, weight)"
    )
