"""The warehouse: the store's canonical tables published as Parquet, and read back for analysis on DuckDB or
on a Spark session (this machine, a cluster, or Spark Connect).

Layout at the warehouse location (a folder, or hdfs://, s3://, s3a://, gs:// as pyarrow and Spark reach them)::

    orgsphere.json                          the manifest: current snapshot, schema, meta, rows per table
    snapshots/<id>/<table>/part-00000.parquet ...

A publish writes a whole new snapshot and replaces the manifest last, so a reader sees the old snapshot or
the new one, never half of one; an interrupted publish leaves the manifest as it was (its files are removed
by the next publish). The snapshot before the current one is kept for readers still on it.

A publish writes the interactions in time order (a month's interactions together: smaller files, and an
aggregation per month keeps one month's groups at hand at a time). Every snapshot's manifest records whether
every end of every interaction is a unit, person or party of the snapshot (``ends_known``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from .engine import connect_duckdb, connect_spark, duckdb_connection, forget_cached, spark_session
from .errors import ConfigError, MissingExtraError, StoreError
from .ingest.tabular import Progress
from .schema import SCHEMA_VERSION, TABLES
from .settings import Settings
from .store import Store, orgsphere_version

__all__ = ["Warehouse", "check_current", "publish", "warehouse_location", "write_snapshot", "snapshot_of", "MANIFEST"]

MANIFEST = "orgsphere.json"
FORMAT = 1
DATA_TABLES = tuple(t for t in TABLES if t != "meta")  # meta travels in the manifest
ROWS_PER_FILE = 8_000_000  # a Spark task each; DuckDB reads the files in parallel too
BATCH_ROWS = 262_144
# the ids of the interactions' ends stay dictionary-encoded up to a million distinct ones in a row group (with
# Parquet's usual 1 MB the writer falls back to plain strings after 50,000: bench_scale's 10^8 interactions
# among 10^5 persons took 2.3 GB instead of 1.2 GB, and longer to read)
DICTIONARY_BYTES = 32 * 2**20


def warehouse_location(settings: Settings) -> str:
    """The warehouse setting, or a folder named after the store beside it (orgsphere.duckdb -> orgsphere.parquet)."""
    return settings.warehouse or str(Path(settings.store).with_suffix(".parquet"))


def _filesystem(location: str) -> tuple[pafs.FileSystem, str]:
    """The pyarrow file system and root path of a location; s3a:// (Hadoop's name) is s3:// to pyarrow."""
    if "://" not in location:
        return pafs.LocalFileSystem(), str(Path(location).expanduser().resolve())
    uri = "s3://" + location[len("s3a://"):] if location.startswith("s3a://") else location
    try:
        return pafs.FileSystem.from_uri(uri)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise ConfigError(
            f"setting 'warehouse': {location}: cannot reach this location ({exc}). Use a folder, or an "
            "hdfs://, s3://, s3a:// or gs:// URI with its credentials in the usual environment variables."
        ) from None


def _read_manifest(fs: pafs.FileSystem, root: str, location: str) -> dict[str, Any]:
    try:
        with fs.open_input_stream(f"{root}/{MANIFEST}") as fh:
            manifest = json.loads(fh.read().decode("utf-8"))
    except FileNotFoundError:
        raise StoreError(
            f"{location}: no published store here ({MANIFEST} is missing). Publish one first: orgsphere publish "
            "(with the same setting warehouse), or point the setting warehouse at a folder orgsphere publish wrote."
        ) from None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{location}/{MANIFEST}: cannot read the manifest ({exc}); publish the store again.") from None
    if manifest.get("format") != FORMAT or int(manifest.get("schema_version", 0)) != SCHEMA_VERSION:
        # (an older snapshot is refused, not read with guesses: one of schema 3 has no interactions.n and no
        # declared_sizes; publishing again from the store, migrated when it is opened, gives both)
        raise StoreError(
            f"{location}/{MANIFEST}: written as warehouse format {manifest.get('format')} with schema "
            f"{manifest.get('schema_version')}; this orgsphere {orgsphere_version()} reads format {FORMAT}, schema "
            f"{SCHEMA_VERSION}. Publish the store again with this version (orgsphere publish)."
        )
    return manifest


class _TableFiles:
    """The Parquet files of one table of a snapshot, written batch by batch (a new file every
    ``ROWS_PER_FILE`` rows), and the batches' checks (their schema, whether their ends are known)."""

    def __init__(self, fs: pafs.FileSystem, folder: str, name: str, ends: _KnownEnds):
        self.fs, self.folder, self.name, self.ends = fs, folder, name, ends
        self.schema = _arrow_schema(name)
        self.files: list[str] = []
        self.rows, self._in_file = 0, 0
        self._writer: pq.ParquetWriter | None = None
        fs.create_dir(folder, recursive=True)

    def write(self, batch: pa.RecordBatch) -> None:
        table = _conform(self.name, self.schema, pa.Table.from_batches([batch]))
        self.ends.see(self.name, table)
        if self._writer is None or self._in_file >= ROWS_PER_FILE:
            if self._writer is not None:
                self._writer.close()
            self.files.append(f"part-{len(self.files):05d}.parquet")
            out = self.fs.open_output_stream(f"{self.folder}/{self.files[-1]}")
            self._writer = pq.ParquetWriter(out, self.schema, compression="zstd",
                                            dictionary_pagesize_limit=DICTIONARY_BYTES)  # fmt: skip
            self._in_file = 0
        self._writer.write_table(table)
        self._in_file += table.num_rows
        self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        elif not self.files:  # an empty table still carries its columns
            self.files.append("part-00000.parquet")
            pq.write_table(self.schema.empty_table(), self.fs.open_output_stream(f"{self.folder}/part-00000.parquet"))


def write_snapshot(location: str, tables: dict[str, Iterator[pa.RecordBatch] | pa.Table], meta: dict[str, str],
                   progress: Progress | None = None, total_rows: int = 0) -> dict[str, Any]:  # fmt: skip
    """Write every canonical table (Arrow batches, in any number) as a new snapshot and make it current.

    ``tables`` maps each name in the schema except meta to its rows; a table left out is written empty, a
    column with a default left out is written as its default (an interaction's ``n``: 1), and a nullable
    column left out as nulls. A batch is checked and written (compressed) in a thread while the next one is
    read: one batch in flight."""
    fs, root = _filesystem(location)
    snapshot = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    base = f"{root}/snapshots/{snapshot}"
    files: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    done = 0
    ends = _KnownEnds()
    table: _TableFiles | None = None
    pending: Future[None] | None = None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="orgsphere-publish") as pool:
            try:
                for name in DATA_TABLES:
                    table = _TableFiles(fs, f"{base}/{name}", name, ends)
                    batches = tables.get(name, iter(()))
                    for batch in batches.to_batches(BATCH_ROWS) if isinstance(batches, pa.Table) else batches:
                        if pending is not None:
                            pending.result()  # (its error, if any, is raised here)
                        pending = pool.submit(table.write, batch)
                        done += batch.num_rows
                        if progress:
                            progress(done, max(total_rows, done))
                    if pending is not None:
                        pending.result()
                        pending = None
                    table.close()
                    files[name], counts[name] = table.files, table.rows
            finally:
                if pending is not None:  # (interrupted: let the batch in flight end before cleaning up)
                    with contextlib.suppress(BaseException):
                        pending.result()
    except BaseException:  # an interrupted publish leaves no half snapshot, and the current one stands
        if table is not None:
            with contextlib.suppress(Exception):
                table.close()
        with contextlib.suppress(OSError):
            fs.delete_dir(base)
        raise
    manifest = {
        "format": FORMAT, "schema_version": SCHEMA_VERSION, "snapshot": snapshot,
        "published": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"), "orgsphere_version": orgsphere_version(),
        "meta": meta, "counts": counts, "files": files, "ends_known": ends.known,
    }  # fmt: skip
    previous = _current_snapshot(fs, root)
    _replace(fs, root, MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"))
    _prune(fs, root, keep={snapshot, previous})
    return manifest


class _KnownEnds:
    """Whether every end of every interaction is a unit, person or party of the snapshot (``ends_known`` in the
    manifest): what lets the analysis match ends on a hash of their id (analysis/ends.py). The tables are
    written in schema order, so the ids are all seen before the first interaction."""

    ID_OF = {"units": "unit_id", "people": "person_id", "parties": "party_id"}

    def __init__(self) -> None:
        self.known = True
        self._ids: list[pa.ChunkedArray] = []
        self._set: pa.Array | None = None

    def see(self, name: str, batch: pa.Table) -> None:
        if name in self.ID_OF:
            self._ids.append(batch[self.ID_OF[name]])
        elif name == "interactions" and self.known:
            if self._set is None:
                self._set = pc.unique(pa.chunked_array([c for ids in self._ids for c in ids.chunks], pa.string()))
            self.known = all(pc.all(pc.is_in(batch[end], value_set=self._set)).as_py() is not False
                             for end in ("src", "dst"))  # fmt: skip


def _conform(name: str, schema: pa.Schema, table: pa.Table) -> pa.Table:
    columns = []
    defaults = _defaults(name)
    for field in schema:
        if field.name in table.column_names:
            columns.append(table[field.name])
        elif field.name in defaults:  # (an interaction's n: 1)
            columns.append(pa.array([defaults[field.name]] * table.num_rows, field.type))
        elif field.nullable:
            columns.append(pa.nulls(table.num_rows, field.type))
        else:
            raise ValueError(f"table {name}: column {field.name} is missing and may not be null")
    return pa.table([c.cast(f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)


def _current_snapshot(fs: pafs.FileSystem, root: str) -> str | None:
    try:
        with fs.open_input_stream(f"{root}/{MANIFEST}") as fh:
            return json.loads(fh.read().decode("utf-8")).get("snapshot")
    except (OSError, ValueError):
        return None


def _replace(fs: pafs.FileSystem, root: str, name: str, data: bytes) -> None:
    """Write a small file whole: on a local disk by renaming a written copy over it, on an object store by one
    upload (an object appears whole or not at all)."""
    if isinstance(fs, pafs.LocalFileSystem):
        with fs.open_output_stream(f"{root}/.{name}.new") as out:
            out.write(data)
        fs.move(f"{root}/.{name}.new", f"{root}/{name}")
    else:
        with fs.open_output_stream(f"{root}/{name}") as out:
            out.write(data)


def _prune(fs: pafs.FileSystem, root: str, keep: set[str | None]) -> None:
    for info in fs.get_file_info(pafs.FileSelector(f"{root}/snapshots", allow_not_found=True)):
        if info.type == pafs.FileType.Directory and info.base_name not in keep:
            fs.delete_dir(info.path)


def _defaults(name: str) -> dict[str, int]:
    """The columns of a canonical table with a (whole number) default, and their default."""
    out = {}
    for column in TABLES[name].split(", "):
        words = column.split()
        if "DEFAULT" in words:
            out[words[0]] = int(words[words.index("DEFAULT") + 1])
    return out


def _arrow_schema(name: str) -> pa.Schema:
    """The Arrow schema of a canonical table, from its DuckDB column definitions."""
    types = {"VARCHAR": pa.string(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"), "DOUBLE": pa.float64(),
             "BIGINT": pa.int64()}  # fmt: skip
    fields = []
    for column in TABLES[name].split(", "):
        words = column.split()
        fields.append(pa.field(words[0], types[words[1]], nullable="NOT NULL" not in column))
    return pa.schema(fields)


def publish(store: Store, location: str, progress: Progress | None = None) -> dict[str, Any]:
    """Write the store's tables to the warehouse as a new snapshot; returns the manifest."""
    meta = dict(store.raw.execute("SELECT key, value FROM meta").fetchall())
    counts = store.counts()

    def rows(name: str) -> Iterator[pa.RecordBatch]:
        order = " ORDER BY ts NULLS LAST" if name == "interactions" else ""
        yield from store.raw.execute(f"SELECT * FROM {name}{order}").to_arrow_reader(BATCH_ROWS)

    return write_snapshot(location, {name: rows(name) for name in DATA_TABLES}, meta, progress,
                          sum(counts[t] for t in DATA_TABLES))  # fmt: skip


def snapshot_of(location: str) -> str:
    """The id of the snapshot current at ``location`` (read from the manifest alone: no session is started)."""
    fs, root = _filesystem(location)
    return str(_read_manifest(fs, root, location)["snapshot"])


class Warehouse:
    """A published snapshot opened for analysis: the part of a :class:`~orgsphere.store.Store` the analysis
    uses (``table``, ``meta``, ``counts``), on DuckDB over the Parquet files or on a Spark session."""

    read_only = True

    def __init__(self, location: str, settings: Settings, engine: str | None = None, session: Any = None):
        self.path = location
        self.settings = settings
        self.engine = engine or settings.engine
        fs, root = _filesystem(location)
        self.manifest = _read_manifest(fs, root, location)
        self.ends_known = bool(self.manifest.get("ends_known", False))
        snapshot = f"snapshots/{self.manifest['snapshot']}"
        self._views: list[str] = []
        self._temp: str | None = None
        if self.engine == "spark":
            self.ibis = spark_backend(settings, session)
            spark = spark_session(self.ibis)
            base = location.rstrip("/")
            for name in DATA_TABLES:
                view = f"orgsphere_{name}_{id(self):x}"
                spark.read.parquet(f"{base}/{snapshot}/{name}").createOrReplaceTempView(view)
                self._views.append(view)
        else:
            self._temp = tempfile.mkdtemp(prefix="orgsphere-spill-")
            self.ibis = connect_duckdb()
            con = duckdb_connection(self.ibis)
            con.execute("SET enable_progress_bar = false")
            con.execute("SET temp_directory = ?", [self._temp])  # an in-memory database spills here
            if settings.memory_limit:
                con.execute("SET memory_limit = ?", [settings.memory_limit])
            for name in DATA_TABLES:
                paths = [f"{root}/{snapshot}/{name}/{f}" for f in self.manifest["files"][name]]
                view = f"orgsphere_{name}"
                if isinstance(fs, pafs.LocalFileSystem):
                    quoted = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
                    con.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet([{quoted}])")
                else:  # through pyarrow's file systems: DuckDB's own need an extension download
                    import pyarrow.dataset as ds

                    con.register(view, ds.dataset(paths, filesystem=fs, format="parquet"))
                self._views.append(view)

    def table(self, name: str) -> ibis.Table:
        if name not in DATA_TABLES:
            raise StoreError(f"no table {name!r} in the warehouse; the tables are {', '.join(DATA_TABLES)}.")
        return self.ibis.table(self._views[DATA_TABLES.index(name)])

    def meta(self, key: str) -> str | None:
        value = self.manifest["meta"].get(key)
        return None if value is None else str(value)

    def counts(self) -> dict[str, int]:
        return {**{t: int(n) for t, n in self.manifest["counts"].items()}, "meta": len(self.manifest["meta"])}

    def close(self) -> None:
        if self.engine == "spark":
            for view in self._views:
                spark_session(self.ibis).catalog.dropTempView(view)
        else:
            forget_cached(self.ibis)
            self.ibis.disconnect()
        if self._temp:
            shutil.rmtree(self._temp, ignore_errors=True)

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_current(warehouse: Warehouse, store: Store) -> None:
    """Refuse to analyse a warehouse that no longer matches the store beside it (an ingest since the publish)."""
    now = {t: n for t, n in store.counts().items() if t != "meta"}
    published = {t: n for t, n in warehouse.counts().items() if t != "meta"}
    if now != published or store.meta("key_fingerprint") != warehouse.meta("key_fingerprint"):
        changed = ", ".join(f"{t} {published.get(t, 0):,} -> {n:,}" for t, n in now.items() if published.get(t) != n)
        raise StoreError(
            f"{warehouse.path}: the published snapshot ({warehouse.manifest['published']}) is older than the store "
            f"{store.path} ({changed or 'another pseudonymisation key'}). Publish it again: orgsphere publish."
        )


def spark_backend(settings: Settings, session: Any = None) -> Any:
    """An ibis backend on a Spark session: ``session`` if given; else inside spark-submit the session it made;
    else a new one on spark_remote (Spark Connect) or spark_master, with spark_conf."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise MissingExtraError(
            "the spark engine needs PySpark: pip install 'orgsphere[spark]' (and Java 17 or newer on this machine)"
        ) from None
    if session is None and not settings.spark_remote:
        session = SparkSession.getActiveSession()
    if session is None:
        builder = SparkSession.builder.appName("orgsphere")
        if settings.spark_remote:
            builder = builder.remote(settings.spark_remote)
        else:
            builder = builder.master(settings.spark_master).config("spark.ui.showConsoleProgress", "false")
            if settings.spark_master.startswith("local"):
                # Spark's 200 shuffle partitions are meant for a cluster: on one machine every aggregation of
                # a small table becomes hundreds of tiny tasks; spark_conf may still set it
                builder = builder.config("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 2)))
        for key, value in settings.spark_conf.items():
            builder = builder.config(key, value)
        try:
            session = builder.getOrCreate()
        except Exception as exc:  # pyspark raises many kinds here: Java missing, master unreachable, bad conf
            where = f"Spark Connect at {settings.spark_remote}" if settings.spark_remote else settings.spark_master
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(
                f"cannot start a Spark session on {where}: {first}. Check that Java 17 or newer is installed "
                "(java -version) and the settings spark_master, spark_remote and spark_conf."
            ) from None
    session.conf.set("spark.sql.session.timeZone", "UTC")  # months are cut in UTC, as on DuckDB
    return connect_spark(session)
