"""Tickets: ServiceNow / Jira style exports (CSV / XLSX / Parquet) into ``work_items``, and one ``ticket``
interaction from the requester to the assignment group (a unit of the org chart) per ticket.

Titles and descriptions are kept only with ``keep_texts`` (they may hold anything). An assignment group
must be a unit of the org chart (by name, case-insensitively); a ticket whose group is not is rejected with
that reason, so the user can add the unit or rename the group in the export. Ticket numbers are stored
hashed; the same ticket in two exports counts once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from ..settings import Settings
from ..store import Store
from .columns import find_columns
from .edges import SOURCE_ID, EdgeReader, parse_timestamps
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Chunk, Progress, open_tabular

__all__ = ["ingest_tickets", "TICKET_FIELDS"]

TICKET_FIELDS = {
    "id": ("number", "ticket", "ticket_id", "key", "issue_key", "sys_id", "incident", "nummer"),
    "requester": ("caller", "caller_id", "opened_by", "requested_for", "reporter", "requested_by", "aanvrager",
                  "melder"),
    "group": ("assignment_group", "assignee_group", "team", "component", "resolver_group", "behandelgroep"),
    "opened": ("opened_at", "created", "sys_created_on", "created_at", "aangemaakt", "geopend"),
    "closed": ("closed_at", "resolved", "resolved_at", "closed_on", "gesloten"),
    "category": ("categorie", "issue_type", "type"),
    "priority": ("prioriteit", "urgency"),
    "sla_due": ("due", "due_date", "sla_due_date", "resolve_by", "deadline"),
    "title": ("short_description", "summary", "onderwerp", "korte_omschrijving"),
    "text": ("description", "omschrijving", "details"),
}  # fmt: skip


def _hash(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:16]


def ingest_tickets(store: Store, path: Path, settings: Settings, mapping: Mapping[str, str] | None = None,
                   progress: Progress | None = None) -> IngestReport:  # fmt: skip
    """Ingest a ticket export; ``mapping`` names columns of id, requester, group, opened, closed, category,
    priority, sla_due, title and text."""
    path = Path(path)
    table_file = open_tabular(path, "ticket export")
    cols = find_columns(path, table_file.columns, TICKET_FIELDS, required=("id", "requester", "group"),
                        mapping=mapping, what="ticket export")  # fmt: skip
    if not store.raw.execute("SELECT 1 FROM units LIMIT 1").fetchone():
        raise InputError(f"{path}: the store has no org chart, so no assignment group can be placed; ingest the "
                         "org chart first (orgsphere ingest orgchart).")  # fmt: skip

    def column(t: pa.Table, field: str) -> pa.Array:
        if field not in cols:
            return pa.nulls(t.num_rows, pa.string())
        return t.column(cols[field]).combine_chunks().cast(pa.string())

    def read(session: IngestSession) -> None:
        reader = EdgeReader(store, settings, session, {"src": "src", "dst": "dst", "ts": "ts", "channel": "channel",
                                                       "thread": "thread", "subject": "subject"})  # fmt: skip
        reader.resolver.accept_units()
        seen: set[str] = {r[0] for r in store.raw.execute("SELECT item_id FROM work_items").fetchall()}
        duplicates = 0
        for chunk in table_file.chunks(progress):
            for line, reason in chunk.invalid:
                session.report.rows += 1
                session.reject(f"line {line}", reason)
            t = chunk.table
            ids = [None if v is None or not v.strip() else _hash(v) for v in column(t, "id").to_pylist()]
            rows = []
            for i, item in enumerate(ids):
                if item is None:
                    session.report.rows += 1
                    session.reject(chunk.locator(i), "ticket has no id")
                elif item in seen:
                    duplicates += 1
                else:
                    seen.add(item)
                    rows.append(i)
            if not rows:
                continue
            take = pa.array(rows)
            t = t.take(take)
            hashed = pa.array([ids[i] for i in rows], pa.string())
            source_id = pc.binary_join_element_wise("ticket", hashed, ":")
            edges = pa.table({
                "src": column(t, "requester"), "dst": column(t, "group"), "ts": column(t, "opened"),
                "channel": pa.array(["ticket"] * len(rows), pa.string()), "thread": hashed, SOURCE_ID: source_id,
                # category and title, for the topic only (read_subjects)
                "subject": pc.binary_join_element_wise(pc.fill_null(column(t, "category"), ""),
                                                       pc.fill_null(column(t, "title"), ""), ". "),
            })  # fmt: skip
            labels = [chunk.locator(i) for i in rows]
            keep = reader.chunk(Chunk(edges, chunk.lines[rows], chunk.word, [], labels))
            if not pc.any(keep).as_py():
                continue
            items = pa.table({
                "item_id": hashed,
                "opened": parse_timestamps(column(t, "opened"))[0],
                "closed": parse_timestamps(column(t, "closed"))[0],
                "requester": reader.resolver.array(column(t, "requester"))[0],
                "assignee_unit": reader.resolver.array(column(t, "group"))[0],
                "category": column(t, "category"),
                "priority": column(t, "priority"),
                "sla_due": parse_timestamps(column(t, "sla_due"))[0],
                "title": column(t, "title") if settings.keep_texts else pa.nulls(len(rows), pa.string()),
                "text": column(t, "text") if settings.keep_texts else pa.nulls(len(rows), pa.string()),
                "source_id": source_id,
            }).filter(keep)  # fmt: skip
            session.stage("work_items", items)
        session.on_commit(lambda: reader.resolver.flush(store))
        if duplicates:
            session.report.notes.append(f"{duplicates:,} tickets already in the store (same number) counted once")
        if not settings.keep_texts and ("title" in cols or "text" in cols):
            session.report.notes.append("titles and descriptions were not kept (set keep_texts to keep them)")

    return run_ingest(store, path, "tickets", read)
