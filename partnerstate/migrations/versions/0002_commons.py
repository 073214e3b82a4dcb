"""commons register: records, their revisions and yearly community balances

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 20:01:30.150835
"""

from alembic import op
import sqlalchemy as sa
import partnerstate.database


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('commons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('established_on', sa.Date(), nullable=True),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('published_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('proposer_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('nature', sa.String(length=20), nullable=False),
    sa.Column('intervention', sa.String(length=30), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('district', sa.String(length=120), nullable=False),
    sa.Column('boundary', sa.JSON(), nullable=False),
    sa.Column('area', sa.JSON(), nullable=True),
    sa.Column('ownership', sa.String(length=20), nullable=True),
    sa.Column('owner_name', sa.String(length=200), nullable=False),
    sa.Column('owner_consent', sa.Boolean(), nullable=False),
    sa.Column('owner_consent_on', sa.Date(), nullable=True),
    sa.Column('stewards', sa.String(length=200), nullable=False),
    sa.Column('legal_form', sa.String(length=20), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('active_members', sa.Integer(), nullable=True),
    sa.Column('decision_rule', sa.String(length=20), nullable=True),
    sa.Column('governance', sa.JSON(), nullable=False),
    sa.Column('rules_url', sa.String(length=500), nullable=False),
    sa.Column('access_policy', sa.String(length=20), nullable=True),
    sa.Column('fees_policy', sa.String(length=30), nullable=True),
    sa.Column('fees_details', sa.JSON(), nullable=False),
    sa.Column('inclusion_measures', sa.JSON(), nullable=False),
    sa.Column('output_licence', sa.String(length=30), nullable=True),
    sa.Column('data_licence', sa.String(length=30), nullable=True),
    sa.Column('ostrom', sa.JSON(), nullable=False),
    sa.Column('ostrom_score', sa.Integer(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('sort_name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_commons_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposer_id'], ['users.id'], name=op.f('fk_commons_proposer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commons'))
    )
    with op.batch_alter_table('commons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commons_category'), ['category'], unique=False)
        batch_op.create_index('ix_commons_district_status', ['district', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_commons_nature'), ['nature'], unique=False)
        batch_op.create_index(batch_op.f('ix_commons_proposer_id'), ['proposer_id'], unique=False)
        batch_op.create_index('ix_commons_status_created_at', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_commons_status_ostrom_score', ['status', 'ostrom_score'], unique=False)
        batch_op.create_index('ix_commons_status_sort_name', ['status', 'sort_name'], unique=False)
        batch_op.create_index('ix_commons_status_updated_at', ['status', 'updated_at'], unique=False)

    _create_search_index()

    op.create_table('commons_balances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commons_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('rootedness', sa.Integer(), nullable=False),
    sa.Column('social_return', sa.Integer(), nullable=False),
    sa.Column('internal_democracy', sa.Integer(), nullable=False),
    sa.Column('care', sa.Integer(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_commons_balances_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['commons_id'], ['commons.id'], name=op.f('fk_commons_balances_commons_id_commons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commons_balances')),
    sa.UniqueConstraint('commons_id', 'year', name=op.f('uq_commons_balances_commons_id'))
    )
    op.create_table('commons_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commons_id', sa.Integer(), nullable=False),
    sa.Column('created_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_commons_revisions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['commons_id'], ['commons.id'], name=op.f('fk_commons_revisions_commons_id_commons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commons_revisions'))
    )
    with op.batch_alter_table('commons_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commons_revisions_commons_id'), ['commons_id'], unique=False)


def _create_search_index() -> None:
    """Trigram index for ``search_text LIKE '%word%'`` on PostgreSQL (pg_trgm).

    pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13+), so
    the database owner may create it. Where that is refused, search still works
    by scanning, only slower. On SQLite the index is an empty partial one that
    only keeps the schema identical to the models (see models.Commons).
    """
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        op.create_index(
            "ix_commons_search_text", "commons", ["search_text"], sqlite_where=sa.text("0")
        )
        return
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return
    op.create_index(
        "ix_commons_search_text",
        "commons",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_commons_search_text")
    with op.batch_alter_table('commons_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commons_revisions_commons_id'))

    op.drop_table('commons_revisions')
    op.drop_table('commons_balances')
    with op.batch_alter_table('commons', schema=None) as batch_op:
        batch_op.drop_index('ix_commons_status_updated_at')
        batch_op.drop_index('ix_commons_status_sort_name')
        batch_op.drop_index('ix_commons_status_ostrom_score')
        batch_op.drop_index('ix_commons_status_created_at')
        batch_op.drop_index(batch_op.f('ix_commons_proposer_id'))
        batch_op.drop_index(batch_op.f('ix_commons_nature'))
        batch_op.drop_index('ix_commons_district_status')
        batch_op.drop_index(batch_op.f('ix_commons_category'))

    op.drop_table('commons')