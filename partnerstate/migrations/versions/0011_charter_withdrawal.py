"""charters may be withdrawn: who, when, why; one *current* charter per language

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 01:40:00

An unsigned charter issued by mistake is withdrawn with a reason and stays in the
register. The unique (partnership_id, locale) constraint becomes a partial unique
index over the charters that are not withdrawn, so the charter can be issued again.
"""

from alembic import op
import sqlalchemy as sa

import partnerstate.database

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

INDEX = "uq_charters_current_partnership_locale"
NOT_WITHDRAWN = sa.text("status != 'withdrawn'")


def upgrade() -> None:
    with op.batch_alter_table("charters") as batch:
        batch.drop_constraint("uq_charters_partnership_id", type_="unique")
        batch.add_column(sa.Column("withdrawn_at", partnerstate.database.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))
        batch.create_foreign_key(
            "fk_charters_withdrawn_by_id_users", "users", ["withdrawn_by_id"], ["id"],
            ondelete="SET NULL",
        )
    op.create_index(
        INDEX, "charters", ["partnership_id", "locale"], unique=True,
        sqlite_where=NOT_WITHDRAWN, postgresql_where=NOT_WITHDRAWN,
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="charters")
    with op.batch_alter_table("charters") as batch:
        batch.drop_constraint("fk_charters_withdrawn_by_id_users", type_="foreignkey")
        batch.drop_column("withdrawal_reason")
        batch.drop_column("withdrawn_by_id")
        batch.drop_column("withdrawn_at")
        batch.create_unique_constraint("uq_charters_partnership_id", ["partnership_id", "locale"])
