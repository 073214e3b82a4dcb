"""``partnerstate init [--demo]``: create or migrate the database, optionally with a demo city."""

from __future__ import annotations

import click

from partnerstate.cli.common import db_option, open_engine
from partnerstate.database import make_session_factory


def initialize(database_url: str, demo: bool, site_url: str | None = None) -> None:
    """Migrate to the latest schema, then add the demo city if asked (idempotent).

    ``site_url``: where the demo will be served (its charter links there).
    """
    from partnerstate import demo as demo_data
    from partnerstate import migrate

    engine = open_engine(database_url)
    migrate.upgrade(engine)
    click.echo(f"Database ready at the latest schema ({migrate.head_revision()}).")
    if demo:
        session = make_session_factory(engine)()
        try:
            accounts = demo_data.seed(session, site_url or demo_data.DEFAULT_SITE_URL)
            session.commit()
        finally:
            session.close()
        click.echo("Demo city ready. Accounts (email / password / role):")
        for account in accounts:
            click.echo(f"  {account.email}  /  {account.password}  /  {account.role}")
    engine.dispose()


@click.command("init")
@click.option("--demo", is_flag=True, help="Add a demo city: users, commons, an assembly, votes.")
@click.option(
    "--site-url",
    default="http://127.0.0.1:6543",
    show_default=True,
    help="Where the demo will be served: its charter's verification link points there.",
)
@db_option
def init(database_url: str, demo: bool, site_url: str) -> None:
    """Create or migrate the database to the latest schema."""
    initialize(database_url, demo, site_url)
