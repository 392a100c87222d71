"""One ingest of one source: its transaction, its rejects, its line in the ingest log, its summary.

- The source is identified by the SHA-256 of its bytes: the same bytes ingested again are skipped, whatever
  the file is called now, so nothing is ever counted twice.
- A changed version of a file ingested before (same path, other bytes) replaces the earlier rows. The store
  knows a source by its file name (for people to read) and a keyed digest of its full path (to find its
  earlier versions); the folders it lies in may name a person, so they are never stored.
- A rejected row is stored with its locator, the reason and the kind of the offending value ("an address",
  "a date-like text"), never the value itself.
- Rows are staged while the file is read, in staging files beside the store (interactions as Parquet, which
  Arrow writes many times faster than DuckDB appends rows; the rest in a DuckDB file), and land in the
  canonical tables in one transaction at the end: an ingest that fails or is interrupted leaves them as they
  were. The staging files are deleted when the ingest ends, however it ends; those left by a killed ingest are
  deleted the next time the store is opened for writing, so staging never takes space in the store file.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import IngestFailedError, InputError
from ..privacy import value_kind
from ..schema import STAGING_PREFIX
from ..store import Store, orgsphere_version

__all__ = ["IngestReport", "IngestSession", "run_ingest", "file_sha256", "replacing", "NEEDS_ORGCHART"]

NEEDS_ORGCHART = {"interactions", "mail", "calendar", "slack", "tickets", "crm", "viva", "events"}  # (events: units)
STAGED_AS_PARQUET = {"interactions"}  # the tables whose rows an ingest stages as Parquet (the bulk of the rows)
# Staged Parquet is read once, by DuckDB at the commit: dictionaries only for the columns of a few distinct values
# and no statistics (a dictionary of each chunk's ids and min/max of every column took the writer some 1.7 times
# as long, and the reader waited for it)
STAGED_DICTIONARY = ("src_kind", "dst_kind", "channel", "topic")
_REPLACE: ContextVar[bool] = ContextVar("replace", default=False)


@contextmanager
def replacing(replace: bool = True) -> Iterator[None]:
    """Within this block, a source whose bytes were ingested before is read again and replaces its earlier
    rows (``--replace``), instead of being skipped."""
    token = _REPLACE.set(replace)
    try:
        yield
    finally:
        _REPLACE.reset(token)


@dataclass
class IngestReport:
    """What one ingest did: rows read, kept and rejected, and the most common reasons."""

    source: str
    kind: str
    rows: int = 0
    kept: int = 0
    rejected: int = 0
    skipped: str | None = None
    replaced: bool = False
    recognised: int = 0  # of the rows, those the store already held (another file, an earlier export), counted once
    failed: str | None = None  # why the ingest kept too little to be recorded
    reasons: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.skipped:
            return f"{self.source}: skipped, {self.skipped}"
        lines = [
            f"{self.source}: {self.rows:,} rows in, {self.kept:,} kept, {self.rejected:,} rejected"
            f" ({self.seconds:.1f} s){' - replaced the earlier version of this file' if self.replaced else ''}"
        ]
        if self.recognised:
            lines.append(f"  {self.recognised:,} rows already in the store, counted once")
        for reason, n in self.reasons.most_common(5):
            lines.append(f"  rejected {n:,}x: {reason}")
        if len(self.reasons) > 5:
            lines.append(f"  ... {len(self.reasons) - 5} more reasons; see the rejects table (orgsphere rejects)")
        lines.extend(f"  note: {n}" for n in self.notes)
        if self.failed:
            lines.append(f"  FAILED: {self.failed}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """The facts of :meth:`summary` as plain values for JSON (``orgsphere ingest ... --json``): every
        reject reason with its count, most common first; ``skipped`` and ``failed`` are null unless the
        ingest was skipped or failed."""
        return {
            "source": self.source, "kind": self.kind, "rows": self.rows, "kept": self.kept, "rejected": self.rejected,
            "recognised": self.recognised, "skipped": self.skipped, "replaced": self.replaced, "failed": self.failed,
            "seconds": round(self.seconds, 3),
            "reasons": [{"reason": reason, "count": n} for reason, n in self.reasons.most_common()],
            "notes": list(self.notes),
        }  # fmt: skip


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class IngestSession:
    """Handed to a reader. Bulk rows go to staging tables as they are read (each chunk written and
    compressed at once, so memory stays bounded); small writes that must land together with them are
    registered with :meth:`on_commit`. Nothing reaches the canonical tables before the final transaction."""

    def __init__(self, store: Store, source: Path, kind: str, sha256: str, name: str | None = None):
        self.store, self.source, self.kind, self.sha256 = store, source, kind, sha256
        self.name = name or source.name  # what the store calls the source: its file name, never its folders
        self.key = store.pseudonymiser().digest("source path", str(source))  # its full path, keyed
        self.report = IngestReport(str(source), kind)
        self._rejects: dict[str, list[str | None]] = {"locator": [], "reason": [], "value_kind": []}
        self._staged: dict[str, str] = {}  # canonical table -> its staging table
        self._parquet: dict[str, tuple[pq.ParquetWriter | None, Path]] = {}  # bulk table -> its staging file
        # Arrow writes a chunk while the reader checks the next one: one write in flight, so memory stays bounded
        self._writing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="orgsphere-staging")
        self._written: Future[None] | None = None
        self._on_commit: list[Callable[[], None]] = []
        self.replace = False  # --replace: a source read before is read again (run_ingest sets it)
        self._renewed: tuple[str, set[str]] | None = None  # under --replace, (prefix, messages read again)

    @property
    def source_prefix(self) -> str:
        """Prefix of the ``source_id`` of every row from this source."""
        return self.sha256[:16]

    def digest(self, kind: str, value: str) -> str:
        """The keyed id of an identifier read from this source (a Message-ID, a ticket number, an event id):
        the store's :meth:`~orgsphere.privacy.Pseudonymiser.digest`, never a plain hash."""
        return self.store.pseudonymiser().digest(kind, value)

    def stage(self, table: str, batch: pa.Table) -> None:
        """Add rows for canonical ``table``; they land in it when the ingest commits. Interactions, the bulk of
        every ingest, are staged as a Parquet file (:data:`STAGED_AS_PARQUET`), other rows in the staging
        database."""
        if table in STAGED_AS_PARQUET:
            if table in self._parquet and self._parquet[table][0] is None:  # (a new file would replace its rows)
                raise RuntimeError(f"the staged {table} were read already (closed): nothing more can be staged")
            writer, path = self._parquet.get(table, (None, self.store.staging_parquet(table)))
            if writer is None:
                path.unlink(missing_ok=True)
                few = [c for c in STAGED_DICTIONARY if c in batch.schema.names]
                writer = pq.ParquetWriter(path, batch.schema, compression="none", use_dictionary=few,
                                          write_statistics=False)  # fmt: skip
                self._parquet[table] = (writer, path)
            batch = batch.cast(writer.schema)
            self._wait_for_writing()
            self._written = self._writing.submit(writer.write_table, batch)
            return
        staging = self._staging_table(table)
        # staged rows are read once, at the commit, and then deleted: not compressing them halves their writing
        # (the staging file grows some 3.5 times larger than the same rows in the store, for the ingest's time)
        self.store.raw.execute("SET force_compression = 'uncompressed'")
        try:
            self.store.append(staging, batch)
        finally:
            self.store.raw.execute("RESET force_compression")

    def _staging_table(self, table: str) -> str:
        """The staging table of ``table`` in the staging database, created empty on first use."""
        staging = self._staged.get(table)
        if staging is None:
            staging = self._staged[table] = f"{self.store.staging()}.{STAGING_PREFIX}{table}_{self.sha256[:16]}"
            self.store.raw.execute(f"DROP TABLE IF EXISTS {staging}")
            self.store.raw.execute(f"CREATE TABLE {staging} AS SELECT * FROM {table} LIMIT 0")
        return staging

    def _staged_parquet(self, table: str) -> tuple[str, str] | None:
        """The rows of ``table`` staged as Parquet, its file closed: (their columns, a DuckDB relation reading
        them); None when none were staged so."""
        if table not in self._parquet:
            return None
        writer, path = self._parquet[table]
        if writer is not None:
            self._wait_for_writing()
            writer.close()
            self._parquet[table] = (None, path)
        names = pq.read_schema(path).names
        quoted = str(path).replace("'", "''")
        return ", ".join(names), f"read_parquet('{quoted}')"

    def stored_messages(self, prefix: str) -> dict[str, int]:
        """The messages the store holds of a reader whose ``source_id`` is ``<prefix>:<message>:<k>`` (mail, a
        meeting occurrence, a chat message), with their rows there: a message read again is counted as already
        there. Under --replace none: every message is read again, and the rows it has now replace those the
        store holds of it (the reader names each one it reads with :meth:`renew`)."""
        if self.replace:
            self._renewed = (prefix, set())
            return {}
        return dict(self.store.raw.execute(
            "SELECT split_part(source_id, ':', 2), count(*) FROM interactions WHERE starts_with(source_id, ?) "
            "GROUP BY 1", [prefix + ":"]).fetchall())  # fmt: skip

    def renew(self, message: str) -> None:
        """Under --replace, ``message`` was read again: its rows in the store go when the ingest commits (those
        kept now take their place; none, when it is rejected now), and are no overlap of the rows staged now."""
        if self._renewed is not None:
            self._renewed[1].add(message)

    @contextmanager
    def _not_renewed(self) -> Iterator[str]:
        """A condition on ``interactions i`` that leaves out the rows of the messages read again under
        --replace (TRUE when there are none)."""
        if not self._renewed or not self._renewed[1]:
            yield "TRUE"
            return
        view = "_orgsphere_renewed"
        prefix, messages = self._renewed
        self.store.raw.register(view, pa.table({"message": pa.array(sorted(messages), pa.string())}))
        try:
            yield (f"NOT (starts_with(i.source_id, '{prefix}:') AND "
                   f"split_part(i.source_id, ':', 2) IN (SELECT message FROM {view}))")  # fmt: skip
        finally:
            self.store.raw.unregister(view)

    def staged_per_message(self, messages: pa.Array) -> dict[str, int]:
        """Of the interactions staged so far by a reader whose ``source_id`` is ``<kind>:<message>:<k>``, the
        rows of each of ``messages`` (a message with none left out). Call it after the reader's last
        :meth:`stage`: it closes the staged file."""
        staged = self._staged_parquet("interactions")
        if staged is None or not len(messages):
            return {}
        view = "_orgsphere_staged_messages"
        self.store.raw.register(view, pa.table({"message": messages}))
        try:
            rows = self.store.raw.execute(f"""
                SELECT split_part(source_id, ':', 2) AS message, count(*) AS rows FROM {staged[1]}
                WHERE split_part(source_id, ':', 2) IN (SELECT message FROM {view}) GROUP BY 1""").fetchall()
            return dict(rows)
        finally:
            self.store.raw.unregister(view)

    def _wait_for_writing(self) -> None:
        """Wait until the chunk in writing is written (its failure, a full disk, is raised here)."""
        written, self._written = self._written, None
        if written is not None:
            written.result()

    def _parquet_to_staging_table(self, table: str) -> None:
        """Move the rows of ``table`` staged as Parquet into its staging table (to delete rows there)."""
        staged = self._staged_parquet(table)
        if staged is not None:
            cols, rows = staged
            self.store.raw.execute(f"INSERT INTO {self._staging_table(table)} ({cols}) SELECT {cols} FROM {rows}")
            self._parquet.pop(table)[1].unlink(missing_ok=True)

    def on_commit(self, step: Callable[[], None]) -> None:
        """Run ``step`` inside the final transaction (for small writes: org chart, parties)."""
        self._on_commit.append(step)

    def reject(self, locator: str, reason: str, value: object = None) -> None:
        """Reject a row: where it is, why, and the offending ``value``, of which only its kind is stored
        (:func:`~orgsphere.privacy.value_kind`). The reason names fields, never values."""
        self._rejects["locator"].append(locator)
        self._rejects["reason"].append(reason)
        self._rejects["value_kind"].append(value_kind(value))
        self.report.rejected += 1
        self.report.reasons[reason] += 1
        if len(self._rejects["reason"]) >= 10_000:
            self._flush_rejects()

    def _flush_rejects(self) -> None:
        n = len(self._rejects["reason"])
        if n:
            rows = pa.table({"source": pa.array([self.name] * n, pa.string()),
                             "source_key": pa.array([self.key] * n, pa.string()),
                             **{k: pa.array(v, pa.string()) for k, v in self._rejects.items()}})
            if self.store.in_transaction:  # (the final transaction writes the store file only, not the staging file)
                self.store.append("rejects", rows)
            else:
                self.stage("rejects", rows)
            self._rejects = {"locator": [], "reason": [], "value_kind": []}

    def recognise_overlaps(self, replaced: Sequence[str]) -> None:
        """Take out of this ingest the dated interactions the store already holds from another source (the same
        ends, time, channel, thread and number ``n`` of interactions the row stands for; an overlapping export,
        the same log as CSV and as XLSX), counted as a multiset: a row twice here and once there is kept once.
        Rows of the versions this ingest replaces do not count."""
        staged = self._staged_parquet("interactions")
        rows = self._staged.get("interactions") if staged is None else staged[1]
        if rows is None:
            return
        with self._not_renewed() as renewed:
            self._recognise_overlaps(replaced, rows, renewed)

    def _recognise_overlaps(self, replaced: Sequence[str], rows: str, renewed: str) -> None:
        others = " AND ".join([f"NOT starts_with(i.source_id, '{old[:16]}:')" for old in replaced] + [renewed])
        if not self.store.raw.execute(f"""
            SELECT 1 FROM interactions i, (SELECT min(ts) AS lo, max(ts) AS hi FROM {rows}) b
            WHERE i.ts BETWEEN b.lo AND b.hi AND {others} LIMIT 1""").fetchone():  # fmt: skip
            return  # (no row of the store lies in this source's time span: nothing to recognise, and no need to
            # number every staged row to find that out)
        self._parquet_to_staging_table("interactions")
        staging = self._staged["interactions"]
        key = "ts, src, dst, channel, coalesce(thread_id, '') AS thread, n"
        numbered = "row_number() OVER (PARTITION BY ts, src, dst, channel, coalesce(thread_id, ''), n) AS k"
        deleted = self.store.raw.execute(f"""
            DELETE FROM {staging} WHERE rowid IN (
                WITH s AS (SELECT rowid AS r, {key}, {numbered} FROM {staging} WHERE ts IS NOT NULL),
                     bounds AS (SELECT min(ts) AS lo, max(ts) AS hi FROM s),
                     e AS (SELECT {key}, {numbered} FROM interactions i
                           SEMI JOIN (SELECT DISTINCT ts, src, dst FROM s) q USING (ts, src, dst)
                           WHERE i.ts BETWEEN (SELECT lo FROM bounds) AND (SELECT hi FROM bounds) AND {others})
                SELECT s.r FROM s JOIN e USING (ts, src, dst, channel, thread, n, k))""").fetchone()  # fmt: skip
        n = int(deleted[0]) if deleted else 0  # (DuckDB answers a DELETE with the rows it deleted)
        self.report.kept -= n
        self.report.recognised += n

    def _commit(self) -> None:
        for step in self._on_commit:
            step()
        with self._not_renewed() as renewed:
            if renewed != "TRUE":  # (the rows of the messages read again under --replace give way)
                self.store.raw.execute(f"DELETE FROM interactions i WHERE NOT ({renewed})")
        self._flush_rejects()
        for table, staging in self._staged.items():
            self.store.raw.execute(f"INSERT INTO {table} SELECT * FROM {staging}")
        for table in list(self._parquet):
            staged = self._staged_parquet(table)
            assert staged is not None
            cols, rows = staged
            self.store.raw.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {rows}")

    def _commit_rejects(self) -> None:
        staging = self._staged.get("rejects")
        if staging is not None:
            self.store.raw.execute(f"INSERT INTO rejects SELECT * FROM {staging}")

    def _drop_staging(self) -> None:
        """Give the staging space back: delete the staging file (also after a write error)."""
        for staging in self._staged.values():  # (dropped first, DuckDB writes nothing of them back on detaching)
            with contextlib.suppress(duckdb.Error):  # (after a write error DuckDB may refuse every statement)
                self.store.raw.execute(f"DROP TABLE IF EXISTS {staging}")
        self._staged.clear()
        with contextlib.suppress(OSError, pa.ArrowException):  # (a full disk: the file goes anyway)
            self._wait_for_writing()
        self._writing.shutdown(wait=True)
        for writer, _ in self._parquet.values():
            if writer is not None:
                with contextlib.suppress(OSError, pa.ArrowException):
                    writer.close()
        self._parquet.clear()
        self.store.release_staging()


def run_ingest(
    store: Store,
    paths: Path | Sequence[Path],
    kind: str,
    read: Callable[[IngestSession], None],
    label: Path | None = None,
) -> IngestReport:
    """Run ``read`` over one source and commit what it produced in one transaction; bytes that were
    ingested before are skipped.

    A source is one file, or several files read together (an org chart split over a YAML tree of units and
    a CSV of people); then it is identified by all of their bytes.
    """
    files = [Path(p).resolve() for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    for f in files:
        if not f.is_file():
            raise InputError(f"{f}: file not found; check the path.")
    if label is not None:  # a folder of many files (a Maildir) is named by the folder
        source = label.resolve()
        name = source.name
    else:
        source = files[0] if len(files) == 1 else Path(" + ".join(str(f) for f in files))
        name = " + ".join(f.name for f in files)
    if not files:
        raise InputError(f"{source}: no files to read.")
    sha = file_sha256(files[0]) if len(files) == 1 else hashlib.sha256(
        "".join(file_sha256(f) for f in files).encode()
    ).hexdigest()
    if kind in NEEDS_ORGCHART and not store.raw.execute("SELECT 1 FROM units LIMIT 1").fetchone():
        raise InputError(
            f"{source}: the store has no org chart yet, so no end of an interaction can be placed. Ingest the "
            "org chart first (orgsphere ingest orgchart units.yaml people.csv), then this file."
        )
    started = datetime.now(UTC).replace(tzinfo=None)
    clock = time.perf_counter()
    replace = _REPLACE.get()
    seen = store.raw.execute(
        "SELECT source, finished FROM ingest_log WHERE sha256 = ? AND kind = ? LIMIT 1", [sha, kind]
    ).fetchone()
    if seen is not None and not replace:
        report = IngestReport(str(source), kind)
        report.skipped = (f"the same bytes were ingested as {kind} on {seen[1]:%Y-%m-%d %H:%M} from {seen[0]}; "
                          "--replace reads them again")  # fmt: skip
        return report
    session = IngestSession(store, source, kind, sha, name)
    session.replace = replace
    try:
        read(session)
        report = session.report
        earlier = _earlier(store, session, sha if replace else None)
        if store.settings.count_overlaps_once:
            session.recognise_overlaps(earlier)
        if kind != "document":  # (a document is one row: a folder of them goes on past an unreadable one)
            report.failed = _failure(report, store.settings.max_reject_share, empty_ok=kind == "orgchart")
        with store.transaction():
            store.raw.execute("DELETE FROM rejects WHERE source_key = ?", [session.key])
            if report.failed:
                session._flush_rejects()
                session._commit_rejects()
            else:
                _replace_earlier(store, session, earlier)
                session._commit()
                report.seconds = time.perf_counter() - clock
                store.raw.execute(
                    "INSERT INTO ingest_log (source, source_key, sha256, kind, rows, kept, rejects, started, finished, "
                    "orgsphere_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [name, session.key, sha, kind, report.rows, report.kept, report.rejected, started,
                     datetime.now(UTC).replace(tzinfo=None), orgsphere_version()],
                )  # fmt: skip
    finally:
        session._drop_staging()
    if report.failed:
        report.seconds = time.perf_counter() - clock
        raise IngestFailedError(f"{source}: {report.failed}", report)
    return report


def _failure(report: IngestReport, max_share: float, empty_ok: bool = False) -> str | None:
    """Why an ingest kept too little to be trusted, or None. ``empty_ok``: no rows may be fine (an org chart
    of units without people, for a group-to-group query; it checks that it has units itself)."""
    top = "; ".join(f"{reason} ({n:,}x)" for reason, n in report.reasons.most_common(3))
    fix = ("Nothing but the rejects was written (orgsphere rejects); the file is not recorded as ingested, so "
           "it can be ingested again once the cause is fixed")  # fmt: skip
    if report.rows == 0 and not empty_ok:
        return f"no rows to read. {fix}."
    if report.rows and report.recognised == 0 and report.rejected >= report.rows:
        return f"nothing kept: all {report.rows:,} rows rejected. Most common: {top}. {fix}."
    if report.rows and report.rejected > max_share * report.rows:
        return (f"{report.rejected:,} of {report.rows:,} rows rejected ({report.rejected / report.rows:.0%}, more "
                f"than max_reject_share {max_share:.0%}). Most common: {top}. {fix}, or raise "
                "max_reject_share if these rejects are expected.")  # fmt: skip
    return None


def _earlier(store: Store, session: IngestSession, sha: str | None) -> list[str]:
    """The sha256 of the earlier versions of this source, which it replaces: the same path (its keyed digest),
    or the same bytes under --replace."""
    return [r[0] for r in store.raw.execute(
        "SELECT sha256 FROM ingest_log WHERE kind = ? AND (source_key = ? OR sha256 = ?)",
        [session.kind, session.key, sha],
    ).fetchall()]  # fmt: skip


def _replace_earlier(store: Store, session: IngestSession, earlier: list[str]) -> None:
    """Delete the rows, rejects and log lines of ``earlier`` versions of this source (:func:`_earlier`)."""
    for old_sha in earlier:
        store.raw.execute("DELETE FROM interactions WHERE source_id LIKE ?", [old_sha[:16] + ":%"])
        store.raw.execute("DELETE FROM work_items WHERE source_id LIKE ?", [old_sha[:16] + ":%"])
        store.raw.execute("DELETE FROM declared_sizes WHERE source_id LIKE ?", [old_sha[:16] + ":%"])
        store.raw.execute("DELETE FROM events WHERE source_id LIKE ?", [old_sha[:16] + ":%"])
        store.raw.execute("DELETE FROM documents WHERE doc_id = ?", [old_sha[:16]])
    if earlier:
        logged = "FROM ingest_log WHERE kind = ? AND sha256 IN (SELECT unnest(?))"
        store.raw.execute(
            f"DELETE FROM rejects WHERE source_key IN (SELECT source_key {logged})", [session.kind, earlier]
        )
        store.raw.execute(f"DELETE {logged}", [session.kind, earlier])
        session.report.replaced = True
