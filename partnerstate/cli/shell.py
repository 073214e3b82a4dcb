"""``partnerstate shell``: a Python shell with ``db`` (a session) and the models."""

from __future__ import annotations

import code

import click

from partnerstate.cli.common import db_option, open_engine
from partnerstate.database import make_session_factory


@click.command("shell")
@db_option
def shell(database_url: str) -> None:
    """Open an interactive Python shell on the database (commit with db.commit())."""
    from partnerstate import models

    engine = open_engine(database_url)
    db = make_session_factory(engine)()
    banner = "partnerstate shell: `db` is a SQLAlchemy session, `models` the core models."
    code.interact(banner=banner, local={"db": db, "models": models})
