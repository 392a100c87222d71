"""The ``orgsphere demo`` command: the demo organisation generated, ingested and reported in one go."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from ..settings import Settings
from ..workspace import run_demo
from .common import command, progress

__all__ = ["COMMANDS"]


@command("demo", own=("lang",))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("demo"), show_default=True,
              help="Folder for the demo's data, store, key and report (its store is made anew).")  # fmt: skip
@click.option("--scale", default=1.0, show_default=True, help="Size factor; 1.0 is about 1,000 persons.")
def demo_cmd(settings: Settings, out: Path, scale: float) -> None:
    """Generate the demo organisation (a financial-services firm), ingest it and write its report."""
    click.echo(f"generating the demo organisation in {out}/ ...")
    with progress("interactions") as bar:
        report = run_demo(out, scale, settings.seed, settings.lang, say=click.echo, progress=bar)
    click.echo(f"\nreport: {report}   (open it in a browser)")
    click.echo(f"tables: {out / 'results'}/   next: cd {out} && orgsphere analyse")
    if shutil.which("orgsphere") is None:
        click.echo("(orgsphere is not on PATH; use .venv/bin/orgsphere or activate the virtual environment)")


COMMANDS = [demo_cmd]
