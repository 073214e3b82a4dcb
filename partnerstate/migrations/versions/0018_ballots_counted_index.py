"""ballots of closed votes leave the ranking index: the close no longer sorts them

Revision ID: 0018
Revises: 0013
Create Date: 2026-12-07 02:30:00

The close rewrites a vote's ballots into fresh storage (migration 0009), and every
index of that storage is built again by sorting its entries: on SQLite, a million
entries of ix_ballots_vote_id_ranking took most of the close. The close's
``GROUP BY ranking`` needs that index only while the vote is open (without it SQLite
sorts the rows, which costs as much). So each ballot gets ``counted``, set for all the
ballots of a vote when it closes, and the index keeps the uncounted ones only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = '0013'
branch_labels = None
depends_on = None

COLUMNS = "vote_id, ranking, source, weight"


def upgrade() -> None:
    op.add_column(
        "ballots", sa.Column("counted", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.execute(
        "UPDATE ballots SET counted = true"
        " WHERE vote_id IN (SELECT id FROM votes WHERE status = 'closed')"
    )
    op.execute("DROP INDEX ix_ballots_vote_id_ranking")
    uncounted = "counted = 0" if op.get_bind().dialect.name == "sqlite" else "NOT counted"
    # ``counted`` in the index too, or SQLite reads each row to check the condition.
    op.execute(
        f"CREATE INDEX ix_ballots_uncounted_ranking ON ballots ({COLUMNS}, counted)"
        f" WHERE {uncounted}"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_ballots_uncounted_ranking")
    op.drop_column("ballots", "counted")
    op.execute(f"CREATE INDEX ix_ballots_vote_id_ranking ON ballots ({COLUMNS})")
