"""What differs between the engines under the expression code: holding an intermediate table, and putting a
small Arrow table (a lookup built in Python) into the engine of an expression, for DuckDB and Spark."""

from __future__ import annotations

import itertools

import ibis
import pyarrow as pa

__all__ = ["materialise", "release", "local_table", "forget_cached", "small_on_driver"]

_names = itertools.count()


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

