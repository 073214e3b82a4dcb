"""``partnerstate demo-city --residents N [--seed S]``: fill the database with a synthetic city."""

from __future__ import annotations

import sys
import time

import click

from partnerstate.cli.common import db_option, fail, open_engine, public_address


@click.command("demo-city")
@click.option(
    "--residents",
    type=click.IntRange(min=1_000),
    required=True,
    help="Census lines; everything else is sized from it (see docs/performance.md).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same city.")
@db_option
def demo_city(residents: int, seed: int, database_url: str) -> None:
    """Migrate, then add a synthetic city of RESIDENTS census lines (for benchmarks)."""
    from partnerstate import migrate
    from partnerstate.database import make_session_factory, refresh_statistics
    from partnerstate.demo_city import build, plan

    city_plan = plan.plan_for(residents)
    base_url = public_address(database_url)  # the charters' verification links
    engine = open_engine(database_url)
    migrate.upgrade(engine)
    session = make_session_factory(engine)()
    started = time.perf_counter()
    try:
        if build.accounts.find_user_by_email(session, build.OFFICIAL_EMAIL) is not None:
            fail("this database already holds a synthetic city; use an empty one", 1)
        with click.progressbar(
            length=build.progress_total(city_plan), label="Building the city", file=sys.stderr
        ) as bar:
            city = build.build(session, city_plan, seed, progress=bar.update, base_url=base_url)
        session.commit()
        refresh_statistics(engine)
    finally:
        session.close()
        engine.dispose()
    click.echo(
        f"A city of {residents:,} residents in {time.perf_counter() - started:.1f} s:"
        f" {len(city.assembly_ids)} assemblies, {city_plan.members:,} members,"
        f" {len(city.commons_ids):,} commons, {len(city.partnership_ids)} partnerships,"
        f" {len(city.closed_vote_ids)} closed votes and one open (vote {city.open_vote_id}),"
        f" {len(city.charter_ids)} charters."
    )
    click.echo(f"Official: {build.OFFICIAL_EMAIL} / {build.PASSWORD}")
