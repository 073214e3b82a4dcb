"""The ``partnerstate`` command line. Each subcommand lives in its own module."""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute"; imported only when that subcommand runs, so that
# `partnerstate tally` does not pay for loading the web application.
SUBCOMMANDS = {
    "init": "partnerstate.cli.init:init",
    "serve": "partnerstate.cli.serve:serve",
    "user": "partnerstate.cli.users:user",
    "token": "partnerstate.cli.tokens:token",
    "tally": "partnerstate.cli.tally:tally",
    "ballots": "partnerstate.cli.ballots:ballots",
    "shell": "partnerstate.cli.shell:shell",
    "census": "partnerstate.cli.census:census",
    "worker": "partnerstate.cli.worker:worker",
    "demo-city": "partnerstate.cli.demo_city:demo_city",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)


@click.group(cls=LazyGroup)
@click.version_option(package_name="partnerstate")
def main() -> None:
    """partnerstate: the commons register, partnerships, ranked votes and charters."""
