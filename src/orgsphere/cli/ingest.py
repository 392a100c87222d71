"""The ``orgsphere ingest`` group: one command per source format, each one ingest into the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..errors import IngestFailedError
from ..ingest.session import replacing
from ..settings import Settings
from ..workspace import Workspace
from .common import command, echo_json, json_option, map_option, progress, replace_option

__all__ = ["ingest"]


@click.group()
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
      events     changes.csv                    what changed when: date, label, units (for orgsphere changes)

    Each ingest is one transaction; the same file twice is counted once; bad rows go to the rejects
    table with file, line and reason (orgsphere rejects).
    """


def _ingest(settings: Settings, label: str, run: Callable[[Workspace, Callable[[int, int], None]], Any],
            replace: bool = False, as_json: bool = False) -> None:  # fmt: skip
    """Open the store, run one ingest with a progress bar, print its summary or its JSON (also when it
    failed), then the data check in one line."""

    def show(report: Any) -> None:
        echo_json(report.to_dict()) if as_json else click.echo(report.summary())

    try:
        with Workspace(settings) as ws, progress(label) as bar, replacing(replace):
            report = run(ws, bar)
            health = ws.check().line()
    except IngestFailedError as exc:
        show(exc.report)
        raise
    show(report)
    click.echo(health, err=as_json)  # the data's health in one line (on stderr when stdout is JSON)


@command("orgchart", group=ingest)
@replace_option
@json_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@map_option("person, unit, parent, kind, function, email, valid_from, valid_to, title, fte, intended_role")
def ingest_orgchart_cmd(settings: Settings, files: tuple[Path, ...], mapping: dict[str, str], replace: bool,
                        as_json: bool) -> None:  # fmt: skip
    """Replace the org chart with FILES: a YAML tree of units and/or a CSV / XLSX of people.

    People columns: person, unit, and optionally parent, kind (line/staff), function, email, valid_from,
    valid_to, title, fte, intended_role.
    """
    _ingest(settings, "org chart", lambda ws, bar: ws.ingest_orgchart(*files, progress=bar, columns=mapping),
            replace, as_json)  # fmt: skip


@command("parties", group=ingest)
@replace_option
@json_option
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(["customer", "supplier", "regulator", "partner", "other"]),
              help="Kind of every party in FILE, when it has no kind column (e.g. a list of customers).")  # fmt: skip
@map_option("id, address, domain, kind, name")
def ingest_parties_cmd(settings: Settings, file: Path, kind: str | None, mapping: dict[str, str], replace: bool,
                       as_json: bool) -> None:  # fmt: skip
    """Declare outside parties: FILE has a column address and / or domain (or an id), and kind."""
    _ingest(settings, "parties", lambda ws, bar: ws.ingest_parties(file, kind, progress=bar, columns=mapping),
            replace, as_json)  # fmt: skip


@command("edges", group=ingest)
@replace_option
@json_option
@click.argument("file", type=click.Path(path_type=Path))
@map_option("src, dst, ts, channel, weight or thread")
def ingest_edges_cmd(settings: Settings, file: Path, mapping: dict[str, str], replace: bool, as_json: bool) -> None:
    """Ingest an edge list (CSV, TSV, CSV.gz, XLSX or Parquet): one row per directed interaction."""
    _ingest(settings, file.name, lambda ws, bar: ws.ingest_edges(file, mapping, progress=bar), replace, as_json)


@command("mail", group=ingest)
@replace_option
@json_option
@click.argument("path", type=click.Path(path_type=Path))
def ingest_mail_cmd(settings: Settings, path: Path, replace: bool, as_json: bool) -> None:
    """Ingest mail headers from an mbox file, a Maildir folder or a folder of .eml files.

    Example: orgsphere ingest mail ~/export/archive.mbox --setting internal_domains=acme.example
    """
    _ingest(settings, path.name, lambda ws, bar: ws.ingest_mail(path, progress=bar), replace, as_json)


@command("calendar", group=ingest)
@replace_option
@json_option
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="Expand recurring events from this day.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="... up to (not including) this day.")
def ingest_calendar_cmd(settings: Settings, path: Path, start: Any, end: Any, replace: bool, as_json: bool) -> None:
    """Ingest meetings from an iCalendar (.ics) file or a folder of them.

    Example: orgsphere ingest calendar exports/ --from 2025-01-01 --to 2026-01-01
    """
    first, last = (start.date() if start else None), (end.date() if end else None)
    _ingest(settings, path.name, lambda ws, bar: ws.ingest_calendar(path, first, last, progress=bar), replace, as_json)


@command("crm", group=ingest)
@replace_option
@json_option
@click.argument("file", type=click.Path(path_type=Path))
@map_option("employee, account, type, time or duration")
def ingest_crm_cmd(settings: Settings, file: Path, mapping: dict[str, str], replace: bool, as_json: bool) -> None:
    """Ingest CRM activities (calls, visits, emails with accounts); every account counts as a customer.

    Example: orgsphere ingest crm activities.xlsx --map employee=Owner --map account="Account Name"
    """
    _ingest(settings, file.name, lambda ws, bar: ws.ingest_crm(file, mapping, progress=bar), replace, as_json)


@command("tickets", group=ingest)
@replace_option
@json_option
@click.argument("file", type=click.Path(path_type=Path))
@map_option("id, requester, group, opened, closed, category, priority, sla_due, title or text")
def ingest_tickets_cmd(settings: Settings, file: Path, mapping: dict[str, str], replace: bool, as_json: bool) -> None:
    """Ingest a ServiceNow / Jira style ticket export (CSV / XLSX): work items and requester-to-team contacts.

    Example: orgsphere ingest tickets incidents.xlsx --map group="Assignment group" --map requester=Caller
    """
    _ingest(settings, file.name, lambda ws, bar: ws.ingest_tickets(file, mapping, progress=bar), replace, as_json)


@command("slack", group=ingest)
@replace_option
@json_option
@click.argument("path", type=click.Path(path_type=Path))
def ingest_slack_cmd(settings: Settings, path: Path, replace: bool, as_json: bool) -> None:
    """Ingest a Slack workspace export (the .zip, or the folder it unpacks to).

    Example: orgsphere ingest slack "Acme Slack export Jan 1 2025 - Dec 31 2025.zip"
    """
    _ingest(settings, path.name, lambda ws, bar: ws.ingest_slack(path, progress=bar), replace, as_json)


@command("viva", group=ingest)
@replace_option
@json_option
@click.argument("file", type=click.Path(path_type=Path))
@map_option("src, dst, ts or weight (person-to-person); ts, emails or meetings (group-to-group)")
def ingest_viva_cmd(settings: Settings, file: Path, mapping: dict[str, str], replace: bool, as_json: bool) -> None:
    """Ingest a Viva Insights person-to-person or group-to-group query export (CSV / XLSX).

    Example: orgsphere ingest viva "Group-to-group query.csv"
    """
    _ingest(settings, file.name, lambda ws, bar: ws.ingest_viva(file, mapping, progress=bar), replace, as_json)


@command("events", group=ingest)
@replace_option
@json_option
@click.argument("file", type=click.Path(path_type=Path))
@map_option("date, label, units")
def ingest_events_cmd(settings: Settings, file: Path, mapping: dict[str, str], replace: bool, as_json: bool) -> None:
    """Ingest events (CSV / XLSX): a date, a label and optionally the units affected (names or ids separated
    by ';' or '|'; empty: the whole organisation). orgsphere changes then estimates what each one changed.

    Example: orgsphere ingest events changes.csv
    """
    _ingest(settings, file.name, lambda ws, bar: ws.ingest_events(file, mapping, progress=bar), replace, as_json)


@command("documents", group=ingest)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--unit", default=None, help="The unit the documents belong to (default: a folder on their path "
                                           "named like a unit of the org chart).")  # fmt: skip
@json_option
def ingest_documents_cmd(settings: Settings, paths: tuple[Path, ...], unit: str | None, as_json: bool) -> None:
    """Ingest documents for the language audit: .txt, .md, .html, .docx, .pdf (folders are searched).

    Example: orgsphere ingest documents intranet/ICT "Dienstverleningsovereenkomst HR.docx" --unit "HR Shared Services"
    """
    with Workspace(settings) as ws:
        reports = ws.ingest_documents(*paths, unit=unit)
    if as_json:  # a list: one report per document file
        echo_json([report.to_dict() for report in reports])
        return
    for report in reports:
        click.echo(report.summary())
