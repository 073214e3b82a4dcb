"""charters: the frozen text of adopted partnerships, their signatures and signed scans

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 21:13:24.839063
"""

from alembic import op
import sqlalchemy as sa
import partnerstate.database


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One charter per adopted partnership and language; sha256 is its verification code.
    op.create_table('charters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('commons_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('base_url', sa.String(length=300), nullable=False),
    sa.Column('issued_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('city_signatory_id', sa.Integer(), nullable=True),
    sa.Column('commons_signatory_id', sa.Integer(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('signed_pdf', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['city_signatory_id'], ['users.id'], name=op.f('fk_charters_city_signatory_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['commons_id'], ['commons.id'], name=op.f('fk_charters_commons_id_commons'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['commons_signatory_id'], ['users.id'], name=op.f('fk_charters_commons_signatory_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_charters_issued_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_charters_partnership_id_partnerships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charters')),
    sa.UniqueConstraint('partnership_id', 'locale', name=op.f('uq_charters_partnership_id')),
    sa.UniqueConstraint('sha256', name=op.f('uq_charters_sha256'))
    )
    with op.batch_alter_table('charters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charters_commons_id'), ['commons_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charters_issued_at'), ['issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_charters_status'), ['status'], unique=False)

    # Scans of the wet-ink signed paper copies, with the digest of each file.
    op.create_table('charter_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('charter_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['charter_id'], ['charters.id'], name=op.f('fk_charter_scans_charter_id_charters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_charter_scans_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_scans'))
    )
    with op.batch_alter_table('charter_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_scans_charter_id'), ['charter_id'], unique=False)

    # One signature per party (city, commons).
    op.create_table('charter_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('charter_id', sa.Integer(), nullable=False),
    sa.Column('party', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('signed_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['charter_id'], ['charters.id'], name=op.f('fk_charter_signatures_charter_id_charters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_charter_signatures_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_charter_signatures_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_signatures')),
    sa.UniqueConstraint('charter_id', 'party', name=op.f('uq_charter_signatures_charter_id'))
    )


def downgrade() -> None:
    op.drop_table('charter_signatures')
    with op.batch_alter_table('charter_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_scans_charter_id'))

    op.drop_table('charter_scans')
    with op.batch_alter_table('charters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charters_status'))
        batch_op.drop_index(batch_op.f('ix_charters_issued_at'))
        batch_op.drop_index(batch_op.f('ix_charters_commons_id'))

    op.drop_table('charters')
