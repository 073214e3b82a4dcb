"""mail and scheduled work: the outbox, jobs, password resets, email invitations

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 01:16:39

Messages are recorded in the transaction of the action that causes them and delivered
by the worker (docs/mail.md); jobs are work a request leaves to the worker (fan-outs,
once-only notices); password_resets holds the hashed single-use reset tokens; users get
their notification choice and the time their address was confirmed (older accounts are
taken as confirmed); assembly_email_invitations are invitations to join by mail.
"""

from alembic import op
import sqlalchemy as sa
import partnerstate.database


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_notifications', sa.String(length=10), server_default='immediate', nullable=False))
        batch_op.add_column(sa.Column('email_verified_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True))
    # Accounts made before verification existed keep being mailed: taken as verified.
    op.execute("UPDATE users SET email_verified_at = created_at")

    op.create_table('assembly_email_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_assembly_email_invitations_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_email_invitations_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_assembly_email_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_email_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_assembly_email_invitations_token_hash'))
    )
    with op.batch_alter_table('assembly_email_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assembly_email_invitations_assembly_id'), ['assembly_id'], unique=False)

    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('run_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    sa.UniqueConstraint('key', name=op.f('uq_jobs_key'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_status_due', ['status', 'run_at'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('first_failed_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('delivered_to', sa.String(length=300), nullable=True),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outbox_messages_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_messages_message_id'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_outbox_messages_status_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_user_id'), ['user_id'], unique=False)

    op.create_table('password_resets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_resets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_resets')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_resets_token_hash'))
    )
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.create_index('ix_password_resets_address_at', ['address', 'created_at'], unique=False)
        batch_op.create_index('ix_password_resets_email_at', ['email', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_password_resets_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_resets_user_id'))
        batch_op.drop_index('ix_password_resets_email_at')
        batch_op.drop_index('ix_password_resets_address_at')

    op.drop_table('password_resets')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_status_due')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_user_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_created_at'))

    op.drop_table('outbox_messages')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status_due')

    op.drop_table('jobs')
    with op.batch_alter_table('assembly_email_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assembly_email_invitations_assembly_id'))

    op.drop_table('assembly_email_invitations')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
        batch_op.drop_column('email_notifications')
