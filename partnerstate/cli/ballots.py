"""``partnerstate ballots import VOTE_ID FILE [--expected N]``: paper ballots from a BLT file.

Assemblies also vote in the room. The BLT file's candidates are the vote's options
in the order the API lists them (``GET /api/v1/votes/{id}``); their names in the file
are only informative. The file is checked whole before anything is written: a
malformed file imports nothing and the one-line error names its line (exit 2), as
does a file whose total is not the ``--expected`` count or goes beyond what the vote
may take (`deliberation.votes.services.paper_limit`). An unknown or closed vote is
exit 1.
"""

from __future__ import annotations

import sys

import click

from partnerstate.cli.common import db_option, fail, session_scope
from partnerstate.cli.tally import BadInput, OneLineCommand


@click.group("ballots")
def ballots() -> None:
    """Paper ballots of a vote."""


def _read(file: str) -> str:
    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise BadInput(f"cannot read {file}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older STV tools wrote Latin-1; names are only informative here anyway.
        return data.decode("latin-1")


@ballots.command("import", cls=OneLineCommand)
@click.argument("vote_id", type=click.IntRange(min=1))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--expected",
    type=click.IntRange(min=0),
    metavar="N",
    help="The number of paper ballots the assembly counted: the file must hold exactly N.",
)
@db_option
def import_ballots(database_url: str, vote_id: int, file: str, expected: int | None) -> None:
    """Add the anonymous paper ballots of the BLT FILE to the open vote VOTE_ID.

    Without --expected a vote takes at most as many paper ballots as its electorate
    (or 1,000, whichever is larger); with it, the declared number, up to 1,000,000.
    """
    from deliberation.votes import services
    from deliberation.votes.models import Vote

    text = _read(file)
    with session_scope(database_url) as db:
        vote = db.get(Vote, vote_id)
        if vote is None:
            fail(f"there is no vote {vote_id}", 1)
        if not services.accepting_ballots(vote):
            state = "closed" if vote.status == "closed" else "past its closing time"
            fail(f"vote {vote_id} is {state}: it takes no more ballots", 1)
        try:
            rows = services.read_paper_ballots(vote, text)
            services.check_paper_total(db, vote, rows, expected)
        except services.PaperBallotError as error:
            raise BadInput(f"{file}: {error}") from None
        with click.progressbar(
            length=len(rows), label="Importing paper ballots", file=sys.stderr
        ) as bar:
            count = services.import_paper_ballots(
                db, vote, text, progress=bar.update, expected=expected
            )
        title = vote.display_title(vote.locale)
        click.echo(
            f"Imported {count} paper ballots ({len(rows)} lines) into vote {vote_id}: {title}"
        )
