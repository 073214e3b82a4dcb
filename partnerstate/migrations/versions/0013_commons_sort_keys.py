"""commons names sorted by each language's collation

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 01:40:00

"Name (A to Z)" ordered every reader by a folded English name. Each commons now has
the ICU collation key of the name shown in each interface language
(partnerstate/commons/collation.py); existing records get theirs here.
"""

from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TABLE = "commons_sort_keys"


def upgrade() -> None:
    op.create_table(TABLE,
    sa.Column('commons_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('sort_key', sa.LargeBinary(length=400), nullable=False),
    sa.ForeignKeyConstraint(['commons_id'], ['commons.id'], name=op.f('fk_commons_sort_keys_commons_id_commons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('commons_id', 'locale', name=op.f('pk_commons_sort_keys'))
    )
    op.create_index('ix_commons_sort_keys_locale_sort_key', TABLE, ['locale', 'sort_key', 'commons_id'], unique=False)
    _fill_keys()


def _fill_keys() -> None:
    # The app's own functions, so that old and new records are ordered alike.
    from partnerstate.commons.collation import sort_key
    from partnerstate.i18n import LOCALES
    from partnerstate.localized import pick

    connection = op.get_bind()
    commons = sa.table("commons", sa.column("id", sa.Integer), sa.column("name", sa.JSON))
    keys = sa.table(
        TABLE,
        sa.column("commons_id", sa.Integer),
        sa.column("locale", sa.String),
        sa.column("sort_key", sa.LargeBinary),
    )
    rows = [
        {"commons_id": id_, "locale": locale, "sort_key": sort_key(locale, pick(name, locale))}
        for id_, name in connection.execute(sa.select(commons.c.id, commons.c.name))
        for locale in LOCALES
    ]
    if rows:
        connection.execute(keys.insert(), rows)


def downgrade() -> None:
    op.drop_index('ix_commons_sort_keys_locale_sort_key', table_name=TABLE)
    op.drop_table(TABLE)
