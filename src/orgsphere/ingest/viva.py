"""Microsoft Viva Insights / Workplace Analytics network queries (CSV / XLSX / Parquet).

- Person-to-person query: one row per tie and period (PrimaryCollaborator_PersonId ->
  SecondaryCollaborator_PersonId, MetricDate, tie scores): one interaction per row, channel ``viva-tie``,
  weight = the strong-tie score (or collaboration hours) when the export has one. Persons are matched to the
  org chart by the PersonId the export uses.
- Group-to-group query: rows of counts between groups (PrimaryCollaborator_<attribute> ->
  SecondaryCollaborator_<attribute>, MetricDate, Group_email_sent_count, Group_meeting_count): the groups
  must be units of the org chart (by name); each count becomes one interaction row between the two units
  (channel ``email`` or ``meeting``) that stands for that many interactions (``n`` = the count; a count of 0 is
  no interaction), so the sphere counts, which add up ``n``, equal the query's. A ``Within Group`` row is the
  group's collaboration inside itself: interactions from the unit to itself, internal. ``Unclassified
  Collaborators`` (people the query could not assign to a group) are one declared outside party of kind
  ``other``, named so in the boundary table. The groups' sizes (PrimaryCollaborator_GroupSize,
  SecondaryCollaborator_GroupSize; the largest seen per group) are stored as the units' declared sizes: a unit
  with no active persons of its own takes it as its size for the minimum group size and the scaling fits
  (Viva aggregated the export over its own minimum group size; a unit with persons of its own keeps their
  number, so a declared size never lifts real persons over the minimum).

Older Workplace Analytics exports name the same columns TieOrigin_ / TieDestination_ (person-to-person) and
TimeInvestors_ / Collaborators_ (group-to-group); those spellings, and the metric names Emails_sent /
Email_count / Meetings / Meeting_count, are recognised too.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from ..settings import Settings
from ..store import Store
from .columns import canonical_name, find_columns
from .edges import EdgeReader
from .limits import ReadLimits
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Chunk, Progress, open_tabular
from .timestamps import strptime

__all__ = ["ingest_viva", "P2P_FIELDS", "G2G_FIELDS"]

P2P_FIELDS = {
    "src": ("primarycollaborator_personid", "tieorigin_personid", "personid", "primary_personid"),
    "dst": ("secondarycollaborator_personid", "tiedestination_personid", "collaborator_personid",
            "secondary_personid"),
    "ts": ("metricdate", "date", "week", "metric_date"),
    "weight": ("strong_tie_score", "strongtiescore", "collaboration_hours", "diverse_tie_score"),
}  # fmt: skip
G2G_FIELDS = {
    "ts": ("metricdate", "date", "week", "metric_date"),
    "emails": ("group_email_sent_count", "emails_sent", "email_count", "emails", "group_emails_sent"),
    "meetings": ("group_meeting_count", "meetings", "meeting_count", "group_meetings"),
}
GROUP_PREFIXES = (("primarycollaborator_", "secondarycollaborator_"), ("timeinvestors_", "collaborators_"))
WITHIN_GROUP = "within group"  # Viva's name for a group's collaboration inside itself
UNCLASSIFIED = "Unclassified Collaborators"  # Viva's name for collaborators it could not assign to a group


def _dates(values: pa.Array) -> pa.Array:
    """MetricDate as Viva writes it: ISO, or the US month/day/year of its CSV downloads (a value that is
    neither stays text, so the edge reader rejects its row with the usual reason)."""
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    us = strptime(text, "%m/%d/%Y").cast(pa.string())
    return pc.coalesce(us, text)


def _group_columns(header: list[str]) -> tuple[str, str] | None:
    """The (from, to) group columns of a group-to-group query: a prefixed attribute, not a group size."""
    canon = {canonical_name(c): c for c in header}
    for first, second in GROUP_PREFIXES:
        for name, column in canon.items():
            if name.startswith(first) and not name.endswith(("groupsize", "group_size", "personid")):
                other = second + name[len(first):]
                if other in canon:
                    return column, canon[other]
    return None


def ingest_viva(store: Store, path: Path, settings: Settings, mapping: Mapping[str, str] | None = None,
                progress: Progress | None = None) -> IngestReport:  # fmt: skip
    """Ingest a Viva Insights person-to-person or group-to-group query export (told apart by its columns)."""
    path = Path(path)
    table_file = open_tabular(path, "Viva Insights query", ReadLimits.of(settings))
    groups = _group_columns(table_file.columns)
    canon = {canonical_name(c) for c in table_file.columns}
    person_to_person = any(a in canon for a in P2P_FIELDS["src"][:3]) and groups is None
    if person_to_person:
        cols = find_columns(path, table_file.columns, P2P_FIELDS, required=("src", "dst"), mapping=mapping,
                            what="Viva Insights person-to-person query")  # fmt: skip
    elif groups is not None:
        cols = find_columns(path, table_file.columns, G2G_FIELDS, required=(), mapping=mapping,
                            what="Viva Insights group-to-group query")  # fmt: skip
        if "emails" not in cols and "meetings" not in cols:
            raise InputError(
                f"{path}: line 1: a group-to-group query needs a count of emails or meetings (e.g. "
                f"Group_email_sent_count, Group_meeting_count); the file has: {', '.join(table_file.columns)}."
            )
    else:
        raise InputError(
            f"{path}: line 1: not a person-to-person query (PrimaryCollaborator_PersonId, "
            "SecondaryCollaborator_PersonId) nor a group-to-group query (PrimaryCollaborator_<attribute>, "
            f"SecondaryCollaborator_<attribute>); the file has: {', '.join(table_file.columns)}."
        )

    def read(session: IngestSession) -> None:
        if person_to_person:
            reader = EdgeReader(store, settings, session, {**cols, "channel": "channel"})
            for chunk in table_file.chunks(progress):
                t = chunk.table.append_column("channel", pa.array(["viva-tie"] * chunk.table.num_rows))
                if "ts" in cols:
                    ts_col = cols["ts"]
                    t = t.set_column(t.column_names.index(ts_col), ts_col, _dates(t.column(ts_col).combine_chunks()))
                chunk.table = t
                reader.chunk(chunk)
        else:
            assert groups is not None
            reader = EdgeReader(store, settings, session, {"src": "src", "dst": "dst", "ts": "ts",
                                                           "channel": "channel", "n": "n"})  # fmt: skip
            reader.resolver.accept_units()
            reader.resolver.declare(UNCLASSIFIED, "other", f"Viva Insights: {UNCLASSIFIED}")
            sizes: dict[str, int] = {}
            counted = [0]  # the interactions the kept rows stand for
            size_columns = _size_columns(table_file.columns, groups)
            for chunk in table_file.chunks(progress):
                counted[0] += _group_rows(reader, chunk, groups, cols)
                _group_sizes(reader, chunk, groups, size_columns, sizes)
            if sizes:
                session.stage("declared_sizes", pa.table({
                    "unit_id": pa.array(list(sizes), pa.string()), "size": pa.array(list(sizes.values()), pa.int64()),
                    "source_id": pa.array([f"{session.source_prefix}:sizes"] * len(sizes), pa.string()),
                }))  # fmt: skip
            session.report.notes.append(
                f"{session.report.kept:,} rows stand for the {counted[0]:,} emails and meetings the query counted"
                + (f"; group sizes declared for {len(sizes)} units" if sizes else
                   "; no group sizes (*_GroupSize): a unit's size for min_group_size comes from its active persons")
            )  # fmt: skip
        session.on_commit(lambda: reader.resolver.flush(store))

    return run_ingest(store, path, "viva", read)


def _size_columns(header: list[str], groups: tuple[str, str]) -> list[tuple[str, str]]:
    """(group column, its size column) of each side of a group-to-group query that has one (*_GroupSize)."""
    canon = {canonical_name(c): c for c in header}
    out = []
    for group in groups:
        prefix = next(p for pair in GROUP_PREFIXES for p in pair if canonical_name(group).startswith(p))
        size = next((canon[prefix + s] for s in ("groupsize", "group_size") if prefix + s in canon), None)
        if size is not None:
            out.append((group, size))
    return out


def _group_sizes(reader: EdgeReader, chunk: Chunk, groups: tuple[str, str], size_columns: list[tuple[str, str]],
                 sizes: dict[str, int]) -> None:  # fmt: skip
    """The largest size seen of each group that is a unit of the org chart (``Within Group`` is the group
    itself; other names, such as Unclassified Collaborators, are no unit)."""
    t = chunk.table
    src_groups = t.column(groups[0]).combine_chunks().cast(pa.string())
    for group, size in size_columns:
        names = t.column(group).combine_chunks().cast(pa.string())
        if group == groups[1]:
            within = pc.fill_null(pc.equal(pc.utf8_lower(pc.utf8_trim_whitespace(names)), WITHIN_GROUP), False)
            names = pc.if_else(within, src_groups, names)
        values = t.column(size).combine_chunks().cast(pa.string()).to_pylist()
        for name, text in zip(names.to_pylist(), values, strict=True):
            unit = reader.resolver.units.get((name or "").strip().lower())
            if unit is None or text is None:
                continue
            try:
                value = float(text.strip())
            except ValueError:  # no size given: the unit's size stays its active persons
                continue
            if value == value and value >= 0:
                sizes[unit] = max(sizes.get(unit, 0), round(value))


def _group_rows(reader: EdgeReader, chunk: Chunk, groups: tuple[str, str], cols: dict[str, str]) -> int:
    """Each non-zero count of a group-to-group row as one interaction row standing for that many (``n``);
    returns the interactions the kept rows stand for."""
    t = chunk.table
    session = reader.session
    for line, reason in chunk.invalid:
        session.report.rows += 1
        session.reject(f"line {line}", reason)
    src_groups = t.column(groups[0]).combine_chunks().cast(pa.string())
    dst_groups = t.column(groups[1]).combine_chunks().cast(pa.string())
    within = pc.fill_null(pc.equal(pc.utf8_lower(pc.utf8_trim_whitespace(dst_groups)), WITHIN_GROUP), False)
    dst_groups = pc.if_else(within, src_groups, dst_groups)  # a group's collaboration inside itself
    dates = _dates(t.column(cols["ts"]).combine_chunks()) if "ts" in cols else None
    counted = 0
    for channel, field in (("email", "emails"), ("meeting", "meetings")):
        if field not in cols:
            continue
        raw = t.column(cols[field]).combine_chunks().cast(pa.string())
        numbers = pc.cast(pc.if_else(pc.equal(pc.utf8_trim_whitespace(raw), ""), "0", raw.fill_null("0")),
                          pa.float64(), safe=False)  # fmt: skip
        counts = np.nan_to_num(np.round(numbers.to_numpy(zero_copy_only=False)), nan=0.0).astype(np.int64)
        if (counts < 0).any():
            raise InputError(f"{cols[field]}: negative counts in the group-to-group query; expected counts >= 0.")
        take = np.flatnonzero(counts)  # a count of 0 is no interaction
        if take.size == 0:
            continue
        idx = pa.array(take)
        table = pa.table({
            "src": pc.take(src_groups, idx),
            "dst": pc.take(dst_groups, idx),
            "ts": pc.take(dates, idx) if dates is not None else pa.nulls(take.size),
            "channel": pa.array([channel] * take.size, pa.string()),
            "n": pa.array(counts[take], pa.int64()),
        })  # fmt: skip
        keep = reader.chunk(Chunk(table, chunk.lines[take], chunk.word, [],
                                  [f"{chunk.locator(int(i))} ({channel})" for i in take]))
        counted += int(counts[take][keep.to_numpy(zero_copy_only=False)].sum()) if len(keep) else 0
    return counted
