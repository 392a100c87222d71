"""One ingest of one source: its transaction, its rejects, its line in the ingest log, its summary.

- The source is identified by the SHA-256 of its bytes: the same bytes ingested again are skipped, whatever
  the file is called now, so nothing is ever counted twice.
- A changed version of a file ingested before (same path, other bytes) replaces the earlier rows.
- Everything happens in one transaction: an ingest that fails or is interrupted leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from ..errors import InputError
from ..store import Store, orgsphere_version

__all__ = ["IngestReport", "IngestSession", "run_ingest", "file_sha256"]

MAX_REJECT_EXCERPT = 200


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
        for reason, n in self.reasons.most_common(5):
            lines.append(f"  rejected {n:,}x: {reason}")
        if len(self.reasons) > 5:
            lines.append(f"  ... {len(self.reasons) - 5} more reasons; see the rejects table (orgsphere rejects)")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class IngestSession:
    """Handed to a reader inside the transaction: collects rejects and counts."""

    def __init__(self, store: Store, source: Path, kind: str, sha256: str):
        self.store, self.source, self.kind, self.sha256 = store, source, kind, sha256
        self.report = IngestReport(str(source), kind)
        self._rejects: dict[str, list[str]] = {"locator": [], "reason": [], "raw_excerpt": []}

    @property
    def source_prefix(self) -> str:
        """Prefix of the ``source_id`` of every row from this source."""
        return self.sha256[:16]

    def reject(self, locator: str, reason: str, excerpt: str = "") -> None:
        self._rejects["locator"].append(locator)
        self._rejects["reason"].append(reason)
        self._rejects["raw_excerpt"].append(excerpt[:MAX_REJECT_EXCERPT])
        self.report.rejected += 1
        self.report.reasons[reason] += 1
        if len(self._rejects["reason"]) >= 10_000:
            self.flush_rejects()

    def flush_rejects(self) -> None:
        n = len(self._rejects["reason"])
        if n:
            table = pa.table({"source": pa.array([str(self.source)] * n, pa.string()), **self._rejects})
            self.store.append("rejects", table)
            self._rejects = {"locator": [], "reason": [], "raw_excerpt": []}


def run_ingest(
    store: Store, paths: Path | Sequence[Path], kind: str, read: Callable[[IngestSession], None]
) -> IngestReport:
    """Run ``read`` over one source in one transaction, skipping bytes that were ingested before.

    A source is one file, or several files read together (an org chart split over a YAML tree of units and
    a CSV of people); then it is identified by all of their bytes.
    """
    files = [Path(p).resolve() for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    for f in files:
        if not f.is_file():
            raise InputError(f"{f}: file not found; check the path.")
    source = files[0] if len(files) == 1 else Path(" + ".join(str(f) for f in files))
    sha = file_sha256(files[0]) if len(files) == 1 else hashlib.sha256(
        "".join(file_sha256(f) for f in files).encode()
    ).hexdigest()
    started = datetime.now(UTC).replace(tzinfo=None)
    clock = time.perf_counter()
    seen = store.raw.execute(
        "SELECT source, finished FROM ingest_log WHERE sha256 = ? AND kind = ? LIMIT 1", [sha, kind]
    ).fetchone()
    if seen is not None:
        report = IngestReport(str(source), kind)
        report.skipped = f"the same bytes were ingested as {kind} on {seen[1]:%Y-%m-%d %H:%M} from {seen[0]}"
        return report
    session = IngestSession(store, source, kind, sha)
    with store.transaction():
        earlier = store.raw.execute(
            "SELECT sha256 FROM ingest_log WHERE source = ? AND kind = ?", [str(source), kind]
        ).fetchall()
        for (old_sha,) in earlier:
            store.raw.execute("DELETE FROM interactions WHERE source_id LIKE ?", [old_sha[:16] + ":%"])
            store.raw.execute("DELETE FROM work_items WHERE source_id LIKE ?", [old_sha[:16] + ":%"])
        if earlier:
            store.raw.execute("DELETE FROM rejects WHERE source = ?", [str(source)])
            store.raw.execute("DELETE FROM ingest_log WHERE source = ? AND kind = ?", [str(source), kind])
            session.report.replaced = True
        read(session)
        session.flush_rejects()
        report = session.report
        report.seconds = time.perf_counter() - clock
        store.raw.execute(
            "INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                str(source),
                sha,
                kind,
                report.rows,
                report.kept,
                report.rejected,
                started,
                datetime.now(UTC).replace(tzinfo=None),
                orgsphere_version(),
            ],
        )
    return report
