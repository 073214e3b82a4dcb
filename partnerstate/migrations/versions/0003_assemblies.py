"""assemblies: assemblies, memberships, join requests, residents, census, invitations, meetings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 21:00:00
"""

from alembic import op
import sqlalchemy as sa
import partnerstate.database


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assemblies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('default_locale', sa.String(length=10), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.Column('quorum_percent', sa.Float(), nullable=True),
    sa.Column('join_policy', sa.String(length=20), nullable=False),
    sa.Column('requires_verification', sa.Boolean(), nullable=False),
    sa.Column('census_key', sa.String(length=20), nullable=True),
    sa.Column('census_salt', sa.String(length=64), nullable=False),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assemblies_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assemblies'))
    )
    op.create_table('assembly_census_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('imported_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.Column('used_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_census_entries_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], name=op.f('fk_assembly_census_entries_used_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_census_entries')),
    sa.UniqueConstraint('assembly_id', 'digest', name=op.f('uq_assembly_census_entries_assembly_id'))
    )
    op.create_table('assembly_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=8), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('used_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_invitations_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assembly_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], name=op.f('fk_assembly_invitations_used_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_invitations')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_assembly_invitations_code_hash'))
    )
    op.create_index('ix_assembly_invitations_assembly_id', 'assembly_invitations', ['assembly_id'], unique=False)
    op.create_table('assembly_join_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_join_requests_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_assembly_join_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assembly_join_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_join_requests'))
    )
    op.create_index('ix_assembly_join_requests_assembly_status', 'assembly_join_requests', ['assembly_id', 'status'], unique=False)
    op.create_index('ix_assembly_join_requests_user_assembly', 'assembly_join_requests', ['user_id', 'assembly_id'], unique=False)
    op.create_table('assembly_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('starts_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('minutes_recorded_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('minutes_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_meetings_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assembly_meetings_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['minutes_by_id'], ['users.id'], name=op.f('fk_assembly_meetings_minutes_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_meetings'))
    )
    op.create_index('ix_assembly_meetings_assembly_starts', 'assembly_meetings', ['assembly_id', 'starts_at'], unique=False)
    op.create_table('assembly_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_assembly_memberships_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_memberships_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assembly_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_memberships')),
    sa.UniqueConstraint('assembly_id', 'user_id', name=op.f('uq_assembly_memberships_assembly_id'))
    )
    op.create_index(op.f('ix_assembly_memberships_user_id'), 'assembly_memberships', ['user_id'], unique=False)
    op.create_table('assembly_residents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('verified_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_residents_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assembly_residents_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_assembly_residents_verified_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_residents')),
    sa.UniqueConstraint('assembly_id', 'user_id', name=op.f('uq_assembly_residents_assembly_id'))
    )
    op.create_index(op.f('ix_assembly_residents_user_id'), 'assembly_residents', ['user_id'], unique=False)
    op.create_table('assembly_verification_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_verification_failures_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assembly_verification_failures_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_verification_failures'))
    )
    op.create_index('ix_assembly_verification_failures_lookup', 'assembly_verification_failures', ['assembly_id', 'user_id', 'created_at'], unique=False)
    op.create_table('assembly_agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['assembly_meetings.id'], name=op.f('fk_assembly_agenda_items_meeting_id_assembly_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_agenda_items'))
    )
    op.create_index(op.f('ix_assembly_agenda_items_meeting_id'), 'assembly_agenda_items', ['meeting_id'], unique=False)
    op.create_table('assembly_meeting_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('registered_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['assembly_meetings.id'], name=op.f('fk_assembly_meeting_attendance_meeting_id_assembly_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assembly_meeting_attendance_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_meeting_attendance')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_assembly_meeting_attendance_meeting_id'))
    )
    op.create_index(op.f('ix_assembly_meeting_attendance_user_id'), 'assembly_meeting_attendance', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_assembly_meeting_attendance_user_id'), table_name='assembly_meeting_attendance')
    op.drop_table('assembly_meeting_attendance')
    op.drop_index(op.f('ix_assembly_agenda_items_meeting_id'), table_name='assembly_agenda_items')
    op.drop_table('assembly_agenda_items')
    op.drop_index('ix_assembly_verification_failures_lookup', table_name='assembly_verification_failures')
    op.drop_table('assembly_verification_failures')
    op.drop_index(op.f('ix_assembly_residents_user_id'), table_name='assembly_residents')
    op.drop_table('assembly_residents')
    op.drop_index(op.f('ix_assembly_memberships_user_id'), table_name='assembly_memberships')
    op.drop_table('assembly_memberships')
    op.drop_index('ix_assembly_meetings_assembly_starts', table_name='assembly_meetings')
    op.drop_table('assembly_meetings')
    op.drop_index('ix_assembly_join_requests_user_assembly', table_name='assembly_join_requests')
    op.drop_index('ix_assembly_join_requests_assembly_status', table_name='assembly_join_requests')
    op.drop_table('assembly_join_requests')
    op.drop_index('ix_assembly_invitations_assembly_id', table_name='assembly_invitations')
    op.drop_table('assembly_invitations')
    op.drop_table('assembly_census_entries')
    op.drop_table('assemblies')
