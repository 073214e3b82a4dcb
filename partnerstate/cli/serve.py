"""``partnerstate serve``: init, then serve the app with waitress."""

from __future__ import annotations

import gc
import ipaddress

import click

from partnerstate.cli.common import db_option, public_address
from partnerstate.cli.init import initialize


def _reachable(host: str) -> str:
    """A host a browser can open, as a URL writes it: the demo charter's printed link
    points at this server, and a listen-everywhere address (0.0.0.0, ::) is not one to
    visit."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # a name, e.g. localhost
        return host or "127.0.0.1"
    if address.is_unspecified:
        return "127.0.0.1"
    return f"[{address}]" if address.version == 6 else str(address)


def freeze_startup_objects() -> None:
    """Keep the garbage collector's full passes off what the app built at startup.

    Routes, mappers, templates and the OpenAPI document live as long as the process;
    walking them on every full collection paused requests for 100-150 ms (the p99 of
    casting ballots: about 180 ms before, 57-70 ms after; benchmarks/cast_ballot.py).
    """
    gc.collect()
    gc.freeze()


@click.command("serve")
@click.option("--demo", is_flag=True, help="Add the demo city first (see `init --demo`).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=6543, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256))
@click.option(
    "--no-worker",
    is_flag=True,
    help="Do not deliver mail or run scheduled work here (run `partnerstate worker`).",
)
@db_option
def serve(
    database_url: str, demo: bool, host: str, port: int, threads: int, no_worker: bool
) -> None:
    """Create or migrate the database, then serve the application.

    Unless ``--no-worker``, a background thread delivers mail and runs scheduled work
    (closing votes on time…), so that this one command does everything.
    """
    import waitress

    from partnerstate import main
    from partnerstate.settings import SettingsError

    site_url = f"http://{_reachable(host)}:{port}"
    # The demo charter links where the app is reached: PARTNERSTATE_BASE_URL, else here.
    initialize(database_url, demo, public_address(database_url, site_url) if demo else None)
    try:
        # Links in mails point here unless PARTNERSTATE_BASE_URL (which wins) says otherwise.
        app = main(
            {},
            **{
                "partnerstate.database_url": database_url,
                "partnerstate.base_url": site_url,
                # One connection per request thread (PARTNERSTATE_DATABASE_POOL_SIZE wins).
                "partnerstate.database_pool_size": max(threads, 1),
            },
        )
    except SettingsError as error:
        raise SystemExit(f"Error: {error}") from None
    worker = None
    if not no_worker:
        from partnerstate.database import make_session_factory
        from partnerstate.worker import WorkerThread

        registry = app.registry
        worker = WorkerThread(
            registry["partnerstate.settings"], make_session_factory(registry["db_engine"])
        ).start()
    freeze_startup_objects()
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="partnerstate")
    finally:
        if worker is not None:
            worker.stop()
