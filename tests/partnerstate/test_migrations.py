"""One linear Alembic history whose result matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from partnerstate import migrate
from partnerstate.database import Base, described_by_models, load_all_models


def test_history_has_a_single_head():
    script = ScriptDirectory.from_config(migrate.alembic_config())
    heads = script.get_heads()
    assert len(heads) == 1, (
        f"several migration heads: {heads}; point one down_revision at the other"
    )


def test_migrated_schema_matches_the_models(engine):
    load_all_models()
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": described_by_models}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], f"models and migrations disagree: {differences}"
