"""Tickets: ServiceNow / Jira style exports (CSV / XLSX / Parquet) into ``work_items``, and one ``ticket``
interaction from the requester to the assignment group (a unit of the org chart) per ticket.

Titles and descriptions are kept only with ``keep_texts`` (they may hold anything). An assignment group
must be a unit of the org chart (by name, case-insensitively); a ticket whose group is not is rejected with
that reason, so the user can add the unit or rename the group in the export. Ticket numbers are stored as
keyed digests (the store's key: without it no number can be matched to a row); the same ticket in two
exports counts once. An export without ticket numbers is read too: each row
gets a keyed id from its requester, assignment group and opened time (see :class:`_RowIds`).

Reject reasons name the ticket's roles (requester, assignment group, opened) and the column read for them.
They are stored (the rejects table), so they hold no requester and no address: the line says which row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from ..privacy import Pseudonymiser, domain_of
from ..settings import Settings
from ..store import Store
from .columns import find_columns
from .edges import SOURCE_ID, EdgeReader
from .limits import ReadLimits
from .resolve import Resolver
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Chunk, Progress, open_tabular
from .timestamps import DateOrder, parse_timestamps

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


class _RowIds:
    """Ids for the tickets of an export without ticket numbers.

    A row's id hashes what stays put in a ticket's life (its requester, assignment group and opened time)
    with how many rows of this file had those three before it (two identical rows are two tickets). So the
    same ticket in a re-export gets the same id, in whatever order the rows come; a ticket reassigned to
    another group between the exports gets another one. The requester enters as its keyed pseudonym: without
    the key, no id can be matched to a person and a time. A row without an opened time has too little to
    be recognised by: it is known by its line in this file only.
    """

    def __init__(self, pseudo: Pseudonymiser, source_prefix: str, digest: Callable[[str, str], str]):
        self.pseudo, self.source_prefix, self.digest = pseudo, source_prefix, digest
        self.before: Counter[str] = Counter()

    def ids(self, chunk: Chunk, requester: pa.Array, group: pa.Array, opened: pa.Array) -> list[str]:
        out = []
        for i, (who, team, when) in enumerate(zip(requester.to_pylist(), group.to_pylist(), opened.to_pylist(),
                                                  strict=True)):  # fmt: skip
            if when is None:
                out.append(self.digest("ticket row", f"{self.source_prefix} {chunk.locator(i)}"))
                continue
            # the requester's pseudonym (cached per person), not the whole row through the pseudonymiser: its
            # cache would keep every ticket
            row = f"{self.pseudo.one(who or '')}\x1f{(team or '').strip().lower()}\x1f{when.isoformat()}"
            self.before[row] += 1
            out.append(self.digest("ticket row", f"{row}\x1f{self.before[row]}"))
        return out


def _reasons(resolver: Resolver, cols: Mapping[str, str], requester: pa.Array, group: pa.Array,
             opened: pa.Array, opened_problem: pa.Array) -> list[tuple[str, object] | None]:  # fmt: skip
    """The first problem of each row as (reason, offending value), said of the ticket's roles; None where
    fine."""
    requester_problem = resolver.array(requester)[2]
    group_problem = resolver.array(group)[2]
    bad = pc.or_(pc.or_(pc.is_valid(requester_problem), pc.is_valid(group_problem)), pc.is_valid(opened_problem))
    out: list[tuple[str, object] | None] = [None] * len(requester)
    for row in np.flatnonzero(bad.to_numpy(zero_copy_only=False)):
        i = int(row)
        if requester_problem[i].is_valid:
            out[i] = (_requester_reason(requester[i].as_py() or "", requester_problem[i].as_py(), cols), "")
        elif group_problem[i].is_valid:
            out[i] = (_group_reason(group[i].as_py() or "", cols), "")
        else:
            out[i] = ("opened" + opened_problem[i].as_py().removeprefix("ts"), opened[i].as_py())
    return out


def _requester_reason(raw: str, problem: str, cols: Mapping[str, str]) -> str:
    if not raw.strip():
        return "requester is empty; every ticket needs the person who asked for it"
    if domain_of(raw) is not None:  # an address fails only in an internal domain: the problem names the domain
        return f"requester {problem}"
    return ("requester is not a person of the org chart nor a declared outside party; add the person to the org "
            f"chart, or map another column (--map requester=COLUMN; now {cols['requester']!r})")


def _group_reason(raw: str, cols: Mapping[str, str]) -> str:
    name, fix = raw.strip(), f"map another column (--map group=COLUMN; now {cols['group']!r})"
    if not name:
        return "assignment group is empty: an unassigned ticket goes to no unit"
    if domain_of(name) is not None:  # a mailbox, perhaps a person's: it is not repeated in the reason
        return f"assignment group is an email address, not a unit of the org chart; {fix}"
    return f"assignment group {name[:80]!r} is not a unit of the org chart; add it to the org chart, or {fix}"


def ingest_tickets(store: Store, path: Path, settings: Settings, mapping: Mapping[str, str] | None = None,
                   progress: Progress | None = None) -> IngestReport:  # fmt: skip
    """Ingest a ticket export; ``mapping`` names columns of id, requester, group, opened, closed, category,
    priority, sla_due, title and text. Without an id column each row gets a keyed id (see :class:`_RowIds`)."""
    path = Path(path)
    table_file = open_tabular(path, "ticket export", ReadLimits.of(settings))
    cols = find_columns(path, table_file.columns, TICKET_FIELDS, required=("requester", "group"),
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
        dates = DateOrder(settings.date_format, f"{session.source}: column {cols.get('opened', 'opened')}")
        row_ids = None if "id" in cols else _RowIds(reader.resolver.pseudo, session.source_prefix, session.digest)
        seen: set[str] = {r[0] for r in store.raw.execute("SELECT item_id FROM work_items").fetchall()}
        duplicates = undated = 0
        for chunk in table_file.chunks(progress):
            for line, reason in chunk.invalid:
                session.report.rows += 1
                session.reject(f"line {line}", reason)
            t = chunk.table
            requester, group = column(t, "requester"), column(t, "group")
            opened, opened_problem = parse_timestamps(column(t, "opened"), dates)
            ids: Sequence[str | None]
            if row_ids is None:
                ids = [None if v is None or not v.strip() else session.digest("ticket", v.strip().lower())
                       for v in column(t, "id").to_pylist()]  # fmt: skip
            else:
                ids = row_ids.ids(chunk, requester, group, opened)
            problems = _reasons(reader.resolver, cols, requester, group, column(t, "opened"), opened_problem)
            rows = []
            for i, item in enumerate(ids):
                if item is None:
                    session.report.rows += 1
                    session.reject(chunk.locator(i), "ticket has no id")
                elif item in seen:
                    duplicates += 1
                elif (problem := problems[i]) is not None:
                    session.report.rows += 1
                    session.reject(chunk.locator(i), *problem)
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
                "src": requester.take(take), "dst": group.take(take), "ts": opened.take(take),
                "channel": pa.array(["ticket"] * len(rows), pa.string()), "thread": hashed, SOURCE_ID: source_id,
                # category and title, for the topic only (read_subjects)
                "subject": pc.binary_join_element_wise(pc.fill_null(column(t, "category"), ""),
                                                       pc.fill_null(column(t, "title"), ""), ". "),
            })  # fmt: skip
            labels = [chunk.locator(i) for i in rows]
            keep = reader.chunk(Chunk(edges, chunk.lines[rows], chunk.word, [], labels))
            if not pc.any(keep).as_py():
                continue
            if row_ids is not None:
                undated += int(pc.sum(pc.and_(keep, pc.is_null(opened.take(take))).cast(pa.int64())).as_py() or 0)
            items = pa.table({
                "item_id": hashed,
                "opened": opened.take(take),
                "closed": parse_timestamps(column(t, "closed"), dates)[0],
                "requester": reader.resolver.array(requester.take(take))[0],
                "assignee_unit": reader.resolver.array(group.take(take))[0],
                "category": column(t, "category"),
                "priority": column(t, "priority"),
                "sla_due": parse_timestamps(column(t, "sla_due"), dates)[0],
                "title": column(t, "title") if settings.keep_texts else pa.nulls(len(rows), pa.string()),
                "text": column(t, "text") if settings.keep_texts else pa.nulls(len(rows), pa.string()),
                "source_id": source_id,
            }).filter(keep)  # fmt: skip
            session.stage("work_items", items)
        session.on_commit(lambda: reader.resolver.flush(store))
        same = "same number" if row_ids is None else "same requester, assignment group and opened time"
        if duplicates:
            session.report.notes.append(f"{duplicates:,} tickets already in the store ({same}) counted once")
        if row_ids is not None:
            session.report.notes.append(
                f"no ticket id column: {session.report.kept:,} tickets identified by their row (a keyed hash of "
                "requester, assignment group and opened time), so the same ticket in another export counts once "
                "while those three stay the same (reassigned to another group, it counts again)"
                + (f"; {undated:,} without an opened time, identified by their line in this file, count again "
                   "in any other export" if undated else "")  # fmt: skip
                + "; map the ticket number if the export has one (--map id=COLUMN)"
            )
        if not settings.keep_texts and ("title" in cols or "text" in cols):
            session.report.notes.append("titles and descriptions were not kept (set keep_texts to keep them)")

    return run_ingest(store, path, "tickets", read)
