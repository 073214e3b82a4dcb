"""partnerships and their deliberation: versions, arguments, alternatives, flags, notification marks

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 21:03:43.413871
"""

from alembic import op
import sqlalchemy as sa
import partnerstate.database


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notification_marks',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_marks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_marks'))
    )
    op.create_table('partnerships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('commons_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.JSON(), nullable=False),
    sa.Column('objectives', sa.JSON(), nullable=False),
    sa.Column('city_commitments', sa.JSON(), nullable=False),
    sa.Column('commons_commitments', sa.JSON(), nullable=False),
    sa.Column('access_rules', sa.JSON(), nullable=False),
    sa.Column('governance', sa.JSON(), nullable=False),
    sa.Column('resources', sa.JSON(), nullable=False),
    sa.Column('output_licence', sa.String(length=30), nullable=True),
    sa.Column('duration_months', sa.Integer(), nullable=True),
    sa.Column('evaluation', sa.JSON(), nullable=False),
    sa.Column('dispute_resolution', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deliberation_opened_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deliberation_ends_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('voting_started_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signed_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('activated_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closing_reason', sa.Text(), nullable=True),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_partnerships_assembly_id_assemblies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['commons_id'], ['commons.id'], name=op.f('fk_partnerships_commons_id_commons'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_partnerships_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnerships'))
    )
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerships_assembly_id'), ['assembly_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_commons_id'), ['commons_id'], unique=False)
        batch_op.create_index('ix_partnerships_status_updated_at', ['status', 'updated_at'], unique=False)

    op.create_table('alternatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('partnership_version', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decline_reason', sa.String(length=20), nullable=True),
    sa.Column('decline_note', sa.Text(), nullable=True),
    sa.Column('declined_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('declined_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_alternatives_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['declined_by_id'], ['users.id'], name=op.f('fk_alternatives_declined_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_alternatives_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alternatives'))
    )
    with op.batch_alter_table('alternatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alternatives_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('arguments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('stance', sa.String(length=10), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('partnership_version', sa.Integer(), nullable=False),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_arguments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_arguments_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['arguments.id'], name=op.f('fk_arguments_parent_id_arguments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_arguments_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arguments'))
    )
    with op.batch_alter_table('arguments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arguments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_arguments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_arguments_partnership_id_created_at', ['partnership_id', 'created_at'], unique=False)

    op.create_table('partnership_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_partnership_versions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_versions_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_versions')),
    sa.UniqueConstraint('partnership_id', 'number', name=op.f('uq_partnership_versions_partnership_id'))
    )
    with op.batch_alter_table('partnership_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_versions_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('argument_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('argument_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['argument_id'], ['arguments.id'], name=op.f('fk_argument_flags_argument_id_arguments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_argument_flags_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_argument_flags')),
    sa.UniqueConstraint('argument_id', 'user_id', name=op.f('uq_argument_flags_argument_id'))
    )
    with op.batch_alter_table('argument_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_argument_flags_argument_id'), ['argument_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('argument_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_argument_flags_argument_id'))

    op.drop_table('argument_flags')
    with op.batch_alter_table('partnership_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_versions_partnership_id'))

    op.drop_table('partnership_versions')
    with op.batch_alter_table('arguments', schema=None) as batch_op:
        batch_op.drop_index('ix_arguments_partnership_id_created_at')
        batch_op.drop_index(batch_op.f('ix_arguments_parent_id'))
        batch_op.drop_index(batch_op.f('ix_arguments_author_id'))

    op.drop_table('arguments')
    with op.batch_alter_table('alternatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alternatives_partnership_id'))

    op.drop_table('alternatives')
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_index('ix_partnerships_status_updated_at')
        batch_op.drop_index(batch_op.f('ix_partnerships_commons_id'))
        batch_op.drop_index(batch_op.f('ix_partnerships_assembly_id'))

    op.drop_table('partnerships')
    op.drop_table('notification_marks')
