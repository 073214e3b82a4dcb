"""``partnerstate user add EMAIL --name NAME [--role] [--password-stdin]``."""

from __future__ import annotations

import sys

import click

from partnerstate.cli.common import db_option, fail, session_scope


@click.group("user")
def user() -> None:
    """Manage user accounts."""


@user.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option(
    "--role", type=click.Choice(["official", "member"]), default="member", show_default=True
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--locale", default=None, help="Preferred language (en, fr…).")
@db_option
def add(
    database_url: str, email: str, name: str, role: str, password_stdin: bool, locale: str | None
) -> None:
    """Create a user (exit 1 if one with this email exists)."""
    from partnerstate.services import accounts
    from partnerstate.services.passwords import MIN_PASSWORD_LENGTH

    if "@" not in email or len(email) > 254:
        fail(f"{email!r} is not an email address", 2)
    if accounts.display_name_problem(name) is not None:
        fail("the name must be 1 to 120 characters of plain text", 2)
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < MIN_PASSWORD_LENGTH:
            fail(f"the password must have at least {MIN_PASSWORD_LENGTH} characters", 2)
    with session_scope(database_url) as db:
        try:
            created = accounts.create_user(db, email, name, password, role=role, locale=locale)
        except accounts.DuplicateEmail:
            fail(f"a user with the email {email} already exists", 1)
        click.echo(f"Created {created.role} {created.email} (id {created.id}).")
