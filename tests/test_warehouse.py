"""The warehouse: a store published as Parquet snapshots, analysed on DuckDB over the files or on Spark with the
same results as the store itself; a publish that fails half-way leaves the last snapshot current."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orgsphere.analysis.ends import channels_of, classified_interactions, unit_codes
from orgsphere.analysis.hierarchy import unit_ancestors
from orgsphere.analysis.sphere import sphere_counts
from orgsphere.engine import spark_session
from orgsphere.errors import MissingExtraError, StoreError
from orgsphere.pipeline import analyse
from orgsphere.results import Results
from orgsphere.schema import SCHEMA_VERSION
from orgsphere.settings import load_settings
from orgsphere.warehouse import (
    Warehouse,
    check_current,
    publish,
    spark_backend,
    write_snapshot,
)

from .conftest import hospital_ward, write
from .test_engines import same


def same_results(a: Results, b: Results) -> None:
    """Every result table equal: counts exactly, floats to 1e-9, in any row order."""
    ta, tb = ({t.name: t.arrow for t in r.tables()} for r in (a, b))
    assert sorted(ta) == sorted(tb)
    for name, x in ta.items():
        y = tb[name]
        assert (x.num_rows, x.column_names) == (y.num_rows, y.column_names), name
        if x.num_rows:
            keys = [
                c for c in x.column_names if not pa.types.is_floating(x[c].type) and not pa.types.is_nested(x[c].type)
            ]
            same(x, y, keys)
    assert a.organisation == b.organisation
    assert a.statement.interactions == b.statement.interactions and a.statement.unplaced == b.statement.unplaced


@pytest.fixture
def published(tmp_path: Path) -> Any:
    ward = hospital_ward(tmp_path)
    location = str(tmp_path / "warehouse")
    manifest = publish(ward.ws.store, location)
    yield ward, location, manifest
    ward.ws.close()


def test_publish_writes_every_table_and_duckdb_reads_the_same_analysis(published: Any) -> None:
    ward, location, manifest = published
    store = ward.ws.store
    assert manifest["counts"] == {t: n for t, n in store.counts().items() if t != "meta"}
    assert manifest["counts"]["interactions"] == ward.edges_report.kept > 0
    assert json.loads((Path(location) / "orgsphere.json").read_text())["snapshot"] == manifest["snapshot"]
    with Warehouse(location, ward.ws.settings, engine="duckdb") as wh:
        check_current(wh, store)
        same_results(analyse(store, ward.ws.settings), analyse(wh, ward.ws.settings))


def test_the_whole_analysis_is_the_same_on_spark(published: Any, spark: Any) -> None:
    ward, location, _ = published
    with Warehouse(location, ward.ws.settings, engine="spark", session=spark_session(spark)) as wh:
        same_results(analyse(ward.ws.store, ward.ws.settings), analyse(wh, ward.ws.settings))


def test_publish_writes_the_interactions_in_time_order_and_vouches_for_their_ends(published: Any) -> None:
    ward, location, manifest = published
    files = [Path(location) / "snapshots" / manifest["snapshot"] / "interactions" / f
             for f in manifest["files"]["interactions"]]  # fmt: skip
    ts = pa.concat_tables(pq.read_table(f) for f in files)["ts"].to_pylist()
    dated = [t for t in ts if t is not None]
    assert dated == sorted(dated) and ts[: len(dated)] == dated  # the undated, if any, last
    assert manifest["ends_known"] is True
    for table, names in manifest["files"].items():  # one file per table here, empty only for an empty table
        rows = [pq.read_metadata(Path(location) / "snapshots" / manifest["snapshot"] / table / f).num_rows
                for f in names]  # fmt: skip
        assert names == ["part-00000.parquet"] and rows == [manifest["counts"][table]], (table, names, rows)
    with Warehouse(location, ward.ws.settings, engine="duckdb") as wh:  # so its ends are matched by hash
        assert "HASH(" in wh.ibis.compile(_classified(wh))
    assert "HASH(" not in ward.ws.store.ibis.compile(_classified(ward.ws.store))  # a store's by id


def _classified(source: Any) -> Any:
    ancestors, depth = unit_ancestors(source.table("units").to_pyarrow())
    return classified_interactions(source, unit_codes(ancestors), depth, channels_of(source))


def test_an_end_outside_the_snapshot_is_matched_on_its_id_and_counted_unplaced(published: Any, tmp_path: Path) -> None:
    ward, location, _ = published
    store = ward.ws.store
    tables = {t: store.table(t).to_pyarrow() for t in ("units", "people", "parties", "interactions")}
    one = tables["interactions"].slice(0, 1).to_pylist()[0]
    stranger = pa.Table.from_pylist([{**one, "src": "no-one-of-this-snapshot", "src_kind": "person"}],
                                    schema=tables["interactions"].schema)  # fmt: skip
    tables["interactions"] = pa.concat_tables([tables["interactions"], stranger])
    other = str(tmp_path / "other")
    assert write_snapshot(other, tables, {"schema_version": "4"})["ends_known"] is False
    with Warehouse(location, ward.ws.settings, engine="duckdb") as wh, \
         Warehouse(other, ward.ws.settings, engine="duckdb") as wo:  # fmt: skip
        assert "HASH(" not in wo.ibis.compile(_classified(wo))
        (_, before), (_, after) = sphere_counts(wh), sphere_counts(wo)
    assert after == {"interactions": before["interactions"] + 1, "unplaced": before["unplaced"] + 1}


def test_a_failed_publish_leaves_the_last_snapshot_current(published: Any) -> None:
    ward, location, manifest = published

    def broken() -> Any:
        yield from ward.ws.store.table("interactions").limit(10).to_pyarrow().to_batches()
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_snapshot(location, {"interactions": broken()}, {"schema_version": "4"})
    with Warehouse(location, ward.ws.settings, engine="duckdb") as wh:
        assert wh.manifest["snapshot"] == manifest["snapshot"]
        assert wh.table("interactions").count().to_pyarrow().as_py() == ward.edges_report.kept
    assert len(list((Path(location) / "snapshots").iterdir())) == 1  # the broken one cleaned away


def test_a_column_that_may_not_be_null_must_be_there(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="table units: column name is missing and may not be null"):
        write_snapshot(str(tmp_path / "w"), {"units": pa.table({"unit_id": ["a"]})}, {})
    assert not (tmp_path / "w" / "orgsphere.json").exists()


def test_a_stale_or_missing_warehouse_is_refused_with_the_fix(published: Any, tmp_path: Path) -> None:
    ward, location, _ = published
    write(tmp_path / "more.csv", "id\nsomeone@elsewhere.example\n")
    ward.ws.ingest_parties(tmp_path / "more.csv", kind="supplier")
    with Warehouse(location, ward.ws.settings, engine="duckdb") as wh:
        with pytest.raises(StoreError, match=r"parties \d+ -> \d+.*Publish it again: orgsphere publish"):
            check_current(wh, ward.ws.store)
    with pytest.raises(StoreError, match=r"nowhere.*orgsphere\.json"):
        Warehouse(str(tmp_path / "nowhere"), ward.ws.settings, engine="duckdb")


def test_spark_without_pyspark_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_pyspark(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("pyspark"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    with pytest.raises(MissingExtraError, match=r"pip install 'orgsphere\[spark\]'"):
        spark_backend(load_settings(env={}, cli={}))


def test_a_snapshot_of_an_older_schema_is_refused_with_the_fix(published: Any) -> None:
    """A snapshot of schema 3 has no interactions.n and no declared sizes: refused, not read with guesses."""
    _, location, _ = published
    path = Path(location) / "orgsphere.json"
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "schema_version": 3}))
    fix = rf"with schema 3; .* schema {SCHEMA_VERSION}\. Publish the store again .*orgsphere publish"
    with pytest.raises(StoreError, match=fix):
        Warehouse(location, load_settings(), engine="duckdb")


def test_counts_and_declared_sizes_reach_both_engines(tmp_path: Path, spark: Any) -> None:
    """A Viva group-to-group store published: the rows' n and the declared group sizes are read on DuckDB and
    on Spark as in the store; rows written without n (as bench_scale writes them) stand for one each."""
    import orgsphere

    sample = Path(__file__).parent / "data" / "viva_g2g_sample.csv"
    groups = ["Sales and Marketing", "HR", "CEO", "Finance", "Product"]
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "units.yaml", "units:\n" + "".join(f"  - name: {g}\n" for g in groups)))
        ws.ingest_viva(sample)
        location = str(tmp_path / "w")
        publish(ws.store, location)
        here, tallies = sphere_counts(ws.store)
        assert tallies["interactions"] > 10 * ws.store.counts()["interactions"]
        for engine, session in (("duckdb", None), ("spark", spark_session(spark))):
            with Warehouse(location, ws.settings, engine=engine, session=session) as wh:
                there, their = sphere_counts(wh)
                keys = [(k, "ascending") for k in ("scope", "depth", "group_id", "period", "channel")]
                assert there.sort_by(keys).to_pylist() == here.sort_by(keys).to_pylist()  # (B may be infinite)
                assert their == tallies
        hr = next(r for r in here.to_pylist() if r["scope"] == "unit" and r["group_id"] == "HR"
                  and r["period"] == "all" and r["channel"] == "all")  # fmt: skip
        assert hr["persons"] == 137 and hr["size_declared"]
        tables = {t: ws.store.table(t).to_pyarrow() for t in ("units", "people", "parties", "interactions")}
    tables["interactions"] = tables["interactions"].drop_columns(["n"])
    without = str(tmp_path / "without")
    write_snapshot(without, tables, {})
    with Warehouse(without, load_settings(), engine="duckdb") as wh:
        assert wh.table("interactions").n.sum().to_pyarrow().as_py() == tables["interactions"].num_rows
