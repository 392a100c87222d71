"""Benchmark: customer distance on 100,000 persons with 5 million distinct contacts, against networkx.

    python benchmarks/bench_distance.py                     # 100,000 persons, 5,000,000 contacts
    python benchmarks/bench_distance.py --contacts 1000000  # quicker
    python benchmarks/bench_distance.py --searches          # also both searches end to end

Writes a synthetic store straight into DuckDB: every contact is a pair of persons (mostly near each other in
id, so units and distances form) with two interactions, and 5% of persons meet a customer. Measures, each step
in a fresh process: the engine's extraction of the graph (pairs with counts, each person's unit and customer contacts,
with month and channel roll-ups), the breadth-first search for the whole period, and networkx on the same
graph (building it, and multi-source shortest paths), checking that both give the same distances. Prints
seconds, the peak memory of each step's process and the ratio to networkx, and the extraction as a multiple of one
plain scan of the interactions. With ``--searches``: the whole per-person table (every month, channel and
the roll-ups) by the in-memory search and by the frontier loop of joins in DuckDB, checked equal, with the
ratio between them. Never asserted in tests.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from measure import bench_store, fresh, step, write_json  # benchmarks/measure.py (run these as scripts)

import orgsphere
from orgsphere.analysis.contacts import KeyedGraphs, contact_graph
from orgsphere.analysis.distance import hop_distances, person_distances


def build(folder: Path, persons: int, contacts: int) -> orgsphere.Workspace:
    ws = bench_store(folder)
    con = ws.store.raw
    units = max(1, persons // 10)
    con.execute("INSERT INTO units VALUES ('Firm', 'Firm', NULL, NULL, NULL, NULL)")
    con.execute(f"INSERT INTO units SELECT 'T' || u, 'T' || u, 'Firm', 'line', NULL, NULL FROM range({units}) t(u)")
    con.execute(
        f"INSERT INTO people SELECT 'p' || i, 'T' || (i // 10), NULL, NULL, NULL, NULL FROM range({persons}) t(i)"
    )
    con.execute("INSERT INTO parties VALUES ('c0', 'customer', NULL, NULL, 'benchmark')")
    con.execute("SELECT setseed(0.42)")
    # distinct pairs (a < b): mostly a few ids apart, some anywhere
    con.execute(f"""
        CREATE TEMP TABLE pairs AS
        SELECT DISTINCT least(a, b) AS a, greatest(a, b) AS b FROM (
            SELECT CAST(floor(random() * {persons}) AS BIGINT) AS a, random() AS r FROM range({int(contacts * 1.15)})
        ) s, LATERAL (SELECT CASE WHEN r < 0.8 THEN (a + 1 + CAST(floor(random() * 300) AS BIGINT)) % {persons}
                                  ELSE CAST(floor(random() * {persons}) AS BIGINT) END AS b)
        WHERE a <> b LIMIT {contacts}
    """)
    con.execute("""INSERT INTO interactions SELECT TIMESTAMP '2025-03-01', 'p' || a, 'p' || b, 'person', 'person',
                   'email', 1.0, NULL, 'bench:' || a || ':' || b || ':' || k, NULL, 1 FROM pairs, range(2) t(k)""")
    con.execute(f"""INSERT INTO interactions SELECT TIMESTAMP '2025-03-01', 'p' || i, 'c0', 'person', 'party',
                    'email', 1.0, NULL, 'bench:c:' || i, NULL, 1 FROM range({persons}) t(i) WHERE random() < 0.05""")
    return ws


def whole_graph(folder: Path) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """(the untimed setup of the searches) the year's contact graph: persons, both ends of each tie, and the
    persons in direct customer contact."""
    with bench_store(folder) as ws:
        graph = contact_graph(ws.store, 2, ("customer",), ())
        with KeyedGraphs(graph) as keyed:
            whole = next(g for g in keyed if (g.period, g.channel) == (-1, -1))
        graph.release()
    return len(whole.persons), whole.a, whole.b, np.unique(whole.direct)


# each step runs in a fresh process (measure.fresh) on the store its setup opened there
def scan(ws: orgsphere.Workspace) -> int:
    with ws:
        pairs = ws.store.raw.execute("SELECT src, dst, count(*) FROM interactions GROUP BY ALL").to_arrow_table()
    return pairs.num_rows


def extract(ws: orgsphere.Workspace) -> int:
    """Every month and channel's graph fetched in turn (ties of at least 2 interactions, units, customer
    contacts); the year's kept."""
    with ws:
        graph = contact_graph(ws.store, 2, ("customer",), ())
        with KeyedGraphs(graph) as keyed:
            n = sum(1 for _ in keyed)
        graph.release()
    return n


def bfs(whole: tuple[int, np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    n_persons, a, b, sources = whole
    return hop_distances(n_persons, a, b, sources)


def networkx_paths(whole: tuple[int, np.ndarray, np.ndarray, np.ndarray]) -> tuple[float, dict[int, int]]:
    """networkx's graph built and its multi-source shortest paths: (the seconds of building, the distances)."""
    import networkx as nx

    n_persons, a, b, sources = whole
    t = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(range(n_persons))
    graph.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
    return time.perf_counter() - t, nx.multi_source_dijkstra_path_length(graph, set(sources.tolist()))


def search(ws: orgsphere.Workspace, how: str) -> tuple[int, str]:
    """The whole per-person table by one search: its rows and a digest of its contents."""
    import hashlib

    with ws:
        table = person_distances(ws.store, 2, ("customer",), (), search=how)
    return table.num_rows, hashlib.sha256(table.to_pandas().to_csv(index=False).encode()).hexdigest()


def open_with(folder: Path, how: str) -> tuple[orgsphere.Workspace, str]:
    return bench_store(folder), how


def search_step(prepared: tuple[orgsphere.Workspace, str]) -> tuple[int, str]:
    return search(*prepared)


def compare_searches(folder: Path) -> list[dict[str, object]]:
    """The whole per-person table both ways: in memory with scipy, and as a loop of joins in DuckDB."""
    times, tables = {}, {}
    for how in ("scipy", "frontier"):
        tables[how], times[how], peak = fresh(search_step, folder, how, setup=open_with)
        print(f"  {how:<10} {times[how]:>8.2f} s   peak {peak:>8,.0f} MiB   "
              f"{tables[how][0]:,} person rows (every month, channel and roll-up)", flush=True)  # fmt: skip
    print(f"same table from both searches: {tables['scipy'] == tables['frontier']}; the frontier search takes "
          f"{times['frontier'] / times['scipy']:.1f}x the in-memory search")  # fmt: skip
    return [step("person distances, scipy", tables["scipy"][0], times["scipy"]),
            step("person distances, frontier", tables["frontier"][0], times["frontier"], times["scipy"])]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--contacts", type=int, default=5_000_000)
    ap.add_argument("--searches", action="store_true", help="also time person_distances with both searches")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="orgsphere-bench-distance-"))
    try:
        t = time.perf_counter()
        with build(folder, args.persons, args.contacts) as ws:
            n_pairs = ws.store.raw.execute("SELECT count(*) FROM pairs").fetchone()[0]
        print(f"built {n_pairs:,} distinct contacts among {args.persons:,} persons in {time.perf_counter() - t:.0f} s; "
              "each step in a fresh process")  # fmt: skip
        _, scan_s, peak = fresh(scan, folder, setup=bench_store)
        print(f"  baseline   {scan_s:>8.2f} s   peak {peak:>8,.0f} MiB   one scan of the interactions, counted per "
              "pair")
        _, extract_s, extract_peak = fresh(extract, folder, setup=bench_store)
        print(f"  extract    {extract_s:>8.2f} s   peak {extract_peak:>8,.0f} MiB   (ties of at least 2 interactions, "
              f"units, customer contacts; every month and channel): {extract_s / scan_s:.1f}x the baseline scan",
              flush=True)  # fmt: skip
        d, bfs_s, bfs_peak = fresh(bfs, folder, setup=whole_graph)
        n_persons = len(d)
        print(f"  bfs        {bfs_s:>8.2f} s   peak {bfs_peak:>8,.0f} MiB   max distance {d.max()}")
        (build_s, expected), seconds, nx_peak = fresh(networkx_paths, folder, setup=whole_graph)
        nx_s = seconds - build_s
        print(f"  networkx   {build_s:>8.2f} s build + {nx_s:.2f} s shortest paths   peak {nx_peak:>8,.0f} MiB")
        same = all(expected.get(i, -1) == int(d[i]) for i in range(n_persons))
        print(f"\nsame distances as networkx: {same}")
        print(f"orgsphere BFS {bfs_s:.2f} s vs networkx shortest paths {nx_s:.2f} s: {nx_s / bfs_s:.1f}x faster; "
              f"with building networkx's graph: {(build_s + nx_s) / bfs_s:.1f}x")  # fmt: skip
        steps = [step("scan (baseline)", n_pairs, scan_s, peak=peak),
                 step("extract", n_pairs, extract_s, scan_s, extract_peak),
                 step("networkx shortest paths", n_persons, nx_s, peak=nx_peak),
                 step("bfs", n_persons, bfs_s, nx_s, bfs_peak)]  # fmt: skip
        if args.searches:
            steps += compare_searches(folder)
        write_json(args.json, "distance", steps, same_as_networkx=same)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
