"""How partnerstate opens SQLite databases (partnerstate.database._configure_sqlite)."""

from __future__ import annotations

import sqlite3

from partnerstate.database import make_engine


def test_sqlite_connections_are_set_up_for_concurrency_and_secrecy(tmp_path):
    path = tmp_path / "settings.sqlite"

    def built_without_secure_delete():
        # As a connection from an SQLite build whose default is off (Debian's is on).
        connection = sqlite3.connect(path, check_same_thread=False)
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    engine = make_engine(f"sqlite:///{path}", creator=built_without_secure_delete)
    try:
        with engine.connect() as connection:

            def pragma(name):
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == 10000
            assert pragma("synchronous") == 1  # NORMAL
            # Deleted voter keys are overwritten, whatever the SQLite build's default.
            assert pragma("secure_delete") == 1
    finally:
        engine.dispose()
