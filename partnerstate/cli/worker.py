"""``partnerstate worker``: deliver mail and run scheduled work, alone (production)."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click

from partnerstate.cli.common import db_option, open_engine, require_schema


@click.command("worker")
@click.option("--once", is_flag=True, help="One round (scheduled work, then due mail), then exit.")
@click.option(
    "--poll-seconds",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0.1, 600),
    help="How often to look for due mail and work.",
)
@db_option
def worker(database_url: str, once: bool, poll_seconds: float) -> None:
    """Deliver the outbox and run scheduled work until stopped (SIGTERM or Ctrl+C)."""
    from partnerstate.database import make_session_factory
    from partnerstate.settings import SettingsError, load_settings
    from partnerstate.worker import Worker

    try:
        settings = load_settings({"partnerstate.database_url": database_url})
    except SettingsError as error:
        raise SystemExit(f"Error: {error}") from None
    engine = open_engine(database_url)
    require_schema(engine)
    runner = Worker(settings, make_session_factory(engine))
    if once:
        runner.run_once(force=True)
        engine.dispose()
        return
    stop = threading.Event()

    def _stop(_signal: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo("Worker running: delivering mail and running scheduled work (Ctrl+C to stop)")
    runner.run(stop, poll_seconds)
    engine.dispose()
