"""CLI command of the data's health: orgsphere check."""

from __future__ import annotations

import sys
from typing import Any

import click

from .cli import cli, command, echo_json, json_option
from .workspace import Workspace

__all__: list[str] = []


@command(cli, "check")
@json_option
def check_cmd(settings: Any, as_json: bool) -> None:
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
