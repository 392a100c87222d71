"""The commands that show what the store holds: status, rejects and check (the data's health)."""

from __future__ import annotations

import sys

import click

from ..settings import Settings
from ..workspace import Workspace
from .common import command, echo_json, json_option

__all__ = ["COMMANDS"]


@command("status")
@json_option
def status_cmd(settings: Settings, as_json: bool) -> None:
    """What the store holds: rows per table and the sources ingested."""
    with Workspace(settings, read_only=True) as ws:
        status = ws.status()
    if as_json:
        echo_json({"store": str(settings.store), **status})
        return
    click.echo(f"store {settings.store} (schema {status['schema_version']})")
    for table, n in status["counts"].items():
        click.echo(f"  {table:<13} {n:>12,}")
    for row in status["sources"]:
        click.echo(f"  {row['finished']:%Y-%m-%d %H:%M}  {row['kind']:<12} {row['kept']:>10,} kept "
                   f"{row['rejects']:>8,} rejected  {row['source']}")  # fmt: skip


@command("rejects")
@click.option("--limit", default=20, show_default=True, help="How many rejected rows to show.")
def rejects_cmd(settings: Settings, limit: int) -> None:
    """Show rejected rows: file, line, reason and the kind of value the field held (never the value)."""
    with Workspace(settings, read_only=True) as ws:
        rows = ws.rejects(limit)
    if not rows:
        click.echo("no rejected rows")
    for r in rows:
        held = f" (the field held {r['value_kind']})" if r["value_kind"] else ""
        click.echo(f"{r['source']}: {r['locator']}: {r['reason']}{held}")


@command("check")
@json_option
def check_cmd(settings: Settings, as_json: bool) -> None:
    """The data's health in one screen: kept and rejected per source and reason, and what looks wrong (no
    customer contact, declared parties never seen, undeclared domains with most traffic, org-chart persons never
    seen, extreme volumes, broadcasts, months with missing data), each with its fix. Exit code 4 when there is
    an error in the data."""
    with Workspace(settings, read_only=True) as ws:
        health = ws.check()
    if as_json:
        echo_json(health.to_dict())
    else:
        click.echo(health.text())
    if health.exit_code:
        sys.exit(health.exit_code)


COMMANDS = [status_cmd, rejects_cmd, check_cmd]
