"""Alembic environment: the URL comes from partnerstate's settings, models from every package."""

from __future__ import annotations

from alembic import context

from partnerstate.database import Base, described_by_models, load_all_models, make_engine
from partnerstate.settings import load_settings

load_all_models()
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or load_settings().database_url
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection)
        connection.commit()
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds tables.
        render_as_batch=True,
        compare_type=True,
        include_object=described_by_models,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `partnerstate init`")
run_migrations()
