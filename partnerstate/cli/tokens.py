"""``partnerstate token create EMAIL``: print a new API bearer token."""

from __future__ import annotations

import click

from partnerstate.cli.common import db_option, fail, session_scope


@click.group("token")
def token() -> None:
    """Manage API bearer tokens."""


@token.command("create")
@click.argument("email")
@click.option("--label", default="command line", show_default=True)
@db_option
def create(database_url: str, email: str, label: str) -> None:
    """Print a new token for EMAIL, alone on the line (exit 1 if no such user)."""
    from partnerstate.services import accounts

    with session_scope(database_url) as db:
        user = accounts.find_user_by_email(db, email)
        if user is None:
            fail(f"no user with the email {email}", 1)
        click.echo(accounts.create_token(db, user, label=label))
