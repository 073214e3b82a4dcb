"""votes: options, frozen electorates, anonymous ballots, voter keys

ballots and ballot_keys have no rowid on SQLite (rows in key order, no hidden
insertion order) and ballot_keys has no foreign key (it is deleted in bulk at each
close); see docs/ballot-secrecy.md.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 21:11:32.616406
"""

from alembic import op
import sqlalchemy as sa
import partnerstate.database


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ballot_keys',
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('voter_key', sa.String(length=64), nullable=False),
    sa.Column('receipt', sa.String(length=24), nullable=False),
    sa.PrimaryKeyConstraint('vote_id', 'voter_key', name=op.f('pk_ballot_keys')),
    sqlite_with_rowid=False
    )
    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('quorum_percent', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_at', partnerstate.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closes_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('tie_break_seed', sa.String(length=64), nullable=False),
    sa.Column('tie_break', sa.JSON(), nullable=False),
    sa.Column('electorate_size', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('secret', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_votes_assembly_id_assemblies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_votes_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_votes_opened_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_votes_partnership_id_partnerships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_assembly_id'), ['assembly_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_votes_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index('ix_votes_status_closes_at', ['status', 'closes_at'], unique=False)

    op.create_table('ballots',
    sa.Column('receipt', sa.String(length=24), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('ranking', sa.Text(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_ballots_vote_id_votes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('receipt', name=op.f('pk_ballots')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index('ix_ballots_vote_id_ranking', ['vote_id', 'ranking', 'source', 'weight'], unique=False)

    op.create_table('vote_electors',
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('voted_at', partnerstate.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_vote_electors_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_electors_vote_id_votes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vote_id', 'user_id', name=op.f('pk_vote_electors'))
    )
    with op.batch_alter_table('vote_electors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_electors_user_id'), ['user_id'], unique=False)

    op.create_table('vote_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.JSON(), nullable=False),
    sa.Column('status_quo', sa.Boolean(), nullable=False),
    sa.Column('alternative_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], name=op.f('fk_vote_options_vote_id_votes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_options')),
    sa.UniqueConstraint('vote_id', 'position', name=op.f('uq_vote_options_vote_id'))
    )


def downgrade() -> None:
    op.drop_table('vote_options')
    with op.batch_alter_table('vote_electors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_electors_user_id'))

    op.drop_table('vote_electors')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index('ix_ballots_vote_id_ranking')

    op.drop_table('ballots')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index('ix_votes_status_closes_at')
        batch_op.drop_index(batch_op.f('ix_votes_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_votes_assembly_id'))

    op.drop_table('votes')
    op.drop_table('ballot_keys')
