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
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE ballot_keys RENAME TO ballot_keys_unpartitioned")
    op.execute("ALTER TABLE ballot_keys_unpartitioned RENAME CONSTRAINT pk_ballot_keys TO pk_ballot_keys_unpartitioned")
    op.execute(
        "CREATE TABLE ballot_keys ("
        " vote_id INTEGER NOT NULL,"
        " voter_key VARCHAR(64) NOT NULL,"
        " receipt VARCHAR(24) NOT NULL,"
        " CONSTRAINT pk_ballot_keys PRIMARY KEY (vote_id, voter_key)"
        ") PARTITION BY LIST (vote_id)"
    )
    op.execute("CREATE TABLE ballot_keys_default PARTITION OF ballot_keys DEFAULT")
    op.execute("INSERT INTO ballot_keys SELECT vote_id, voter_key, receipt FROM ballot_keys_unpartitioned")
    op.execute("DROP TABLE ballot_keys_unpartitioned")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE ballot_keys RENAME TO ballot_keys_partitioned")
    op.execute("ALTER TABLE ballot_keys_partitioned RENAME CONSTRAINT pk_ballot_keys TO pk_ballot_keys_partitioned")
    op.execute(
        "CREATE TABLE ballot_keys ("
        " vote_id INTEGER NOT NULL,"
        " voter_key VARCHAR(64) NOT NULL,"
        " receipt VARCHAR(24) NOT NULL,"
        " CONSTRAINT pk_ballot_keys PRIMARY KEY (vote_id, voter_key))"
    )
    op.execute("INSERT INTO ballot_keys SELECT vote_id, voter_key, receipt FROM ballot_keys_partitioned")
    op.execute("DROP TABLE ballot_keys_partitioned")
