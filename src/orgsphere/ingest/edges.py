"""Generic interactions: a CSV or Parquet edge list (src, dst, optional ts, channel, weight, thread).

Read in chunks with bounded memory. Every row becomes one directed interaction (``n`` = 1: a column named
count or n is the weight, a strength, never a number of interactions) or one reject with its line and reason;
identities are pseudonymised and resolved to persons or outside parties on the way in, and a thread column's
values are stored as keyed digests (a conversation id may be a Message-ID or name a person).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..settings import Settings
from ..store import Store
from ..text.lexicon import load_lexicon
from ..text.subjects import TopicReader
from .columns import find_columns
from .limits import ReadLimits
from .parties import ingest_parties
from .resolve import Resolver
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Chunk, Progress, open_tabular
from .timestamps import TS, TS_PROBLEM, DateOrder, parse_timestamps

__all__ = ["ingest_edges", "EDGE_FIELDS", "EdgeReader", "EdgeBuffer", "SOURCE_ID", "parse_timestamps", "TS",
           "TS_PROBLEM"]  # fmt: skip

EDGE_FIELDS = {
    "src": ("from", "source", "sender", "from_id", "source_id", "person", "organizer", "van"),
    "dst": ("to", "target", "recipient", "receiver", "to_id", "target_id", "aan"),
    "ts": ("time", "timestamp", "datetime", "date", "sent", "start", "tijd", "datum"),
    "channel": ("medium", "type", "kanaal"),
    "weight": ("mins", "minutes", "duration", "count", "n", "gewicht"),
    "thread": ("thread_id", "conversation_id", "conversation"),
    "subject": ("onderwerp", "summary"),  # read only with read_subjects, and then only for its topic
}
SOURCE_ID = "_source_id"  # optional column of a chunk: the source_id of each row


def _parse_weights(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    text = values if not pa.types.is_string(values.type) else pc.utf8_trim_whitespace(values)
    if pa.types.is_string(text.type):
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), pc.replace_substring(text, ",", "."))
    try:
        weights = text.cast(pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        parsed: list[float | None] = []
        problems: list[str | None] = []
        for item in text.to_pylist():
            try:
                parsed.append(None if item is None else float(item))
                problems.append(None)
            except ValueError:
                parsed.append(None)
                problems.append("weight is not a number")
        weights, problem = pa.array(parsed, pa.float64()), pa.array(problems, pa.string())
    else:
        problem = pa.nulls(len(values), pa.string())
    bad = pc.fill_null(pc.or_(pc.less(weights, 0), pc.is_nan(weights)), False)
    problem = pc.if_else(bad, pa.scalar("weight must be a number of at least 0", pa.string()), problem)
    return pc.fill_null(weights, 1.0), problem


class EdgeReader:
    """Turns chunks of raw edges (src, dst and optional ts, channel, weight, thread columns, named by
    ``cols``) into interactions and rejects. Shared by every reader of interactions. ``raw_threads``: the
    thread column holds the source's own values, which are keyed here (readers of messages and events hand
    over threads they keyed themselves)."""

    def __init__(self, store: Store, settings: Settings, session: IngestSession, cols: dict[str, str],
                 raw_threads: bool = False):  # fmt: skip
        self.store, self.session, self.cols, self.raw_threads = store, session, cols, raw_threads
        self.resolver = Resolver(store, settings)
        self.default_channel = settings.default_channel.strip().lower() or "other"
        self.dates = DateOrder(settings.date_format, f"{session.source}: column {cols.get('ts', 'ts')}")
        self.topics = TopicReader(load_lexicon(*([settings.lexicon] if settings.lexicon else []))) \
            if settings.read_subjects else None

    def chunk(self, chunk: Chunk) -> pa.Array:
        """Stage the chunk's good rows as interactions, reject the others; returns which rows were kept."""
        session = self.session
        for line, reason in chunk.invalid:
            session.report.rows += 1
            session.reject(f"line {line}", reason)
        table, n = chunk.table, chunk.table.num_rows
        if n == 0:
            return pa.array([], pa.bool_())
        session.report.rows += n
        src, src_kind, src_problem = self.resolver.array(table.column(self.cols["src"]).combine_chunks())
        dst, dst_kind, dst_problem = self.resolver.array(table.column(self.cols["dst"]).combine_chunks())
        null_text = pa.nulls(n, pa.string())
        if "ts" in self.cols:
            ts, ts_problem = parse_timestamps(table.column(self.cols["ts"]).combine_chunks(), self.dates)
        else:
            ts, ts_problem = pa.nulls(n, TS), null_text
        if "weight" in self.cols:
            weight, weight_problem = _parse_weights(table.column(self.cols["weight"]).combine_chunks())
        else:
            weight, weight_problem = pa.array(np.ones(n)), null_text
        # how many interactions each row stands for: 1, but for a reader of counts (a Viva group-to-group
        # query) that names its column of whole numbers >= 1 as "n" (an edge list's "count" is its weight)
        many = table.column(self.cols["n"]).combine_chunks().cast(pa.int64()) if "n" in self.cols else None
        if "channel" in self.cols:
            channel = pc.utf8_lower(pc.utf8_trim_whitespace(table.column(self.cols["channel"]).combine_chunks()
                                                            .cast(pa.string())))  # fmt: skip
            channel = pc.if_else(pc.fill_null(pc.equal(channel, ""), True), self.default_channel, channel)
        else:
            channel = pa.array([self.default_channel] * n, pa.string())
        if "thread" in self.cols:  # an empty thread field is no thread
            thread = pc.utf8_trim_whitespace(table.column(self.cols["thread"]).combine_chunks().cast(pa.string()))
            thread = pc.if_else(pc.equal(thread, ""), pa.scalar(None, pa.string()), thread)
            if self.raw_threads:
                thread = self.store.pseudonymiser().digests("thread", thread)
        else:
            thread = null_text
        # a subject is read for its topic (a satisfaction survey, an SLA report) and then forgotten
        if self.topics is not None and "subject" in self.cols:
            topic = self.topics.array(table.column(self.cols["subject"]).combine_chunks())
        else:
            topic = null_text
        both_parties = pc.and_(pc.equal(src_kind, "party"), pc.equal(dst_kind, "party"))
        problem = pc.coalesce(  # the first problem of each row
            pc.binary_join_element_wise("src ", src_problem, ""),
            pc.binary_join_element_wise("dst ", dst_problem, ""),
            pc.if_else(pc.fill_null(pc.and_(pc.equal(src, dst), pc.not_equal(src_kind, "unit")), False),
                       pa.scalar("src and dst are the same person or party", pa.string()), null_text),
            pc.if_else(pc.fill_null(both_parties, False),
                       pa.scalar("neither end is a person of the organisation", pa.string()), null_text),
            ts_problem,
            weight_problem,
        )  # fmt: skip
        bad = pc.is_valid(problem)
        if pc.any(bad).as_py():
            problems = problem.to_pylist()
            for i in np.flatnonzero(bad.to_numpy(zero_copy_only=False)):
                reason = problems[i]
                field = reason.split(" ", 1)[0]
                value = table.column(self.cols[field])[int(i)].as_py() if field in ("ts", "weight") else None
                session.reject(chunk.locator(int(i)), reason, value)
        keep = pc.invert(bad)
        kept = int(pc.sum(keep.cast(pa.int64())).as_py() or 0)
        if kept == 0:
            return keep
        if SOURCE_ID in table.column_names:  # the reader knows a better identity (a mail's Message-ID)
            source_id = table.column(SOURCE_ID).combine_chunks().filter(keep)
        else:
            lines = pa.array(chunk.lines).filter(keep)
            source_id = pc.binary_join_element_wise(self.session.source_prefix, lines.cast(pa.string()), ":")
        out = pa.table(
            {
                "ts": ts.filter(keep),
                "src": src.filter(keep),
                "dst": dst.filter(keep),
                "src_kind": src_kind.filter(keep),
                "dst_kind": dst_kind.filter(keep),
                "channel": channel.filter(keep),
                "weight": weight.filter(keep),
                "thread_id": thread.filter(keep),
                "source_id": source_id,
                "topic": topic.filter(keep),
                "n": many.filter(keep) if many is not None else pa.array(np.ones(kept, np.int64)),
            }
        )
        self.session.stage("interactions", out)
        session.report.kept += kept
        return keep


class EdgeBuffer:
    """Rows that a reader of messages or events finds one at a time, handed to an :class:`EdgeReader` in
    chunks (so memory stays bounded and every row still gets its own locator for rejects)."""

    COLUMNS = {"src": "src", "dst": "dst", "ts": "ts", "channel": "channel", "weight": "weight", "thread": "thread",
               "subject": "subject"}  # fmt: skip
    TYPES = {"src": pa.string(), "dst": pa.string(), "ts": TS, "channel": pa.string(), "weight": pa.float64(),
             "thread": pa.string(), "subject": pa.string(), SOURCE_ID: pa.string()}  # fmt: skip

    def __init__(self, reader: EdgeReader, word: str, size: int = 100_000):
        self.reader, self.word, self.size = reader, word, size
        self.rows: dict[str, list[object]] = {k: [] for k in self.TYPES}
        self.labels: list[str] = []

    def add(self, label: str, src: str, dst: str, ts: datetime | None, channel: str, thread: str | None,
            source_id: str, weight: float = 1.0, subject: str | None = None) -> None:  # fmt: skip
        for key, value in (("src", src), ("dst", dst), ("ts", ts), ("channel", channel), ("weight", weight),
                           ("thread", thread), ("subject", subject), (SOURCE_ID, source_id)):  # fmt: skip
            self.rows[key].append(value)
        self.labels.append(label)
        if len(self.labels) >= self.size:
            self.flush()

    def flush(self) -> None:
        n = len(self.labels)
        if not n:
            return
        table = pa.table({k: pa.array(v, self.TYPES[k]) for k, v in self.rows.items()})
        self.reader.chunk(Chunk(table, np.zeros(n, np.int64), self.word, labels=self.labels))
        self.rows = {k: [] for k in self.TYPES}
        self.labels = []


def ingest_edges(
    store: Store,
    path: Path,
    settings: Settings,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest an edge list (CSV, TSV, CSV.gz, XLSX or Parquet) into ``interactions``.

    ``mapping`` names the columns of the fields src, dst, ts, channel, weight and thread (default: the
    ``edge_columns`` setting, then the usual names such as from / to / time).
    """
    path = Path(path)
    table_file = open_tabular(path, "edge list", ReadLimits.of(settings))
    cols = find_columns(
        path, table_file.columns, EDGE_FIELDS, required=("src", "dst"),
        mapping={**settings.edge_columns, **(mapping or {})}, what="edge list",
    )  # fmt: skip

    customers = None
    if settings.customer_list is not None:
        customers = ingest_parties(store, Path(settings.customer_list), "customer")

    def read(session: IngestSession) -> None:
        if customers is not None:
            session.report.notes.append("customer list " + customers.summary().replace("\n", "; "))
        reader = EdgeReader(store, settings, session, cols, raw_threads=True)
        for chunk in table_file.chunks(progress):
            reader.chunk(chunk)
        session.on_commit(lambda: reader.resolver.flush(store))
        if not store.raw.execute("SELECT 1 FROM aliases LIMIT 1").fetchone():
            session.report.notes.append("the store has no org chart yet: ingest one first (orgsphere ingest orgchart)")

    return run_ingest(store, path, "interactions", read)
