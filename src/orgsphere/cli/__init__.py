"""The command line: a thin face over the library. The root group and :func:`main` live here; each command
group has its own module (ingest, results, store, settings, demo, language, roles, science), sharing the helpers
of :mod:`orgsphere.cli.common`. Each command parses options, calls one library function and prints its result.
Errors become one line and exit code 1 (a traceback only with --debug)."""

from __future__ import annotations

import sys
from typing import Any

import click
import duckdb

from ..errors import OrgsphereError
from ..storage_errors import storage_error
from . import changes, demo, language, results, science, settings, store
from .common import root_options, root_settings, warnings_as_lines
from .ingest import ingest
from .roles import roles

__all__ = ["main", "cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.version_option(package_name="orgsphere")
@root_options
@click.pass_context
def cli(ctx: click.Context, debug: bool, config: str | None, **settings_given: Any) -> None:
    """orgsphere: how far is your organisation from its one real customer?

    Ingest an org chart, outside parties and interactions into a store, then analyse and report.
    Start with `orgsphere demo`. Give any setting as --setting NAME=VALUE (here or after a command), in
    orgsphere.toml or as ORGSPHERE_NAME variable; `orgsphere settings` lists them.
    """
    ctx.obj = root_settings(debug, config, settings_given)


cli.add_command(ingest)
cli.add_command(roles)
for _module in (results, changes, store, settings, demo, language, science):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Run the command line (``argv``: the arguments, else sys.argv); exits with the command's exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        with warnings_as_lines():
            cli.main(args=argv, prog_name="orgsphere", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted; an unfinished ingest leaves the store as it was", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except OrgsphereError as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except (OSError, duckdb.Error) as exc:  # a full disk or an unwritable file outside the library's own guards
        failure = storage_error(exc)
        if failure is None or debug:
            raise
        click.echo(f"error: {failure}", err=True)
        sys.exit(failure.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted; an unfinished ingest leaves the store as it was", err=True)
        sys.exit(130)
