"""The commands that analyse the store and write what they find: analyse, report, export and publish."""

from __future__ import annotations

from pathlib import Path

import click

from ..action_rules import actions_of
from ..fits import MIN_POINTS, describe
from ..report.actions import actions_context
from ..report.i18n import words
from ..report.verdicts import headline_text
from ..settings import Settings
from ..warehouse import warehouse_location
from ..workspace import Workspace
from .common import STORE, command, data_check, echo_json, json_option, progress

__all__ = ["COMMANDS"]


@command("analyse")
@click.option("--top", default=15, show_default=True, help="How many units to list.")
@json_option
def analyse_cmd(settings: Settings, top: int, as_json: bool) -> None:
    """Print the headline the data supports, the sphere fits (against random mixing), Rent's exponent and the units
    ranked by outwardness R.

    With --json: every fit (against each null model, and over levels, months and subtrees), Rent's exponent,
    the top units and the organisation's size, as one JSON object.
    """
    with Workspace(settings, read_only=True) as ws:
        results = ws.analyse()
    actions = actions_of(results)
    if as_json:
        echo_json({**results.to_dict(top), "actions": actions.to_dict()})
        data_check(results.health)
        return
    head = results.headline()
    click.echo(f"Headline ({head.word}): {headline_text(results)}\n")
    said = actions_context(results, words("en"), lambda v, d=0: f"{v:,.{d}f}", actions)
    if said["findings"]:
        click.echo("What to do first (the report's opening section says why and what to do):")
    for k, f in enumerate(said["findings"], 1):
        click.echo(f"  {k}. {f['title']}: {f['see']}")
    if said["untold"]:
        click.echo(f"  Not enough data to judge: {'; '.join(said['untold'])}.")
    click.echo("")
    for fit in results.headline_fits():
        click.echo(describe(fit, f"{fit.measure} across {fit.kind} units"))
    rent = results.rent
    if rent is not None and rent.p.slope is not None:
        p = rent.p
        where = f" from level {rent.break_depth} down" if rent.break_depth is not None else ""
        if rent.range == "in_range":
            where += "" if rent.break_depth is not None else " (holds at every level)"
        else:
            where += {"outside": " (outside the rule's range 0 < p <= 1: no dimension read from it)",
                      "thin": f" (thin: {p.note or f'{p.n_units} subtrees; a law needs {MIN_POINTS}'})"}[rent.range]
        click.echo(f"Rent exponent p over {p.n_units} subtrees{where}: {p.slope:.3f} [95% {p.ci_low:.3f}, "
                   f"{p.ci_high:.3f}]; the sphere is 0.667")  # fmt: skip
    click.echo(f"\n{'unit':<34} {'kind':<6} {'persons':>7} {'internal':>9} {'external':>9} {'R':>7}")
    for r in results.ranking(top):
        click.echo(f"{r['name'][:34]:<34} {r['kind'] or '-':<6} {r['persons']:>7} {r['internal']:>9} "
                   f"{r['external']:>9} {r['R'] if r['R'] is None else format(r['R'], '.3f'):>7}")  # fmt: skip
    data_check(results.health)


fresh_option = click.option(
    "--fresh", is_flag=True,
    help="Analyse again even when the analysis kept beside the store is of the same store and settings.",
)


@command("report", own=(*STORE, "lang"))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("report.html"), show_default=True)
@fresh_option
def report_cmd(settings: Settings, out: Path, fresh: bool) -> None:
    """Write the self-contained HTML report (use --lang nl for Dutch), of the last analyse while the store and
    the settings are unchanged (--fresh: analyse again)."""
    with Workspace(settings, read_only=True) as ws:
        analysis = ws.analysis(fresh)
        click.echo(analysis.line(), err=True)
        results = analysis.results
        path = ws.report(out, results=results)
    click.echo(f"report written to {path} ({path.stat().st_size / 1024:.0f} KiB)")
    data_check(results.health)


@command("export")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("orgsphere-results"), show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "xlsx"]), default="csv", show_default=True)
@fresh_option
def export_cmd(settings: Settings, out: Path, fmt: str, fresh: bool) -> None:
    """Write every result table (min group size applied) and the processing statement to a folder, of the last
    analyse while the store and the settings are unchanged (--fresh: analyse again)."""
    with Workspace(settings, read_only=True) as ws:
        analysis = ws.analysis(fresh)
        click.echo(analysis.line(), err=True)
        results = analysis.results
        written = ws.export(out, fmt, results=results)
    for path in written:
        click.echo(str(path))
    data_check(results.health)


@command("publish")
def publish_cmd(settings: Settings) -> None:
    """Write the store's tables as Parquet to the warehouse (setting warehouse), for the spark engine; a reader
    sees the previous snapshot until this one is complete."""
    with Workspace(settings, read_only=True) as ws, progress("publishing") as bar:
        manifest = ws.publish(progress=bar)
    rows = sum(manifest["counts"].values())
    interactions = manifest["counts"]["interactions"]
    click.echo(f"published snapshot {manifest['snapshot']} to {warehouse_location(settings)}: {rows:,} rows "
               f"({interactions:,} interactions). Analyse it with --setting engine=spark.")  # fmt: skip


COMMANDS = [analyse_cmd, report_cmd, export_cmd, publish_cmd]
