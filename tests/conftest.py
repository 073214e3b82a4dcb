"""Shared fixtures: a migrated database on SQLite or PostgreSQL, the app, WebTest clients.

Select the engine with PARTNERSTATE_TEST_DATABASE_URL (e.g.
postgresql://postgres@127.0.0.1:5432/partnerstate_test); without it the suite runs
on a temporary SQLite file. Migrations run once per session; each test runs inside
a transaction that is rolled back at the end (SQLAlchemy's "join an external
transaction" recipe), so tests never see each other's data.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import webtest
from argon2 import PasswordHasher
from sqlalchemy import make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from partnerstate import main, migrate
from partnerstate.database import make_engine
from partnerstate.services import passwords
from tests import factories

TEST_SECRET = "test-secret-" + "x" * 40

# argon2's defaults cost ~0.2 s per hash; the suite hashes thousands of times.
passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))

# A browser journey crosses a real server, Chromium and a busy 2-core machine: a failure
# that does not happen again is timing, not the app. Each one is retried twice and shows as
# "rerun" in the summary; a real fault fails all three times.
BROWSER_RERUNS = 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.flaky(reruns=BROWSER_RERUNS))


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("PARTNERSTATE_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@contextlib.contextmanager
def _worker_database(url: str) -> Iterator[str]:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own.

    Workers sharing one would drop each other's schema; the database named in the URL
    serves as the place to create (and afterwards drop) ``<name>_<worker>``.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    parsed = make_url(url)
    if not worker or not parsed.drivername.startswith("postgresql"):
        yield url
        return
    name = f"{parsed.database}_{worker}"
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _worker_database(_database_url(tmp_path_factory)) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    connection = engine.connect()
    outer = connection.begin()
    yield connection
    outer.rollback()
    connection.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for arranging and checking data, in the test's transaction."""
    session = session_factory()
    yield session
    session.close()


def app_settings(database_url: str) -> dict[str, Any]:
    return {
        "partnerstate.database_url": database_url,
        "partnerstate.secret": TEST_SECRET,
        "partnerstate.environment": "testing",
        "partnerstate.validate_api_responses": "true",
        # Links in mails start with this (PARTNERSTATE_BASE_URL).
        "partnerstate.base_url": "https://participate.example.org",
    }


@pytest.fixture(scope="session")
def wsgi_app(database_url: str, engine: Engine) -> Iterator[Any]:
    app = main({}, **app_settings(database_url))
    yield app
    # The app's own engine serves what bypasses request.db (e.g. /healthz); close its pool
    # so that no connection is left to be garbage-collected open (a ResourceWarning).
    app.registry["db_engine"].dispose()


@pytest.fixture
def app(wsgi_app: Any, session_factory: sessionmaker[Session]) -> Iterator[webtest.TestApp]:
    """A WebTest client whose requests run in the test's transaction."""
    registry = wsgi_app.registry
    original = registry["db_session_factory"]
    registry["db_session_factory"] = session_factory
    yield webtest.TestApp(
        wsgi_app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "192.0.2.10"}
    )
    registry["db_session_factory"] = original


# --- people -----------------------------------------------------------------------


@pytest.fixture
def member(db: Session) -> Any:
    return factories.make_user(db, email="member@example.org", name="Mia Member")


@pytest.fixture
def official(db: Session) -> Any:
    return factories.make_user(
        db, email="official@example.org", name="Olga Official", role="official"
    )


def csrf_token(app: webtest.TestApp, path: str = "/login") -> str:
    page = app.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def log_in(
    app: webtest.TestApp, email: str, password: str = factories.PASSWORD
) -> webtest.TestResponse:
    token = csrf_token(app)
    response = app.post("/login", {"email": email, "password": password, "csrf_token": token})
    assert response.status_int == 303, response.text
    return response


@pytest.fixture
def member_app(app: webtest.TestApp, member: Any) -> webtest.TestApp:
    log_in(app, member.email)
    return app


@pytest.fixture
def official_app(app: webtest.TestApp, official: Any) -> webtest.TestApp:
    log_in(app, official.email)
    return app


def bearer(db: Session, user: Any) -> dict[str, str]:
    """Authorization headers for ``user``'s new API token."""
    return {"Authorization": f"Bearer {factories.make_token(db, user)}"}


# --- mail -------------------------------------------------------------------------


@pytest.fixture
def mail_server() -> Iterator[Any]:
    """A real SMTP server (aiosmtpd) on a free local port; ``.messages`` holds what it got."""
    from tests.mailserver import MailServer

    server = MailServer()
    server.start()
    yield server
    server.stop()
