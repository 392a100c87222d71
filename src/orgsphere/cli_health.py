"""CLI command of the data's health: orgsphere check."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from .cli import cli, command
from .workspace import Workspace

__all__: list[str] = []


@command(cli, "check")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def check_cmd(settings: Any, as_json: bool) -> None:
    """The data's health in one screen: kept and rejected per source and reason, and what looks wrong (no
    customer contact, declared parties never seen, undeclared domains with most traffic, org-chart persons never
    seen, extreme volumes, broadcasts, months with missing data), each with its fix. Exit code 4 when there is
    an error in the data."""
    with Workspace(settings, read_only=True) as ws:
        health = ws.check()
    click.echo(json.dumps(health.to_dict(), indent=2, default=str) if as_json else health.text())
    if health.exit_code:
        sys.exit(health.exit_code)
