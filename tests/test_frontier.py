"""The frontier search (a loop of joins in the engine) on DuckDB and on Spark: graphs whose distances are
known, random graphs against the in-memory search, and the real ward giving the same table either way."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from orgsphere.analysis.distance import hop_distances, person_distances, route_labels
from orgsphere.analysis.frontier import frontier_search
from orgsphere.engine import release, spark_session

from .conftest import SparkTables, hospital_ward

_views = itertools.count()


@pytest.fixture(params=["duckdb", "spark"])
def engine(request: pytest.FixtureRequest) -> Any:
    if request.param == "spark":
        return request.getfixturevalue("spark")
    import ibis

    return ibis.duckdb.connect()


def load(con: Any, table: pa.Table) -> Any:
    name = f"t{next(_views)}"
    if con.name == "pyspark":
        spark_session(con).createDataFrame(table).createOrReplaceTempView(name)
        return con.table(name)
    return con.create_table(name, table, temp=True)


def search(con: Any, graphs: dict[str, tuple[np.ndarray, np.ndarray]],
           sources: list[tuple[str, str, int, str]]) -> dict[tuple[str, str, int], tuple[int, str]]:  # fmt: skip
    """Run the frontier search over named graphs; sources: (graph, search, node, label). Returns
    (graph, search, node) -> (distance, label) for every node reached."""
    edges = pa.table({
        "g": [g for g, (a, _) in graphs.items() for _ in a],
        "a": np.concatenate([a for a, _ in graphs.values()]).astype("int64"),
        "b": np.concatenate([b for _, b in graphs.values()]).astype("int64"),
    })  # fmt: skip
    src = pa.table({
        "g": [s[0] for s in sources], "t": [s[1] for s in sources],
        "node": pa.array([s[2] for s in sources], pa.int64()), "label": [s[3] for s in sources],
    })  # fmt: skip
    reached = frontier_search(load(con, edges), load(con, src), ["g"], ["t"])
    rows = reached.to_pyarrow().to_pylist()
    release(reached)
    out = {(r["g"], r["t"], r["node"]): (r["distance"], r["label"]) for r in rows}
    assert len(out) == len(rows), "a node reached twice in one search"
    return out


def test_path_star_and_disconnected_parts(engine: Any) -> None:
    # path 0-1-2-3-4 plus a pair 5-6; a star around hub 0; searched together, each in its own graph
    path = (np.array([0, 1, 2, 3, 5]), np.array([1, 2, 3, 4, 6]))
    star = (np.zeros(9, dtype=int), np.arange(1, 10))
    got = search(engine, {"path": path, "star": star}, [
        ("path", "one", 0, "A"), ("path", "two", 0, "A"), ("path", "two", 4, "B"), ("star", "one", 3, "S"),
    ])  # fmt: skip
    assert {n: v for (g, t, n), v in got.items() if (g, t) == ("path", "one")} == {
        0: (0, "A"), 1: (1, "A"), 2: (2, "A"), 3: (3, "A"), 4: (4, "A")}  # fmt: skip
    # two sources: the nearest counts; node 2 ties and takes the smaller of its predecessors' labels (A)
    assert {n: v for (g, t, n), v in got.items() if (g, t) == ("path", "two")} == {
        0: (0, "A"), 1: (1, "A"), 2: (2, "A"), 3: (1, "B"), 4: (0, "B")}  # fmt: skip
    # a star: from a leaf, the hub is one hop and the other leaves two; nodes 5, 6 (no path) have no row
    star_one = {n: d for (g, t, n), (d, _) in got.items() if (g, t) == ("star", "one")}
    assert star_one == {0: 1, 3: 0, **{leaf: 2 for leaf in (1, 2, 4, 5, 6, 7, 8, 9)}}
    assert not any(n in (5, 6) for (g, _, n) in got if g == "path")


def test_random_graphs_equal_the_in_memory_search(engine: Any) -> None:
    rng = np.random.default_rng(5)
    graphs, sources, expected = {}, [], {}
    for k in range(3 if engine.name == "pyspark" else 8):
        n = int(rng.integers(20, 120))
        m = int(rng.integers(n // 2, 2 * n))
        a, b = rng.integers(0, n, m), rng.integers(0, n, m)
        keep = a != b
        a, b = a[keep], b[keep]
        starts = rng.choice(n, size=int(rng.integers(1, 4)), replace=False)
        own = rng.integers(0, 5, n)
        graphs[f"g{k}"] = (a, b)
        sources += [(f"g{k}", "x", int(s), f"L{own[s]}") for s in starts]
        d = hop_distances(n, a, b, starts)
        labels = route_labels(a, b, d, own)
        expected |= {(f"g{k}", "x", i): (int(d[i]), f"L{labels[i]}") for i in range(n) if d[i] >= 0}
    assert search(engine, graphs, sources) == expected


def test_ring(engine: Any) -> None:
    # on Spark every level is a few jobs: a ring of 30 (15 levels) there, the ring of 1,000 on DuckDB
    n = 30 if engine.name == "pyspark" else 1000
    a = np.arange(n)
    got = search(engine, {"ring": (a, (a + 1) % n)}, [("ring", "x", 0, "C")])
    assert {node: d for (_, _, node), (d, _) in got.items()} == {i: min(i, n - i) for i in range(n)}


def test_ward_the_same_on_duckdb_and_spark_either_way(tmp_path: Path, spark: Any) -> None:
    ward = hospital_ward(tmp_path)
    with ward.ws as ws:
        store = ws.store
        scipy = person_distances(store, 2, ("customer",), (), search="scipy")
        frontier = person_distances(store, 2, ("customer",), (), search="frontier")
        on_spark = SparkTables(spark, store, ("interactions", "people", "parties", "units", "declared_sizes"), "ward")
        spark_auto = person_distances(on_spark, 2, ("customer",), (), search="auto")
    assert scipy.num_rows > 0 and scipy["distance"].null_count < scipy.num_rows
    assert frontier.equals(scipy)
    assert spark_auto.equals(scipy)
