"""Backups restore: what docs/deploying.md tells operators to do, done and checked.

SQLite is copied with the online backup API while a connection is open (never a
file copy of a live database); PostgreSQL with ``pg_dump`` and ``pg_restore`` into a
fresh database. Either way the restored database is migrated (a no-op at the same
version) and the app reads it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator

import pytest
import webtest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from partnerstate import main, migrate
from partnerstate.database import make_engine, make_session_factory
from partnerstate.services import accounts
from tests.conftest import TEST_SECRET


def _fill(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    session = make_session_factory(engine)()
    accounts.create_user(session, "kept@example.org", "Kept Safe", "a long password 2026")
    session.commit()
    session.close()
    engine.dispose()


def _check_restored(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)  # `partnerstate init` after a restore: nothing to do here
    session = make_session_factory(engine)()
    user = accounts.find_user_by_email(session, "kept@example.org")
    assert user is not None and user.display_name == "Kept Safe"
    session.close()
    engine.dispose()
    app = main({}, **{"partnerstate.database_url": url, "partnerstate.secret": TEST_SECRET})
    try:
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
        assert client.get("/healthz").json == {"status": "ok", "database": "ok"}
        assert client.get("/api/v1/commons").json["items"] == []
    finally:
        app.registry["db_engine"].dispose()


def test_sqlite_online_backup_restores(tmp_path):
    source = tmp_path / "live.sqlite"
    _fill(f"sqlite:///{source}")
    live = sqlite3.connect(source)  # the app still has it open
    backup = sqlite3.connect(tmp_path / "backup.sqlite")
    with backup:
        live.backup(backup)
    backup.close()
    live.close()
    restored = tmp_path / "restored.sqlite"
    shutil.copyfile(tmp_path / "backup.sqlite", restored)
    _check_restored(f"sqlite:///{restored}")


@contextlib.contextmanager
def _scratch_databases(url: str, count: int) -> Iterator[list[str]]:
    """``count`` empty PostgreSQL databases next to the test database, dropped after."""
    parsed = make_url(url)
    names = [f"{parsed.database}_backup_{uuid.uuid4().hex[:8]}" for _ in range(count)]
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield [parsed.set(database=n).render_as_string(hide_password=False) for n in names]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _libpq(url: str) -> str:
    """The URL as pg_dump reads it (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_pg_dump_restores(database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (PARTNERSTATE_TEST_DATABASE_URL)")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not installed")
    dump = tmp_path / "partnerstate.dump"
    with _scratch_databases(database_url, 2) as (source, target):
        _fill(source)
        environment = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
        # Tools named above, arguments built here: no shell, no outside input.
        subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom", f"--file={dump}", _libpq(source)],  # noqa: S607
            check=True,
            env=environment,
        )
        subprocess.run(  # noqa: S603
            ["pg_restore", "--no-owner", f"--dbname={_libpq(target)}", str(dump)],  # noqa: S607
            check=True,
            env=environment,
        )
        _check_restored(target)
