"""census and code failures remember the address they came from

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:05:00

Counting wrong census attempts per person only let someone with many accounts guess on;
they are now counted per address too (assemblies/services/residents.py). Older rows have
no address and count for their person only.
"""

from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

TABLE = "assembly_verification_failures"
INDEX = "ix_assembly_verification_failures_address"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("address", sa.String(length=64), nullable=True))
    op.create_index(INDEX, TABLE, ["assembly_id", "address", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column("address")
