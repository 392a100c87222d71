"""The same analysis on DuckDB and on a local Spark session, from the same expression code: the real ward's
sphere counts and unit margins agree, counts exactly and shares to 1e-9."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from orgsphere.analysis.margins import unit_margins
from orgsphere.analysis.sphere import sphere_counts
from orgsphere.engine import spark_session

from .conftest import SparkTables, hospital_ward


def same(a: pa.Table, b: pa.Table, keys: list[str]) -> None:
    a, b = (t.sort_by([(k, "ascending") for k in keys]) for t in (a, b))
    assert a.num_rows == b.num_rows > 0 and a.column_names == b.column_names
    for name in a.column_names:
        x, y = a[name], b[name].cast(a[name].type)
        if pa.types.is_floating(x.type):
            x0, y0 = pc.fill_null(x, 0.0), pc.fill_null(y, 0.0)  # (equal infinities are the same: B of no intra)
            assert pc.all(pc.or_(pc.equal(x0, y0), pc.less_equal(pc.abs(pc.subtract(x0, y0)), 1e-9))).as_py(), name
            assert x.null_count == y.null_count, name
        else:
            assert x.equals(y), name


def test_the_ward_on_duckdb_and_spark(tmp_path: Path, spark: Any) -> None:
    ward = hospital_ward(tmp_path)
    with ward.ws as ws:
        on_spark = SparkTables(spark, ws.store, ("interactions", "people", "parties", "units", "declared_sizes"),
                               "engines")
        duck, duck_tallies = sphere_counts(ws.store)
        sparked, spark_tallies = sphere_counts(on_spark)
        counts = ("persons", "intra", "inter", "internal", "external", "customer")
        assert {duck[c].type for c in counts} == {sparked[c].type for c in counts} == {pa.int64()}
        same(duck, sparked, ["scope", "group_id", "period", "channel"])
        assert duck_tallies == spark_tallies and duck_tallies["interactions"] == ward.edges_report.kept
        margins = unit_margins(ws.store)
        same(margins, unit_margins(on_spark), [c for c in margins.column_names if margins[c].type == pa.string()])


def test_a_lookup_reaches_spark_and_a_missing_table_is_named(spark: Any) -> None:
    from orgsphere.engine import local_table

    spark_session(spark).createDataFrame(pa.table({"y": ["a"]})).createOrReplaceTempView("engines_probe")
    t = local_table(spark.table("engines_probe"), pa.table({"x": [1, 2]}))
    assert t.to_pyarrow()["x"].to_pylist() == [1, 2]
    with pytest.raises(Exception, match="no_such_table"):
        spark.table("no_such_table").to_pyarrow()
