"""Benchmark: ingest and sphere metrics on a synthetic organisation, against plain DuckDB in the same run.

    python benchmarks/bench_sphere.py --persons 100000 --interactions 20000000

Generates an org chart (units of many sizes in a three-level tree), declared customer domains and an edge
list (Parquet, written in chunks), then measures, each step in a fresh process:

  ingest      orgsphere's edge-list ingest (validation, pseudonymisation, resolution, rejects)
  load        baseline: DuckDB loading the same Parquet into a table (no validation, no hashing)
  sphere      orgsphere's sphere metrics (ibis expressions on the store)
  sphere_sql  baseline: the same aggregate written by hand in DuckDB SQL (unit pairs, GROUPING SETS), checked equal
              (persons and contributors among it: the meetings are two-way, mail and chat count the sender)
  scan        floor: one plain DuckDB scan-and-aggregate of the interactions (month, channel, sender)

and prints seconds, rows per second, the peak memory of each step's process and the ratios. Figures vary between
machines and runs; compare ratios, never raw seconds, and never assert them in tests.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from measure import bench_store, fresh, step, write_json  # benchmarks/measure.py (run these as scripts)

import orgsphere
from orgsphere.analysis.hierarchy import unit_groups
from orgsphere.analysis.sphere import TWO_WAY_CHANNELS, sphere_counts

CHUNK = 2_000_000


def make_org(folder: Path, persons: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Units of lognormal sizes under departments and divisions; returns each person's unit and the unit count."""
    sizes = []
    while sum(sizes) < persons:
        sizes.append(int(max(3, rng.lognormal(3.0, 0.9))))
    sizes[-1] -= sum(sizes) - persons
    sizes = [s for s in sizes if s > 0]
    unit_of = np.repeat(np.arange(len(sizes)), sizes)
    staff = rng.random(len(sizes)) < 0.3
    with open(folder / "org.csv", "w") as fh:
        fh.write("person,unit,parent,kind\n")
        for p, u in enumerate(unit_of):
            fh.write(f"e{p},T{u},D{u // 12},{'staff' if staff[u] else 'line'}\n")
    with open(folder / "units.csv", "w") as fh:  # departments under divisions, divisions under the firm
        fh.write("person,unit,parent\n")
    departments = (len(sizes) + 11) // 12
    tree = {"name": "Firm", "units": [{"name": f"V{d}", "units": [{"name": f"D{k}"} for k in range(d, departments, 10)]}
                                      for d in range(min(10, departments))]}  # fmt: skip
    import yaml

    (folder / "units.yaml").write_text(yaml.safe_dump(tree))
    with open(folder / "parties.csv", "w") as fh:
        fh.write("domain,kind\n")
        for k in range(2000):
            fh.write(f"c{k}.example,customer\n")
        for k in range(50):
            fh.write(f"s{k}.example,supplier\n")
    return unit_of, len(sizes)


def make_edges(path: Path, unit_of: np.ndarray, n: int, rng: np.random.Generator) -> None:
    persons = unit_of.size
    members = np.argsort(unit_of, kind="stable")
    start = np.searchsorted(unit_of[members], np.arange(unit_of.max() + 1))
    size = np.bincount(unit_of)
    person_ids = pa.array([f"e{p}" for p in range(persons)], pa.string())
    outside_ids = pa.array([f"info@c{k}.example" for k in range(2000)] + [f"sales@s{k}.example" for k in range(50)]
                           + [f"news@o{k}.example" for k in range(100)], pa.string())  # fmt: skip
    dictionary = pa.concat_arrays([person_ids, outside_ids])
    t0 = np.datetime64("2025-01-01T00:00:00").astype("datetime64[s]").astype(np.int64)
    writer = None
    for done in range(0, n, CHUNK):
        m = min(CHUNK, n - done)
        src = rng.integers(0, persons, m)
        kind = rng.random(m)
        same = kind < 0.55
        other_person = (kind >= 0.55) & (kind < 0.88)
        u = unit_of[src]
        dst = rng.integers(0, persons, m)
        dst[same] = members[start[u[same]] + (rng.random(same.sum()) * size[u[same]]).astype(np.int64)]
        external = ~(same | other_person)
        dst[external] = persons + rng.integers(0, outside_ids.__len__(), external.sum())
        loop = dst == src
        dst[loop] = (dst[loop] + 1) % persons
        flip = external & (rng.random(m) < 0.4)
        src_i, dst_i = np.where(flip, dst, src), np.where(flip, src, dst)
        ts = t0 + rng.integers(0, 365 * 86400, m)
        channel = pa.DictionaryArray.from_arrays(pa.array(rng.integers(0, 3, m).astype(np.int32)),
                                                 pa.array(["email", "meeting", "chat"]))  # fmt: skip
        table = pa.table({
            "src": pa.DictionaryArray.from_arrays(pa.array(src_i.astype(np.int32)), dictionary),
            "dst": pa.DictionaryArray.from_arrays(pa.array(dst_i.astype(np.int32)), dictionary),
            "ts": pa.array(ts, pa.timestamp("s")),
            "channel": channel,
        })  # fmt: skip
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=500_000)
    assert writer is not None
    writer.close()


SPHERE_SQL = """
WITH placed AS (
  SELECT CASE WHEN i.ts IS NULL THEN 'undated' ELSE strftime(i.ts, '%Y-%m') END AS period, i.channel,
         i.src, i.dst, i.src_kind, i.dst_kind, ps.unit_id AS su, pd.unit_id AS du, qs.kind AS sk, qd.kind AS dk
  FROM interactions i
  LEFT JOIN people ps ON i.src = ps.person_id AND coalesce(i.ts::DATE, DATE '9999-12-30')
       BETWEEN coalesce(ps.valid_from, DATE '0001-01-01') AND coalesce(ps.valid_to, DATE '9999-12-31')
  LEFT JOIN people pd ON i.dst = pd.person_id AND coalesce(i.ts::DATE, DATE '9999-12-30')
       BETWEEN coalesce(pd.valid_from, DATE '0001-01-01') AND coalesce(pd.valid_to, DATE '9999-12-31')
  LEFT JOIN parties qs ON i.src = qs.party_id
  LEFT JOIN parties qd ON i.dst = qd.party_id
),
flows AS (SELECT period, channel, src_kind, dst_kind, su, du, sk, dk, count(*) AS n FROM placed GROUP BY ALL),
ends AS (
  SELECT period, channel, n, su AS unit, du AS other_unit, dst_kind = 'person' AS other_person,
         CASE WHEN dst_kind = 'party' THEN coalesce(dk, 'other') END AS opk, TRUE AS ci FROM flows WHERE su IS NOT NULL
  UNION ALL
  SELECT period, channel, n, du, su, src_kind = 'person',
         CASE WHEN src_kind = 'party' THEN coalesce(sk, 'other') END, FALSE FROM flows WHERE du IS NOT NULL
),
counted AS (
  SELECT g.key, g.group_id, e.period, e.channel,
         CASE WHEN go.group_id = g.group_id AND e.ci THEN n ELSE 0 END AS intra,
         CASE WHEN e.other_person AND go.group_id IS NOT NULL AND go.group_id <> g.group_id THEN n ELSE 0 END AS inter,
         CASE WHEN e.opk IS NOT NULL THEN n ELSE 0 END AS external,
         CASE WHEN e.opk = 'customer' THEN n ELSE 0 END AS customer
  FROM ends e JOIN groups g ON e.unit = g.unit_id
  LEFT JOIN groups go ON e.other_unit = go.unit_id AND go.key = g.key
),
counts AS (
  SELECT key, group_id, coalesce(period, 'all') AS period, coalesce(channel, 'all') AS channel,
         sum(intra) AS intra, sum(inter) AS inter, sum(external) AS external, sum(customer) AS customer
  FROM counted GROUP BY GROUPING SETS ((key, group_id, period, channel), (key, group_id, period),
                                       (key, group_id, channel), (key, group_id))
),
activity AS (
  SELECT DISTINCT period, channel, src AS person, su AS unit, TRUE AS took FROM placed WHERE su IS NOT NULL
  UNION
  SELECT DISTINCT period, channel, dst, du, list_contains($two_way, channel) FROM placed WHERE du IS NOT NULL
),
persons AS (
  SELECT g.key, g.group_id, coalesce(a.period, 'all') AS period, coalesce(a.channel, 'all') AS channel,
         count(DISTINCT a.person) AS persons, count(DISTINCT a.person) FILTER (WHERE a.took) AS contributors
  FROM activity a JOIN groups g ON a.unit = g.unit_id
  GROUP BY GROUPING SETS ((g.key, g.group_id, a.period, a.channel), (g.key, g.group_id, a.period),
                          (g.key, g.group_id, a.channel), (g.key, g.group_id))
)
SELECT p.key, p.group_id, p.period, p.channel, p.persons, p.contributors, c.intra, c.inter, c.external, c.customer
FROM persons p JOIN counts c USING (key, group_id, period, channel)
"""


# each step runs in a fresh process (measure.fresh) on what its setup opened there
def new_store(folder: Path) -> tuple[orgsphere.Workspace, Path]:
    """(the untimed setup of :func:`ingest`) a new store holding the org chart and the parties, open."""
    for old in (folder / "bench.duckdb", folder / "bench.duckdb.wal"):
        old.unlink(missing_ok=True)
    ws = bench_store(folder)
    ws.ingest_orgchart(folder / "units.yaml", folder / "org.csv")
    ws.ingest_parties(folder / "parties.csv")
    return ws, folder / "edges.parquet"


def ingest(prepared: tuple[orgsphere.Workspace, Path]) -> str:
    ws, edges = prepared
    with ws:
        return ws.ingest_edges(edges).summary()


def plain_load(edges: Path) -> int:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE plain AS SELECT * FROM read_parquet('{edges}')")
    return int(con.execute("SELECT count(*) FROM plain").fetchone()[0])  # type: ignore[index]


def sphere(ws: orgsphere.Workspace) -> pa.Table:
    with ws:
        table, _ = sphere_counts(ws.store)
        return table


def with_groups(folder: Path) -> orgsphere.Workspace:
    ws = bench_store(folder)
    groups = unit_groups(ws.store.table("units").to_pyarrow())
    group_scopes, group_depths = groups["scope"].to_pylist(), groups["depth"].to_pylist()
    key = [f"level:{d}" if s == "level" else s for s, d in zip(group_scopes, group_depths, strict=True)]
    ws.store.raw.register("groups", groups.append_column("key", pa.array(key)))
    return ws


def sphere_sql(ws: orgsphere.Workspace) -> pa.Table:
    with ws:
        return ws.store.raw.execute(SPHERE_SQL, {"two_way": sorted(TWO_WAY_CHANNELS)}).to_arrow_table()


def scan(ws: orgsphere.Workspace) -> int:
    with ws:
        return ws.store.raw.execute(
            "SELECT strftime(ts, '%Y-%m') AS period, channel, src, count(*) AS n FROM interactions GROUP BY ALL"
        ).to_arrow_table().num_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=20_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one, removed)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="orgsphere-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    n = args.interactions
    print(f"synthetic organisation: {args.persons:,} persons, {n:,} interactions in {folder}", flush=True)
    t = time.perf_counter()
    unit_of, n_units = make_org(folder, args.persons, rng)
    make_edges(folder / "edges.parquet", unit_of, n, rng)
    print(f"  generated {n_units:,} teams in {time.perf_counter() - t:.1f} s; each step in a fresh process", flush=True)
    results: dict[str, tuple[float, float]] = {}

    def timed(label: str, func, arg, setup=None):  # type: ignore[no-untyped-def]
        value, seconds, peak = fresh(func, arg, setup=setup)
        results[label] = seconds, peak
        print(f"  {label:<11} {seconds:8.1f} s  {n / seconds:12,.0f} rows/s  peak {peak:8,.0f} MiB", flush=True)
        return value

    try:
        summary = timed("ingest", ingest, folder, new_store)
        print("   ", summary.replace("\n", "\n    "))
        timed("load", plain_load, folder / "edges.parquet")
        ours_table = timed("sphere", sphere, folder, bench_store)
        plain = timed("sphere_sql", sphere_sql, folder, with_groups)
        timed("scan", scan, folder, bench_store)
        cols = ["group_id", "period", "channel", "persons", "contributors", "intra", "inter", "external", "customer"]
        ours = sorted(tuple(r[c] for c in cols) for r in ours_table.select(cols).to_pylist())
        theirs = sorted(tuple(r[c] for c in cols) for r in plain.select(cols).to_pylist())
        same = ours == theirs
        print(f"\n  sphere tables identical to the hand-written SQL: {same} ({len(ours):,} rows)")
        seconds = {label: s for label, (s, _) in results.items()}
        print(f"  ingest / plain DuckDB load:       {seconds['ingest'] / seconds['load']:6.2f}x")
        print(f"  sphere / hand-written DuckDB SQL: {seconds['sphere'] / seconds['sphere_sql']:6.2f}x")
        print(f"  sphere / plain scan-and-aggregate: {seconds['sphere'] / seconds['scan']:5.2f}x")
        baselines = {"ingest": seconds["load"], "sphere": seconds["sphere_sql"]}
        write_json(args.json, "sphere", [step(label, n, s, baselines.get(label), peak)
                                         for label, (s, peak) in results.items()],
                   persons=args.persons, identical=same,
                   sphere_to_scan=round(seconds["sphere"] / seconds["scan"], 3))  # fmt: skip
        if not same:
            raise SystemExit("the sphere tables differ from the hand-written SQL")
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
