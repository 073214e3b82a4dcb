"""ballots lose their index on (vote_id, ranking, source, weight): the close is quicker

Revision ID: 0018
Revises: 0012
Create Date: 2026-12-07 02:30:00

The close rewrites a vote's ballots into fresh storage (migration 0009), and every
index of that storage has to be built again: on SQLite, sorting a million entries of
this one took most of the close (deliberation/votes/storage.py). No query needs it:
the close's ``GROUP BY ranking`` reads the vote's rows through the key as fast
(SQLite sorts them, PostgreSQL hashes them), and the other queries of the ballots use
the key (vote_id, receipt).
"""

from alembic import op

revision = "0018"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX ix_ballots_vote_id_ranking")


def downgrade() -> None:
    op.execute(
        "CREATE INDEX ix_ballots_vote_id_ranking ON ballots (vote_id, ranking, source, weight)"
    )
