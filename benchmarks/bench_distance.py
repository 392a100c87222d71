"""Benchmark: customer distance on 100,000 persons with 5 million distinct contacts, against networkx.

    python benchmarks/bench_distance.py                     # 100,000 persons, 5,000,000 contacts
    python benchmarks/bench_distance.py --contacts 1000000  # quicker
    python benchmarks/bench_distance.py --searches          # also both searches end to end

Writes a synthetic store straight into DuckDB: every contact is a pair of persons (mostly near each other in
id, so units and distances form) with two interactions, and 5% of persons meet a customer. Measures in one
process: the engine's extraction of the graph (pairs with counts, each person's unit and customer contacts,
with month and channel roll-ups), the breadth-first search for the whole period, and networkx on the same
graph (building it, and multi-source shortest paths), checking that both give the same distances. Prints
seconds, peak memory after each step and the ratio to networkx, and the extraction as a multiple of one
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
from measure import peak_mib, step, write_json  # benchmarks/measure.py (run these as scripts)

import orgsphere
from orgsphere.analysis.contacts import KeyedGraphs, contact_graph
from orgsphere.analysis.distance import hop_distances, person_distances


def build(folder: Path, persons: int, contacts: int) -> orgsphere.Workspace:
    ws = orgsphere.open(folder / "bench.duckdb", key_file=folder / "bench.key")
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


def compare_searches(ws: orgsphere.Workspace) -> list[dict[str, object]]:
    """The whole per-person table both ways: in memory with scipy, and as a loop of joins in DuckDB."""
    times, tables = {}, {}
    for search in ("scipy", "frontier"):
        t = time.perf_counter()
        tables[search] = person_distances(ws.store, 2, ("customer",), (), search=search)
        times[search] = time.perf_counter() - t
        print(f"  {search:<10} {times[search]:>8.2f} s   peak {peak_mib():>8,.0f} MiB   "
              f"{tables[search].num_rows:,} person rows (every month, channel and roll-up)", flush=True)  # fmt: skip
    print(f"same table from both searches: {tables['scipy'].equals(tables['frontier'])}; the frontier search takes "
          f"{times['frontier'] / times['scipy']:.1f}x the in-memory search")  # fmt: skip
    return [step("person distances, scipy", tables["scipy"].num_rows, times["scipy"]),
            step("person distances, frontier", tables["frontier"].num_rows, times["frontier"], times["scipy"])]


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
        ws = build(folder, args.persons, args.contacts)
        n_pairs = ws.store.raw.execute("SELECT count(*) FROM pairs").fetchone()[0]
        print(f"built {n_pairs:,} distinct contacts among {args.persons:,} persons in {time.perf_counter() - t:.0f} s")
        t = time.perf_counter()
        ws.store.raw.execute("SELECT src, dst, count(*) FROM interactions GROUP BY ALL").to_arrow_table()
        scan_s = time.perf_counter() - t
        print(f"  baseline   {scan_s:>8.2f} s   one scan of the interactions, counted per pair")
        t = time.perf_counter()
        graph = contact_graph(ws.store, 2, ("customer",), ())
        with KeyedGraphs(graph) as keyed:  # every month and channel's graph fetched in turn; the year's kept
            whole = next(g for g in keyed if (g.period, g.channel) == (-1, -1))
            for _ in keyed:
                pass
        graph.release()
        extract_s = time.perf_counter() - t
        print(f"  extract    {extract_s:>8.2f} s   peak {peak_mib():>8,.0f} MiB   (ties of at least 2 interactions, "
              f"units, customer contacts; every month and channel): {extract_s / scan_s:.1f}x the baseline scan",
              flush=True)  # fmt: skip
        a, b, n_persons = whole.a, whole.b, len(whole.persons)
        sources = np.unique(whole.direct)
        t = time.perf_counter()
        d = hop_distances(n_persons, a, b, sources)
        bfs_s = time.perf_counter() - t
        print(f"  bfs        {bfs_s:>8.2f} s   peak {peak_mib():>8,.0f} MiB   {len(a):,} edges, max distance {d.max()}")
        import networkx as nx

        t = time.perf_counter()
        graph = nx.Graph()
        graph.add_nodes_from(range(n_persons))
        graph.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
        build_s = time.perf_counter() - t
        t = time.perf_counter()
        expected = nx.multi_source_dijkstra_path_length(graph, set(sources.tolist()))
        nx_s = time.perf_counter() - t
        print(f"  networkx   {build_s:>8.2f} s build + {nx_s:.2f} s shortest paths   peak {peak_mib():>8,.0f} MiB")
        same = all(expected.get(i, -1) == int(d[i]) for i in range(n_persons))
        print(f"\nsame distances as networkx: {same}")
        print(f"orgsphere BFS {bfs_s:.2f} s vs networkx shortest paths {nx_s:.2f} s: {nx_s / bfs_s:.1f}x faster; "
              f"with building networkx's graph: {(build_s + nx_s) / bfs_s:.1f}x")  # fmt: skip
        steps = [step("scan (baseline)", n_pairs, scan_s), step("extract", n_pairs, extract_s, scan_s),
                 step("networkx shortest paths", n_persons, nx_s), step("bfs", n_persons, bfs_s, nx_s)]  # fmt: skip
        if args.searches:
            del graph, expected
            steps += compare_searches(ws)
        write_json(args.json, "distance", steps, same_as_networkx=same)
        ws.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
