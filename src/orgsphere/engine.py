"""The one adapter to the engines, DuckDB and Spark, under ibis: connecting, which engine an expression runs
on, holding an intermediate table, putting a small Arrow table (a lookup built in Python) into the engine of an
expression, and what a table source (a store or a published warehouse) offers every analysis.

Every use of ibis's private API lives in this module, and only here: ibis 12 gives no public way to reach the
engine's own connection (``backend.con``, DuckDB's; ``backend._session``, Spark's), to ask which backend an
expression is bound to (``Table._find_backend``), or to detach the tables ``.cache()`` made before a connection
closes (``_cache_name_to_entry``). That is why ibis is pinned to one version in pyproject.toml: an upgrade
is checked here first (tests/test_engines.py runs both engines).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Protocol

import duckdb
import ibis
import pyarrow as pa

__all__ = [
    "ENGINES", "Engine", "TableSource", "engine_of", "connect_duckdb", "connect_spark", "duckdb_connection",
    "spark_session", "spark_conf", "materialise", "release", "local_table", "forget_cached", "small_on_driver",
]  # fmt: skip

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")
_names = itertools.count()


class TableSource(Protocol):
    """What every analysis reads: the canonical tables as engine expressions, with the source's meta data and
    row counts. A :class:`~orgsphere.store.Store` (DuckDB) and a :class:`~orgsphere.warehouse.Warehouse`
    (a published snapshot, on DuckDB or Spark) are both one; mypy checks that they are."""

    @property
    def path(self) -> Path | str: ...

    @property
    def engine(self) -> str: ...

    @property
    def ends_known(self) -> bool: ...

    def table(self, name: str) -> ibis.Table: ...

    def meta(self, key: str) -> str | None: ...

    def counts(self) -> dict[str, int]: ...


def engine_of(t: ibis.Table) -> Engine:
    """The engine an expression runs on."""
    return "spark" if t._find_backend().name == "pyspark" else "duckdb"


def connect_duckdb(path: Path | str | None = None, read_only: bool = False) -> Any:
    """An ibis backend on a DuckDB database file (``path``), or in memory."""
    return ibis.duckdb.connect(str(path), read_only=read_only) if path is not None else ibis.duckdb.connect()


def connect_spark(session: Any) -> Any:
    """An ibis backend on a Spark session."""
    return ibis.pyspark.connect(session)


def duckdb_connection(backend: Any) -> duckdb.DuckDBPyConnection:
    """DuckDB's own connection under an ibis backend: for SQL that ibis does not express (transactions, COPY,
    settings such as memory_limit)."""
    con: duckdb.DuckDBPyConnection = backend.con
    return con


def spark_session(backend: Any) -> Any:
    """The Spark session under an ibis backend: for views over Parquet, temporary views and session settings."""
    return backend._session


@contextlib.contextmanager
def spark_conf(t: ibis.Table, key: str, value: str) -> Iterator[None]:
    """A Spark session setting changed while the block runs, when ``t`` runs on Spark (nothing on DuckDB)."""
    backend = t._find_backend()
    if backend.name != "pyspark":
        yield
        return
    conf = backend._session.conf
    before = conf.get(key)
    conf.set(key, value)
    try:
        yield
    finally:
        conf.set(key, before)


def materialise(t: ibis.Table) -> ibis.Table:
    """The table computed now and held by the engine, cut loose from the expressions that made it. On Spark a
    cached table keeps its whole lineage, so a loop that builds each level on the last one grows a plan
    that doubles with every level; a local checkpoint keeps only the rows."""
    backend = t._find_backend()
    if backend.name != "pyspark":
        return t.cache()
    name = f"orgsphere_frontier_{next(_names)}"
    backend._session.sql(backend.compile(t)).localCheckpoint(eager=True).createOrReplaceTempView(name)
    return backend.table(name)


def release(t: ibis.Table) -> None:
    """Let the engine drop a table :func:`materialise` made."""
    backend = t._find_backend()
    if backend.name != "pyspark":
        t.release()
    else:
        backend._session.catalog.dropTempView(t.get_name())


def local_table(like: ibis.Table, table: pa.Table) -> ibis.Table:
    """``table`` as a table of the engine ``like`` runs on. (An ibis memtable is not registered with Spark
    when an expression holding it is cached, nor with either engine inside an SQL query, so lookups are
    handed to the engine explicitly.)"""
    backend = like._find_backend()
    name = f"orgsphere_local_{next(_names)}"
    if backend.name == "pyspark":
        backend._session.createDataFrame(table).createOrReplaceTempView(name)
    else:
        backend.con.register(name, table)  # DuckDB scans the Arrow table in place
    return backend.table(name)


def forget_cached(backend: object) -> None:
    """Before a connection closes: the tables ``.cache()`` made go with it, so ibis must not drop them later
    (it would, when they are garbage collected, on a closed connection)."""
    entries = getattr(backend, "_cache_name_to_entry", {})
    for entry in entries.values():
        entry.finalizer.detach()
    entries.clear()
    getattr(backend, "_cache_op_to_entry", {}).clear()


def small_on_driver(*tables: ibis.Table) -> list[ibis.Table]:
    """Small aggregated tables (units x months x channels) for the rest of an analysis: as they are on
    DuckDB; from Spark copied into a DuckDB on the driver, where the dozens of little aggregations that remain
    take a second instead of hundreds of Spark jobs of tiny tasks (minutes, even in local mode)."""
    if tables[0]._find_backend().name != "pyspark":
        return list(tables)
    con = ibis.duckdb.connect()
    return [con.create_table(f"orgsphere_small_{next(_names)}", t.to_pyarrow()) for t in tables]

