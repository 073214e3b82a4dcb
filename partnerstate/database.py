"""The database: one declarative Base, engines for SQLite and PostgreSQL, ``request.db``.

Requests run inside the transaction managed by pyramid_tm; the session joins it
through zope.sqlalchemy, so views never call ``commit()``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from typing import Any

import zope.sqlalchemy
from sqlalchemy import DateTime, MetaData, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator
from zope.sqlalchemy.datamanager import STATUS_CHANGED

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The packages whose models belong to the one schema, in dependency order.
MODEL_MODULES = (
    "partnerstate.models",
    "assemblies.models",
    "deliberation.models",
    "deliberation.debate_models",
    "reports.models",
)


class Base(DeclarativeBase):
    """The declarative base every package's models inherit from."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on both engines.

    SQLite has no time zones and hands back naive values; storing UTC and
    re-attaching it on the way out keeps comparisons and formatting honest.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def load_all_models() -> None:
    """Import every package's models so ``Base.metadata`` describes the whole schema."""
    for module in MODEL_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            # A feature package may not have models yet; anything else is a real error.
            if error.name != module:
                raise


def described_by_models(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's ``include_object``: leave out the partitions of partitioned tables.

    A model marks its table ``info={"partitions": True}`` when the database splits it
    into tables of its own (``<table>_v<id>``, ``<table>_default`` on PostgreSQL); those
    tables come and go with the data, so they are no difference from the models.
    """
    if type_ != "table" or not reflected or compare_to is not None or name is None:
        return True
    return not any(
        table.info.get("partitions") and name.startswith(f"{table.name}_")
        for table in Base.metadata.tables.values()
    )


# How long a SQLite connection waits for another process's lock before giving up.
BUSY_TIMEOUT_MS = 10_000
# Execution option: this transaction will write (SQLite then begins it IMMEDIATE).
WRITES = "partnerstate_writes"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_HOLDS_WRITER = "partnerstate_holds_writer_lock"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin, so that
        # SAVEPOINT works (tests) and DDL is transactional (migrations).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, not just unlinked: the voter keys
        # destroyed when a vote closes must not stay readable in free pages. (Debian
        # builds SQLite with this on; other builds do not.)
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    # Writers of this process queue on this lock rather than in SQLite's busy handler,
    # which polls with sleeps of up to 100 ms: under load that wasted most of the time.
    writer = threading.Lock()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        if not connection.get_execution_options().get(WRITES, False):
            connection.exec_driver_sql("BEGIN")
            return
        # A request that will write takes the write lock up front (see _request_db).
        # Other processes still queue in SQLite itself (busy_timeout).
        if writer.acquire(timeout=10):
            connection.info[_HOLDS_WRITER] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(connection)
            raise

    def _release(connection: Any) -> None:
        if connection.info.pop(_HOLDS_WRITER, False):
            writer.release()

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the settings partnerstate relies on."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship.
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def pool_options(settings: Any) -> dict[str, int]:
    """The connection pool's size for a server process (SQLite keeps its own pool)."""
    if settings.database_url.startswith("sqlite"):
        return {}
    return {"pool_size": settings.database_pool_size}


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load, have PostgreSQL's planner learn the tables' sizes, and mark
    their pages all-visible.

    Until autovacuum's next pass (or ever, where it is off) the planner takes every
    table for nearly empty: the register by name then joined and sorted every record
    instead of reading the sort keys' index for one page. Counts need the visibility
    map that only VACUUM sets: without it, counting 10,000 public commons read every
    record (10 ms) instead of the status index alone (1 ms). SQLite keeps no statistics
    unless asked, and its plans here were measured without them: left alone.
    """
    if engine.dialect.name == "postgresql":
        # VACUUM cannot run inside a transaction.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE)"))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def _request_db(request: Any) -> Session:
    session: Session = request.registry["db_session_factory"](info={"request": request})
    # "Changed" from the start: every request that does not fail commits (a read commits
    # nothing), including one whose only writes were table-level statements (the
    # cast's), which zope.sqlalchemy does not notice and would otherwise roll back.
    zope.sqlalchemy.register(session, transaction_manager=request.tm, initial_state=STATUS_CHANGED)
    request.add_finished_callback(lambda _request: session.close())
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        if _writes(request):
            # SQLite has one writer at a time. A transaction that reads first and writes
            # later fails at once ("database is locked", no busy wait) if another request
            # wrote in between; taking the write lock at the start makes concurrent
            # writers wait their turn instead.
            session.connection(execution_options={WRITES: True})
        else:
            # A read: it runs beside the writers, and must not write (services check).
            session.info[WRITES] = False
    return session


def _writes(request: Any) -> bool:
    """Whether the request may write: unsafe methods, and a bearer token's last use."""
    if request.method not in SAFE_METHODS:
        return True
    header = request.headers.get("Authorization", "")
    if header[:7].lower() != "bearer ":
        return False
    # Imported here: the accounts service imports this module.
    from partnerstate.services import accounts

    # The token's last use is recorded at most once a minute (accounts.user_for_token).
    return accounts.may_record_use(header[7:].strip())


def includeme(config: Any) -> None:
    settings = config.registry["partnerstate.settings"]
    engine = make_engine(settings.database_url, **pool_options(settings))
    config.registry["db_engine"] = engine
    config.registry["db_session_factory"] = make_session_factory(engine)
    load_all_models()
    config.add_request_method(_request_db, "db", reify=True)
