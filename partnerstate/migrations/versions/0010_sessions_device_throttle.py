"""server-side sessions; login failures counted per account and address, and per device

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 01:30:00

user_sessions holds one row per signed-in browser (the digest of the id its cookie
carries), so that signing out, "sign out everywhere" and a password change end sessions
for good (partnerstate/services/sessions.py). Cookies issued before this migration hold
no session id: their owners sign in once more.

Login failures are now counted per (account, address) rather than per account, and per
device cookie (partnerstate/services/throttle.py): the index on (email, created_at)
becomes one on (email, address, created_at), and a nullable device column is added.
"""

from alembic import op
import sqlalchemy as sa
import partnerstate.database

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", partnerstate.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", partnerstate.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", partnerstate.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions") as batch:
        batch.create_index(batch.f("ix_user_sessions_expires_at"), ["expires_at"], unique=False)
        batch.create_index(batch.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("login_failures") as batch:
        batch.add_column(sa.Column("device", sa.String(length=32), nullable=True))
        batch.drop_index("ix_login_failures_email_at")
        batch.create_index(
            "ix_login_failures_email_address_at", ["email", "address", "created_at"], unique=False
        )
        batch.create_index("ix_login_failures_device_at", ["device", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_index("ix_login_failures_device_at")
        batch.drop_index("ix_login_failures_email_address_at")
        batch.create_index("ix_login_failures_email_at", ["email", "created_at"], unique=False)
        batch.drop_column("device")
    with op.batch_alter_table("user_sessions") as batch:
        batch.drop_index(batch.f("ix_user_sessions_user_id"))
        batch.drop_index(batch.f("ix_user_sessions_expires_at"))
    op.drop_table("user_sessions")
