"""The command that says what changed when: changes (events, weekly series, the effect of each event)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pyarrow.csv as pacsv

from ..report.changes import measure_words
from ..report.i18n import words
from ..settings import Settings
from ..spreadsheet import neutralise_formulas
from ..workspace import Workspace
from .common import command, data_check, echo_json, json_option

__all__ = ["COMMANDS", "effect_line", "hidden_weeks", "no_series"]

VERDICT_WORDS = {
    "effect": "changed, beyond the placebo weeks' swings",
    "unclear": "interval excludes no change, but placebo weeks moved as much: not told from the series' swings",
    "no_effect": "no change told",
    "too_few_weeks": "too few weeks to tell",
}


def verdict_words(verdict: str, placebo_p: float | None) -> str:
    """A verdict in plain words; an interval that excludes no change with no placebo week to hold it against
    is unclear for that reason, not because placebo weeks moved as much."""
    if verdict == "unclear" and placebo_p is None:
        return "interval excludes no change, but with no placebo week it is not told from the series' swings"
    return VERDICT_WORDS[verdict]


def _n(value: float | None) -> str:
    return "-" if value is None else f"{value:+.3g}"


def hidden_weeks(found: Any) -> dict[str, list[str]]:
    """The weeks each unit (and each pair of units, "a|b") has a row for but no figures: hidden for the
    minimum group size, or to protect a smaller group."""
    hidden: dict[str, list[str]] = {}
    for r in found["weekly"].to_pylist():
        if r["scope"] == "unit" and r["suppressed"]:
            hidden.setdefault(r["group_id"], []).append(r["period"])
    for r in found["weekly_relations"].to_pylist():
        if r.get("suppressed"):
            hidden.setdefault(f"{r['unit_a']}|{r['unit_b']}", []).append(r["period"])
    return hidden


def no_series(event: dict[str, Any], weekly: list[dict[str, Any]]) -> str:
    """Why an event has no weekly series to estimate: its units' weeks hidden, or no weeks at all."""
    units = event["units"].split(";") if event["units"] else []
    weeks = [r for r in weekly if (r["scope"] == "unit" and r["group_id"] in units)
             or (not units and r["scope"] == "organisation")]  # fmt: skip
    gone = sum(bool(r["suppressed"]) for r in weeks)
    where = ", ".join(units) or "the organisation"
    if gone:
        return (f"no weekly series to estimate: {gone} of the {len(weeks)} weeks of {where} are hidden by the "
                "minimum group size")
    return f"no weekly series to estimate: {where} has {len(weeks)} weeks with figures"


def effect_line(r: dict[str, Any], hidden: list[str] | None = None) -> str:
    """One series' effect in plain words, from the row of the effects table (``hidden``: the weeks of its
    unit or pair of units hidden for the minimum group size, which a series has no value in)."""
    what = f"{r['name']}, {measure_words(words('en')).get(r['measure'], r['measure'])}"  # (the report's words)
    if r["verdict"] == "too_few_weeks":
        before = sum(week < r["week"] for week in hidden or [])
        after = len(hidden or []) - before
        why = (f"; {before + after} more weeks hidden by the minimum group size ({before} before, {after} from "
               f"the event on)" if hidden else "")  # fmt: skip
        return (f"{what}: too few weeks to tell ({r['weeks_before']} before, {r['weeks_after']} from the event on"
                f"{why}; see effect_min_weeks and effect_min_segment)")  # fmt: skip
    placebos = (f"{r['placebos']} placebo weeks moved it {_n(r['placebo_low'])} to {_n(r['placebo_high'])} "
                f"(rank p = {r['placebo_p']:.2f})" if r["placebo_p"] is not None else
                "no placebo week to hold it against (each lies effect_min_segment weeks from the event and the ends)")
    before = "-" if r["before"] is None else f"{r['before']:.3g}"
    line = (f"{what}: level {_n(r['level'])} [95% {_n(r['level_low'])}, {_n(r['level_high'])}] from {before} "
            f"before, slope {_n(r['slope'])}/week; {placebos}: {verdict_words(r['verdict'], r['placebo_p'])}")
    if r.get("did_verdict"):
        line += (f". Against {r['comparison']} unaffected: {_n(r['did_level'])} [95% {_n(r['did_level_low'])}, "
                 f"{_n(r['did_level_high'])}]: {verdict_words(r['did_verdict'], r.get('did_placebo_p'))}")  # fmt: skip
    return line


@command("changes")
@click.option("--all", "every", is_flag=True, help="Print every series, not only those that moved.")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="Also write the tables (events, weekly, weekly_relations, effects, growth) as CSV here.")
@json_option
def changes_cmd(settings: Settings, every: bool, out: Path | None, as_json: bool) -> None:
    """What changed when: per event (orgsphere ingest events, and those the org chart shows) the weekly measures
    that moved, with the change's 95% interval, the placebo weeks' spread and the comparison with the units it
    did not affect; then R against headcount across the weeks (the sphere law over time).
    """
    with Workspace(settings, read_only=True) as ws:
        found = ws.changes()
        health = ws.check() if ws.store is not None else None  # (the warehouse alone: no data check)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, table in found.items():
            pacsv.write_csv(neutralise_formulas(table), out / f"{name}.csv")
    if as_json:
        echo_json(found.to_dict())
        data_check(health)
        return
    effects = found["effects"].to_pylist()
    moved = found.moved()
    hidden = hidden_weeks(found)
    if not found["events"].num_rows:
        click.echo("No events: ingest an events file (orgsphere ingest events FILE); the org chart shows none.")
    for event in found["events"].to_pylist():
        rows = [r for r in effects if r["event"] == event["event"]]
        click.echo(f"{event['event']} {event['day']} ({event['week']}, {event['origin']}): {event['label']}"
                   f" - {event['units'] or 'the whole organisation'}")  # fmt: skip
        if not rows:  # (no series at all: say why, not nothing)
            click.echo(f"  {no_series(event, found['weekly'].to_pylist())}")
        shown = rows if every else [r for r in moved if r["event"] == event["event"]]
        for r in shown:
            click.echo(f"  {effect_line(r, hidden.get(r['group_id']))}")
        rest = [r for r in rows if r not in shown]
        if rest:
            counts = {v: sum(r["verdict"] == v for r in rest) for v in ("unclear", "no_effect", "too_few_weeks")}
            click.echo(f"  {len(rest)} more series: {counts['unclear']} unclear (an interval that excludes no change, "
                       f"placebo weeks that moved as much), {counts['no_effect']} without a change told, "
                       f"{counts['too_few_weeks']} with too few weeks (--all lists them)")  # fmt: skip
    told = [g for g in found["growth"].to_pylist() if g["verdict"] != "thin"]
    if told:
        click.echo("\nR against headcount across the weeks (the sphere law says slope -1/3):")
    for g in told:
        click.echo(f"  {g['name']}: slope {g['slope']:.2f} [95% {g['ci_low']:.2f}, {g['ci_high']:.2f}] over "
                   f"{g['weeks']} weeks of {g['persons_low']} to {g['persons_high']} persons ({g['verdict']})")
    data_check(health)


COMMANDS = [changes_cmd]
