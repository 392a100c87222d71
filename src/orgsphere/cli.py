"""The command line: a thin face over the library. Each command parses options, calls one library function
and prints its result. Errors become one line and exit code 1 (a traceback only with --debug)."""

from __future__ import annotations

import functools
import json
import shutil
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click
import duckdb

from .errors import IngestFailedError, OrgsphereError, OrgsphereWarning
from .fits import describe
from .ingest.session import replacing
from .settings import SETTINGS, load_settings
from .storage_errors import storage_error
from .warehouse import warehouse_location
from .workspace import Workspace

__all__ = ["main", "cli"]


def _setting_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add one option per declared setting; values given here win over env and config file."""
    for setting in reversed(SETTINGS):
        func = click.option(
            setting.option,
            setting.name,
            default=None,
            metavar=setting.kind.upper().replace("/", "|"),
            help=f"{setting.help} [env {setting.env}]",
        )(func)
    func = click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
                        help="Settings file (default: ./orgsphere.toml when present).")(func)  # fmt: skip
    return func


def _settings_from(ctx: click.Context, kwargs: dict[str, Any]) -> Any:
    """Merge the group's and the command's setting options (the command's win) and resolve all settings."""
    given = dict(ctx.obj.get("settings", {})) if ctx.obj else {}
    config = kwargs.pop("config", None) or (ctx.obj or {}).get("config")
    for setting in SETTINGS:
        value = kwargs.pop(setting.name, None)
        if value is not None:
            given[setting.name] = value
    return load_settings(config, cli=given)


def command(group: click.Group, name: str | None = None, **attrs: Any) -> Callable[..., Any]:
    """A command with every setting as an option, handed a resolved ``settings`` argument."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        @click.pass_context
        def run(ctx: click.Context, **kwargs: Any) -> Any:
            settings = _settings_from(ctx, kwargs)
            return func(settings=settings, **kwargs)

        return group.command(name, **attrs)(_setting_options(run))

    return decorate


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for long work (shown only on a terminal)."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    bar = None
    last = [0]

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr, show_eta=True)
            bar.__enter__()
        bar.update(max(0, done - last[0]))
        last[0] = done

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.version_option(package_name="orgsphere")
@_setting_options
@click.pass_context
def cli(ctx: click.Context, debug: bool, config: str | None, **settings: Any) -> None:
    """orgsphere: how far is your organisation from its one real customer?

    Ingest an org chart, outside parties and interactions into a store, then analyse and report.
    Start with `orgsphere demo`. Every setting can also be given in orgsphere.toml or as ORGSPHERE_* variable.
    """
    ctx.obj = {"debug": debug, "config": config, "settings": {k: v for k, v in settings.items() if v is not None}}


@cli.group()
def ingest() -> None:
    """Read sources into the store. Every format, with an example:

    \b
      orgchart   units.yaml people.csv          org chart (YAML tree and/or CSV / XLSX of people)
      parties    parties.csv [--kind customer]  outside parties: id, address or domain + kind
      edges      log.csv --map src=From         generic edge list (CSV, TSV, CSV.gz, XLSX, Parquet)
      mail       archive.mbox | Maildir/ | eml/ mail headers only (mbox, Maildir, .eml)
      calendar   exports/ --from 2025-01-01     meetings from iCalendar (.ics) files
      slack      "Slack export.zip"             a Slack workspace export (zip or folder)
      tickets    incidents.xlsx                 ServiceNow / Jira ticket export
      crm        activities.csv                 CRM activities (calls, visits, emails with accounts)
      viva       "Person-to-person query.csv"   Viva Insights person-to-person or group-to-group query
      documents  policies/ --unit ICT           texts for the language audit (.txt .md .html .docx .pdf)

    Each ingest is one transaction; the same file twice is counted once; bad rows go to the rejects
    table with file, line and reason (orgsphere rejects).
    """


def _mapping(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"{item!r}: expected FIELD=COLUMN, e.g. src=sender", param_hint="--map")
        field, _, column = item.partition("=")
        out[field.strip()] = column.strip()
    return out


def _map_option(fields: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The --map FIELD=COLUMN option of a reader with these fields, handed on as a dict."""
    return click.option("--map", "mapping", multiple=True, metavar="FIELD=COLUMN", callback=_mapping,
                        help=f"Column of a field: {fields}. Repeat for each field.")  # fmt: skip


json_option = click.option(
    "--json", "as_json", is_flag=True,
    help="Print the result as JSON on stdout (the same facts as the text), for scripts and notebooks.",
)


def _json_value(value: Any) -> Any:
    """What :func:`json.dumps` cannot write itself: dates and times as ISO strings, paths as text."""
    if isinstance(value, date):  # (a datetime is a date)
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def echo_json(value: Any) -> None:
    """Print ``value`` as JSON on stdout (strict: NaN is refused; the library's to_dict methods give null)."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False, default=_json_value))


def _ingest(settings: Any, label: str, run: Callable[[Workspace, Callable[[int, int], None]], Any],
            replace: bool = False, as_json: bool = False) -> None:  # fmt: skip
    """Open the store, run one ingest with a progress bar, print its summary or its JSON (also when it
    failed), then the data check in one line."""
    def show(report: Any) -> None:
        echo_json(report.to_dict()) if as_json else click.echo(report.summary())

    try:
        with Workspace(settings) as ws, _progress(label) as bar, replacing(replace):
            report = run(ws, bar)
            health = ws.check().line()
    except IngestFailedError as exc:
        show(exc.report)  # type: ignore[attr-defined]
        raise
    show(report)
    click.echo(health, err=as_json)  # the data's health in one line (on stderr when stdout is JSON)


_replace_option = click.option(
    "--replace", is_flag=True,
    help="Read a file whose bytes were ingested before again; its rows replace the earlier ones.",
)


@command(ingest, "orgchart")
@_replace_option
@json_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_map_option("person, unit, parent, kind, function, email, valid_from, valid_to, title, fte, intended_role")
def ingest_orgchart_cmd(settings: Any, files: tuple[Path, ...], mapping: dict[str, str], replace: bool,
                        as_json: bool) -> None:  # fmt: skip
    """Replace the org chart with FILES: a YAML tree of units and/or a CSV / XLSX of people.

    People columns: person, unit, and optionally parent, kind (line/staff), function, email, valid_from,
    valid_to, title, fte, intended_role.
    """
    _ingest(settings, "org chart", lambda ws, bar: ws.ingest_orgchart(*files, progress=bar, columns=mapping),
            replace, as_json)  # fmt: skip


@command(ingest, "parties")
@_replace_option
@json_option
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(["customer", "supplier", "regulator", "partner", "other"]),
              help="Kind of every party in FILE, when it has no kind column (e.g. a list of customers).")  # fmt: skip
@_map_option("id, address, domain, kind, name")
def ingest_parties_cmd(settings: Any, file: Path, kind: str | None, mapping: dict[str, str], replace: bool,
                       as_json: bool) -> None:  # fmt: skip
    """Declare outside parties: FILE has a column address and / or domain (or an id), and kind."""
    _ingest(settings, "parties", lambda ws, bar: ws.ingest_parties(file, kind, progress=bar, columns=mapping),
            replace, as_json)  # fmt: skip


@command(ingest, "edges")
@_replace_option
@json_option
@click.argument("file", type=click.Path(path_type=Path))
@_map_option("src, dst, ts, channel, weight or thread")
def ingest_edges_cmd(settings: Any, file: Path, mapping: dict[str, str], replace: bool, as_json: bool) -> None:
    """Ingest an edge list (CSV, TSV, CSV.gz, XLSX or Parquet): one row per directed interaction."""
    _ingest(settings, file.name, lambda ws, bar: ws.ingest_edges(file, mapping, progress=bar), replace, as_json)


@command(ingest, "mail")
@_replace_option
@json_option
@click.argument("path", type=click.Path(path_type=Path))
def ingest_mail_cmd(settings: Any, path: Path, replace: bool, as_json: bool) -> None:
    """Ingest mail headers from an mbox file, a Maildir folder or a folder of .eml files.

    Example: orgsphere ingest mail ~/export/archive.mbox --internal-domains acme.example
    """
    _ingest(settings, path.name, lambda ws, bar: ws.ingest_mail(path, progress=bar), replace, as_json)


@command(ingest, "calendar")
@_replace_option
@json_option
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="Expand recurring events from this day.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="... up to (not including) this day.")
def ingest_calendar_cmd(settings: Any, path: Path, start: Any, end: Any, replace: bool, as_json: bool) -> None:
    """Ingest meetings from an iCalendar (.ics) file or a folder of them.

    Example: orgsphere ingest calendar exports/ --from 2025-01-01 --to 2026-01-01
    """
    first, last = (start.date() if start else None), (end.date() if end else None)
    _ingest(settings, path.name, lambda ws, bar: ws.ingest_calendar(path, first, last, progress=bar), replace, as_json)


@command(ingest, "crm")
@_replace_option
@json_option
@click.argument("file", type=click.Path(path_type=Path))
@_map_option("employee, account, type, time or duration")
def ingest_crm_cmd(settings: Any, file: Path, mapping: dict[str, str], replace: bool, as_json: bool) -> None:
    """Ingest CRM activities (calls, visits, emails with accounts); every account counts as a customer.

    Example: orgsphere ingest crm activities.xlsx --map employee=Owner --map account="Account Name"
    """
    _ingest(settings, file.name, lambda ws, bar: ws.ingest_crm(file, mapping, progress=bar), replace, as_json)


@command(ingest, "tickets")
@_replace_option
@json_option
@click.argument("file", type=click.Path(path_type=Path))
@_map_option("id, requester, group, opened, closed, category, priority, sla_due, title or text")
def ingest_tickets_cmd(settings: Any, file: Path, mapping: dict[str, str], replace: bool, as_json: bool) -> None:
    """Ingest a ServiceNow / Jira style ticket export (CSV / XLSX): work items and requester-to-team contacts.

    Example: orgsphere ingest tickets incidents.xlsx --map group="Assignment group" --map requester=Caller
    """
    _ingest(settings, file.name, lambda ws, bar: ws.ingest_tickets(file, mapping, progress=bar), replace, as_json)


@command(ingest, "slack")
@_replace_option
@json_option
@click.argument("path", type=click.Path(path_type=Path))
def ingest_slack_cmd(settings: Any, path: Path, replace: bool, as_json: bool) -> None:
    """Ingest a Slack workspace export (the .zip, or the folder it unpacks to).

    Example: orgsphere ingest slack "Acme Slack export Jan 1 2025 - Dec 31 2025.zip"
    """
    _ingest(settings, path.name, lambda ws, bar: ws.ingest_slack(path, progress=bar), replace, as_json)


@command(ingest, "viva")
@_replace_option
@json_option
@click.argument("file", type=click.Path(path_type=Path))
@_map_option("src, dst, ts or weight (person-to-person); ts, emails or meetings (group-to-group)")
def ingest_viva_cmd(settings: Any, file: Path, mapping: dict[str, str], replace: bool, as_json: bool) -> None:
    """Ingest a Viva Insights person-to-person or group-to-group query export (CSV / XLSX).

    Example: orgsphere ingest viva "Group-to-group query.csv"
    """
    _ingest(settings, file.name, lambda ws, bar: ws.ingest_viva(file, mapping, progress=bar), replace, as_json)


@command(cli, "analyse")
@click.option("--top", default=15, show_default=True, help="How many units to list.")
@json_option
def analyse_cmd(settings: Any, top: int, as_json: bool) -> None:
    """Print the sphere fits (against random mixing), Rent's exponent and the units ranked by outwardness R.

    With --json: every fit (against each null model, and over levels, months and subtrees), Rent's exponent,
    the top units and the organisation's size, as one JSON object.
    """
    with Workspace(settings, read_only=True) as ws:
        results = ws.analyse()
    if as_json:
        echo_json(results.to_dict(top))
        _data_check(results)
        return
    for fit in results.fits:
        if fit.channel != "all" or fit.measure not in ("R", "B") or fit.scope != "units" or fit.null_model != "mixing":
            continue
        click.echo(describe(fit, f"{fit.measure} across {fit.kind} units"))
    rent = results.rent
    if rent is not None and rent.p.slope is not None:
        p = rent.p
        where = f" from level {rent.break_depth} down" if rent.break_depth is not None else " (holds at every level)"
        click.echo(f"Rent exponent p over {p.n_units} subtrees{where}: {p.slope:.3f} [95% {p.ci_low:.3f}, "
                   f"{p.ci_high:.3f}]; the sphere is 0.667")  # fmt: skip
    click.echo(f"\n{'unit':<34} {'kind':<6} {'persons':>7} {'internal':>9} {'external':>9} {'R':>7}")
    for r in results.ranking(top):
        click.echo(f"{r['name'][:34]:<34} {r['kind'] or '-':<6} {r['persons']:>7} {r['internal']:>9} "
                   f"{r['external']:>9} {r['R'] if r['R'] is None else format(r['R'], '.3f'):>7}")  # fmt: skip
    _data_check(results)


def _data_check(results: Any) -> None:
    """After the figures (analyse, report, export): the data check's line on stderr when it found something,
    and exit code 4 when it found an error (the figures were written, but they should not be believed as they
    are)."""
    health = results.health
    if health is not None and (health.errors or health.warnings):
        click.echo(health.line(), err=True)
        if health.exit_code:
            sys.exit(health.exit_code)


@command(cli, "report")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("report.html"), show_default=True)
def report_cmd(settings: Any, out: Path) -> None:
    """Write the self-contained HTML report (use --lang nl for Dutch)."""
    with Workspace(settings, read_only=True) as ws:
        results = ws.analyse()
        path = ws.report(out, results=results)
    click.echo(f"report written to {path} ({path.stat().st_size / 1024:.0f} KiB)")
    _data_check(results)


@command(cli, "export")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("orgsphere-results"), show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "xlsx"]), default="csv", show_default=True)
def export_cmd(settings: Any, out: Path, fmt: str) -> None:
    """Write every result table (min group size applied) and the processing statement to a folder."""
    with Workspace(settings, read_only=True) as ws:
        results = ws.analyse()
        written = ws.export(out, fmt, results=results)
    for path in written:
        click.echo(str(path))
    _data_check(results)


@command(cli, "publish")
def publish_cmd(settings: Any) -> None:
    """Write the store's tables as Parquet to the warehouse (setting warehouse), for the spark engine; a reader
    sees the previous snapshot until this one is complete."""
    with Workspace(settings, read_only=True) as ws, _progress("publishing") as progress:
        manifest = ws.publish(progress=progress)
    rows = sum(manifest["counts"].values())
    click.echo(f"published snapshot {manifest['snapshot']} to {warehouse_location(settings)}: {rows:,} rows "
               f"({manifest['counts']['interactions']:,} interactions). Analyse it with --engine spark.")  # fmt: skip


@command(cli, "status")
@json_option
def status_cmd(settings: Any, as_json: bool) -> None:
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


@command(cli, "rejects")
@click.option("--limit", default=20, show_default=True, help="How many rejected rows to show.")
def rejects_cmd(settings: Any, limit: int) -> None:
    """Show rejected rows: file, line, reason and the kind of value the field held (never the value)."""
    with Workspace(settings, read_only=True) as ws:
        rows = ws.rejects(limit)
    if not rows:
        click.echo("no rejected rows")
    for r in rows:
        held = f" (the field held {r['value_kind']})" if r["value_kind"] else ""
        click.echo(f"{r['source']}: {r['locator']}: {r['reason']}{held}")


@command(cli, "settings")
@click.option("--markdown", is_flag=True, help="Print the settings table for the docs.")
def settings_cmd(settings: Any, markdown: bool) -> None:
    """Show every setting, its value and where the value came from."""
    if markdown:
        click.echo("| setting | option | environment | default | meaning |\n|---|---|---|---|---|")
        for s in SETTINGS:
            default = ", ".join(s.default) if isinstance(s.default, tuple) else s.default
            shown = f"`{default}`" if default not in ("", (), {}, None) else ""
            click.echo(f"| `{s.name}` | `{s.option}` | `{s.env}` | {shown} | {s.help} |")
        return
    for s in SETTINGS:
        click.echo(f"{s.name:<24} {getattr(settings, s.name)!s:<40} ({settings.source(s.name)})")


@command(cli, "demo")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("demo"), show_default=True,
              help="Folder for the demo's data, store, key and report (its store is made anew).")  # fmt: skip
@click.option("--scale", default=1.0, show_default=True, help="Size factor; 1.0 is about 1,000 persons.")
def demo_cmd(settings: Any, out: Path, scale: float) -> None:
    """Generate the demo organisation (a financial-services firm), ingest it and write its report."""
    from .datasets import make_demo

    click.echo(f"generating the demo organisation in {out}/ ...")
    files = make_demo(out, seed=settings.seed, scale=scale)
    for stale in (out / "orgsphere.duckdb", out / "orgsphere.duckdb.wal"):
        stale.unlink(missing_ok=True)
    demo_settings = load_settings(files.config, cli={"lang": settings.lang})
    with Workspace(demo_settings) as ws:
        click.echo(ws.ingest_orgchart(files.units, files.people).summary())
        click.echo(ws.ingest_parties(files.parties).summary())
        with _progress("interactions") as bar:
            click.echo(ws.ingest_edges(files.interactions, progress=bar).summary())
        click.echo(ws.ingest_tickets(files.tickets).summary())
        click.echo(ws.ingest_tickets(files.requests).summary())
        click.echo("\n".join(r.summary() for r in ws.ingest_documents(files.documents)))
        results = ws.analyse()
        report = ws.report(out / "report.html", results=results)
        ws.export(out / "results", "csv", results=results)
    click.echo(f"\nreport: {report}   (open it in a browser)")
    click.echo(f"tables: {out / 'results'}/   next: cd {out} && orgsphere analyse")
    if shutil.which("orgsphere") is None:
        click.echo("(orgsphere is not on PATH; use .venv/bin/orgsphere or activate the virtual environment)")


@contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """Within this block, each of orgsphere's own warnings is one ``warning:`` line on stderr, once per command
    (the key is read more than once); other warnings as Python shows them."""
    shown: set[str] = set()
    python_show = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if not issubclass(category, OrgsphereWarning):
            python_show(message, category, *args, **kwargs)
        elif str(message) not in shown:
            shown.add(str(message))
            click.echo(f"warning: {message}", err=True)

    with warnings.catch_warnings():
        warnings.simplefilter("always", OrgsphereWarning)
        warnings.showwarning = show
        yield


def main(argv: list[str] | None = None) -> None:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        with _warnings_as_lines():
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


from . import cli_health, cli_language, cli_roles, cli_science  # noqa: E402,F401  (register the commands of those modules)
