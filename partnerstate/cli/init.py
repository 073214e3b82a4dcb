"""``partnerstate init [--demo]``: create or migrate the database, optionally with a demo city."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

import click

from partnerstate.cli.common import db_option, open_engine, public_address
from partnerstate.database import make_session_factory
from partnerstate.demo import DEFAULT_SITE_URL


def initialize(database_url: str, demo: bool, site_url: str | None = None) -> None:
    """Migrate to the latest schema, then add the demo city if asked (idempotent).

    ``site_url``: where the demo will be served (its charter links there); by default
    PARTNERSTATE_BASE_URL, as for every link made outside a request.
    """
    from partnerstate import demo as demo_data
    from partnerstate import migrate
    from partnerstate.commons.services import fill_missing_sort_keys

    engine = open_engine(database_url)
    migrate.upgrade(engine)
    with make_session_factory(engine)() as session:
        # Records loaded in bulk, or from before a language was added, get their keys.
        if fill_missing_sort_keys(session):
            session.commit()
    click.echo(f"Database ready at the latest schema ({migrate.head_revision()}).")
    if demo:
        session = make_session_factory(engine)()
        click.echo("Adding the demo city (steps already done are skipped):")
        try:
            accounts = demo_data.seed(session, site_url or public_address(database_url), _show_step)
            session.commit()
        finally:
            session.close()
        click.echo("Demo city ready. Accounts (email / password / role):")
        for account in accounts:
            click.echo(f"  {account.email}  /  {account.password}  /  {account.shown_role}")
    engine.dispose()


def _show_step(name: str, run: Callable[[], None]) -> None:
    """One progress line per seeding step: its name at once, its duration when done."""
    click.echo(f"  {name}…", nl=False)
    started = time.perf_counter()
    run()
    click.echo(f" {time.perf_counter() - started:.1f} s")


def _site_url(context: click.Context, parameter: click.Parameter, value: str) -> str:
    """An absolute http(s) address: it is printed and QR-coded on the demo charter."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter("expected an absolute http:// or https:// address")
    return value.rstrip("/")


@click.command("init")
@click.option("--demo", is_flag=True, help="Add a demo city: users, commons, an assembly, votes.")
@click.option(
    "--site-url",
    default=DEFAULT_SITE_URL,
    show_default=True,
    callback=_site_url,
    help=(
        "With --demo: where the demo will be served"
        " (the demo charter, issued on the first run, links there;"
        " default: PARTNERSTATE_BASE_URL if set)."
    ),
)
@db_option
@click.pass_context
def init(context: click.Context, database_url: str, demo: bool, site_url: str) -> None:
    """Create or migrate the database to the latest schema."""
    given = context.get_parameter_source("site_url") is not click.core.ParameterSource.DEFAULT
    if given and not demo:
        raise click.UsageError("--site-url only applies with --demo")
    initialize(database_url, demo, site_url if given else None)
