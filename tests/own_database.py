"""A migrated database that a test commits to, apart from the suite's rolled-back one.

Tests of what reaches the disk (row order, files, a server killed mid-write) need real
commits: on SQLite a file of their own, on PostgreSQL (PARTNERSTATE_TEST_DATABASE_URL)
a database of their own on the same server, dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import make_url, text

from partnerstate import migrate
from partnerstate.database import make_engine


@contextlib.contextmanager
def own_database(folder: Path, name: str) -> Iterator[str]:
    """The URL of a new, migrated database called ``name``; removed on exit."""
    url = os.environ.get("PARTNERSTATE_TEST_DATABASE_URL")
    if not url:
        own = f"sqlite:///{folder / f'{name}.sqlite'}"
    else:
        parsed = make_url(url)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        database = f"{parsed.database}_{name}" + (f"_{worker}" if worker else "")
        own = parsed.set(database=database).render_as_string(hide_password=False)
        _recreate(url, database)
    engine = make_engine(own)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield own
    finally:
        if url:
            _recreate(url, database, create=False)


def _recreate(url: str, database: str, create: bool = True) -> None:
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        if create:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
