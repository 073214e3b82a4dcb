"""``partnerstate census import ASSEMBLY FILE``: load a census of residents, hashed.

The whole file is checked before anything is stored: a malformed line stops the
import with a one-line error naming it (exit status 2) and nothing is imported.
Only an HMAC of each entry reaches the database (see ``assemblies.census``).
"""

from __future__ import annotations

import sys

import click

from partnerstate.cli.common import db_option, fail, session_scope


@click.group()
def census() -> None:
    """Census of residents, for assemblies that require verified residents."""


@census.command("import")
@click.argument("assembly", type=int)
@click.argument("file", type=click.Path(allow_dash=True))
@click.option(
    "--replace",
    is_flag=True,
    help="First delete the entries nobody has used yet (a new census replacing the old).",
)
@db_option
def import_census(assembly: int, file: str, replace: bool, database_url: str) -> None:
    """Import the census CSV FILE ("-" for standard input) into assembly number ASSEMBLY.

    The first line names two columns: identifier, and postcode or date_of_birth.
    """
    # Imported here: the command line loads the application's code only when needed.
    from assemblies import census as census_file
    from assemblies import rules, services

    data = _read(file)
    try:
        parsed = census_file.parse_census(census_file.decode(data))
    except census_file.CensusError as error:
        fail(f"{file}: {error.summary()}; nothing imported", 2)
    with session_scope(database_url) as db:
        target = services.get_assembly(db, assembly)
        if target is None:
            fail(f"there is no assembly number {assembly}", 2)
        with click.progressbar(
            length=len(parsed), label="Importing the census", file=sys.stderr
        ) as bar:
            try:
                result = services.import_census(
                    db, target, parsed, progress=bar.update, replace=replace
                )
            except rules.Invalid as error:
                fail(f"{file}: {error.message.interpolate()}; nothing imported", 2)
    click.echo(
        f"Imported {result.added} residents into assembly {assembly}"
        f" ({result.already} already present"
        + (f", {result.deleted} unused entries deleted" if replace else "")
        + ")."
    )


def _read(file: str) -> bytes:
    try:
        if file == "-":
            return sys.stdin.buffer.read()
        with open(file, "rb") as handle:
            return handle.read()
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror or error}", 2)
