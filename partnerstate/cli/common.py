"""What the subcommands share: the --db option, opening the database, one-line errors."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import click
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from partnerstate.database import load_all_models, make_engine, make_session_factory
from partnerstate.settings import (
    DEFAULT_DATABASE_URL,
    SettingsError,
    load_settings,
    public_base_url,
)


def db_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--db URL``, else PARTNERSTATE_DATABASE_URL, else a SQLite file here."""
    return click.option(
        "--db",
        "database_url",
        envvar="PARTNERSTATE_DATABASE_URL",
        default=DEFAULT_DATABASE_URL,
        show_default=True,
        help="Database URL (sqlite:///file.sqlite or postgresql://user@host/name).",
    )(function)


def fail(message: str, status: int = 1) -> NoReturn:
    """Print one line on stderr and exit with ``status`` (no traceback)."""
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(status)


def public_address(database_url: str, fallback: str | None = None) -> str:
    """Where links made by a command (no request to ask) point: PARTNERSTATE_BASE_URL,
    else ``fallback`` (where ``serve`` listens), else the development address."""
    ini = {"partnerstate.database_url": database_url}
    if fallback:
        ini["partnerstate.base_url"] = fallback  # the environment's value wins over it
    try:
        return public_base_url(load_settings(ini))
    except SettingsError as error:
        fail(str(error), 2)


def open_engine(database_url: str) -> Engine:
    try:
        engine = make_engine(database_url)
        with engine.connect():
            pass
    except (SQLAlchemyError, ValueError) as error:
        first_line = (str(error).splitlines() or [error.__class__.__name__])[0]
        fail(f"cannot open the database {database_url!r}: {first_line}", 2)
    load_all_models()
    return engine


def require_schema(engine: Engine) -> None:
    if not inspect(engine).has_table("users"):
        fail("the database has no tables yet; run `partnerstate init` first", 2)


@contextlib.contextmanager
def session_scope(database_url: str) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    engine = open_engine(database_url)
    require_schema(engine)
    session = make_session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()
