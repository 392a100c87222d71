"""Benchmark: where the limit is. Ingest, sphere metrics, null models and customer distance on synthetic
organisations of growing size, on DuckDB and on Spark local, against a lower bound measured in the same run.

    python benchmarks/bench_scale.py                      # 10^4/10^6, 10^5/10^7, 10^6/10^8 (persons/interactions)
    python benchmarks/bench_scale.py --sizes 10000:1000000 --engines duckdb,spark --json scale.json

For each size it writes a warehouse snapshot (the Parquet layout orgsphere publish writes) of a synthetic
organisation: teams of lognormal sizes under departments and divisions, 2% of persons moving team mid-year,
2,150 outside parties (2,000 of them customers), and interactions over a year on four channels (55% inside
the team, a third to other colleagues, the rest with outside parties), in time order as publish writes
them. Then, each in a fresh process (so peak memory is the step's own; Spark's JVM included), with the same
memory limit:

  lower     the lower bound: a plain DuckDB scan-and-aggregate of the same Parquet (interactions per
            person end, month and channel, held as a table: the tally any sphere computation makes, without
            placing anyone)
  sphere    orgsphere's sphere metrics (sphere_counts)
  nulls     the unit margins and both null models (unit_margins + null_table)
  distance  customer distance of every active person, per unit (person_distance_batches + unit_tables)
  ingest    the edge-list ingest into a DuckDB store (validation, pseudonymisation, resolution), against
            its own lower bound: a plain DuckDB scan-and-aggregate of the same edge file (--ingest-max)
  publish   that store published as a warehouse snapshot (the way to Spark), against the same bound

and prints seconds, rows per second, peak memory and the ratio to the lower bound, then fits, per step and
engine, time against rows (log-log): the growth exponent. Figures vary between machines and runs; compare
ratios, never raw seconds, and never assert them in tests. On a shared machine ``--repeat 2`` runs every step
twice and keeps the faster run (both are printed and saved).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from scale_org import write_org  # benchmarks/scale_org.py (run these as scripts)

HERE = Path(__file__).resolve().parent


# -- one step, in a process of its own -------------------------------------------------------------------------
class RssSampler:
    """Peak resident memory of this process and its children (Spark's JVM), sampled every 50 ms from /proc."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _tree(pid: int) -> list[int]:
        out, todo = [], [pid]
        while todo:
            p = todo.pop()
            out.append(p)
            try:
                for task in os.listdir(f"/proc/{p}/task"):
                    with open(f"/proc/{p}/task/{task}/children") as fh:
                        todo.extend(int(c) for c in fh.read().split())
            except OSError:
                pass
        return out

    def sample(self) -> int:
        total = 0
        for pid in self._tree(os.getpid()):
            try:
                with open(f"/proc/{pid}/statm") as fh:
                    total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except OSError:
                pass
        self.peak = max(self.peak, total)
        return total

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.sample()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self.sample()
        return self.peak / 2**20


def run_step(step: str, engine: str, location: str, memory_limit: str, threads: int) -> dict[str, Any]:
    """Time one step (after the engine is up, so a Spark session's start is not counted)."""
    from orgsphere.engine import duckdb_connection
    from orgsphere.settings import load_settings
    from orgsphere.warehouse import Warehouse

    sampler = RssSampler()
    settings = load_settings(env={}, cli={"memory_limit": memory_limit, "warehouse": location,
                                          "spark_conf": {"spark.driver.memory": "2g"}})  # fmt: skip
    if step == "lower":
        import duckdb

        spill = tempfile.mkdtemp(prefix="orgsphere-lower-")
        con = duckdb.connect(config={"memory_limit": memory_limit, "threads": threads, "temp_directory": spill})
        files = ", ".join(f"'{f}'" for f in _files(location, "interactions"))
        query = f"""SELECT period, channel, person, count(*) AS n FROM (
            SELECT strftime(ts, '%Y-%m') AS period, channel, src AS person FROM read_parquet([{files}])
            UNION ALL SELECT strftime(ts, '%Y-%m'), channel, dst FROM read_parquet([{files}])) GROUP BY ALL"""
        start = time.perf_counter()  # the counts held as a table, as any analysis would hold them
        con.execute(f"CREATE TEMP TABLE tally AS {query}")
        rows = con.execute("SELECT count(*) FROM tally").fetchone()[0]
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "out_rows": rows, "peak_mib": sampler.stop()}
    with Warehouse(location, settings, engine=engine) as wh:
        if engine == "duckdb":
            duckdb_connection(wh.ibis).execute(f"SET threads = {threads}")
        start = time.perf_counter()
        if step == "sphere":
            from orgsphere.analysis.sphere import sphere_counts

            out = sphere_counts(wh)[0].num_rows
        elif step == "nulls":
            from orgsphere.analysis.margins import unit_margins
            from orgsphere.analysis.nulls import margins, null_table

            m = unit_margins(wh)
            out = null_table(margins(m, "all"), settings.null_samples, settings.seed).num_rows
        elif step == "distance":
            from orgsphere.analysis.distance import person_distance_batches, unit_tables

            persons = person_distance_batches(wh, settings.min_contacts, ("customer",))
            out = unit_tables(persons, None, settings.min_group_size)[0].num_rows
        else:
            raise SystemExit(f"unknown step {step!r}")
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "out_rows": out, "peak_mib": sampler.stop()}


def run_ingest(step: str, folder: Path, persons: int, interactions: int, memory_limit: str, threads: int,
               seed: int) -> dict[str, Any]:  # fmt: skip
    """One of the ingest steps, each in its own process so that its peak memory is its own:
    "ingest-lower" writes the edge file (once) and times the plain DuckDB bound on it; "ingest" ingests it
    into a new store; "publish" publishes that store as a warehouse snapshot."""
    import duckdb

    import orgsphere
    from orgsphere.warehouse import publish

    edges, store, key = folder / "edges.parquet", folder / "bench.duckdb", folder / "bench.key"
    if step == "ingest-lower":
        if not edges.exists():
            sys.path.insert(0, str(HERE))
            from bench_sphere import (  # the ingest benchmark's own generator
                make_edges,
                make_org,
            )

            rng = np.random.default_rng(seed)
            unit_of, _ = make_org(folder, persons, rng)
            make_edges(folder / "edges.tmp.parquet", unit_of, interactions, rng)
            (folder / "edges.tmp.parquet").rename(edges)
        spill = tempfile.mkdtemp(prefix="orgsphere-lower-")
        con = duckdb.connect(config={"memory_limit": memory_limit, "threads": threads, "temp_directory": spill})
        start = time.perf_counter()
        con.execute(f"SELECT count(*) FROM (SELECT strftime(ts, '%Y-%m'), channel, src, count(*) "
                    f"FROM read_parquet('{edges}') GROUP BY ALL)").fetchone()  # fmt: skip
        return {"seconds": time.perf_counter() - start}
    sampler = RssSampler()
    if step == "ingest":
        for old in (store, store.with_suffix(".duckdb.wal")):
            old.unlink(missing_ok=True)
        with orgsphere.open(store, key_file=key, memory_limit=memory_limit) as ws:
            ws.store.raw.execute(f"SET threads = {threads}")
            ws.ingest_orgchart(folder / "units.yaml", folder / "org.csv")
            ws.ingest_parties(folder / "parties.csv")
            start = time.perf_counter()
            report = ws.ingest_edges(edges)
            seconds = time.perf_counter() - start
        return {"seconds": seconds, "out_rows": report.kept, "peak_mib": sampler.stop()}
    with orgsphere.open(store, key_file=key, memory_limit=memory_limit) as ws:
        ws.store.raw.execute(f"SET threads = {threads}")
        start = time.perf_counter()
        publish(ws.store, str(folder / "warehouse"))  # the way to Spark: the store's tables as Parquet
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "out_rows": interactions, "peak_mib": sampler.stop()}


def _files(location: str, table: str) -> list[str]:
    manifest = json.loads((Path(location) / "orgsphere.json").read_text())
    return [str(Path(location) / "snapshots" / manifest["snapshot"] / table / f) for f in manifest["files"][table]]


def child(args: list[str], repeat: int = 1) -> dict[str, Any]:
    """Run this script on one step in a fresh Python (``repeat`` times, one after the other: the fastest run
    counts, its seconds in ``runs`` too, and the highest peak); the last line of its output is the figures as
    JSON."""
    results = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
        if proc.returncode != 0:
            return {"error": _exception(proc.stderr)[:300]}
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    best = min(results, key=lambda r: r["seconds"])
    peak = max((r["peak_mib"] for r in results if "peak_mib" in r), default=None)
    return best | ({"peak_mib": peak} if peak is not None else {}) | (
        {"runs": [r["seconds"] for r in results]} if repeat > 1 else {})  # fmt: skip


def _exception(stderr: str) -> str:
    """The exception's own line from a traceback (DuckDB's messages run on with advice after it)."""
    lines = stderr.strip().splitlines() or ["(no output)"]
    raised = [line for line in lines if re.match(r"[\w.]+(Error|Exception)\b[^ ]*: ", line)]
    return (raised or lines)[-1]


# -- the whole run ---------------------------------------------------------------------------------------------
def growth(points: list[tuple[int, float]]) -> float | None:
    """The exponent b of seconds ~ rows^b, least squares on log-log."""
    if len(points) < 2:
        return None
    x, y = np.log([p[0] for p in points]), np.log([p[1] for p in points])
    return float(np.polyfit(x, y, 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000:1000000,100000:10000000,1000000:100000000",
                        help="persons:interactions, comma-separated")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--steps", default="lower,sphere,nulls,distance,ingest")
    parser.add_argument("--spark-max", type=float, default=1e7, help="largest interactions run on Spark local")
    parser.add_argument("--distance-max", type=float, default=1e7, help="largest interactions for customer distance")
    parser.add_argument("--ingest-max", type=float, default=1e7, help="largest interactions ingested")
    parser.add_argument("--memory-limit", default="4GB",
                        help="DuckDB's memory limit in every step (spills beyond); at 10^6 persons and 10^8 "
                             "interactions the lower bound itself needs more than 2GB")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each step (each in a fresh process); the fastest counts, as on a noisy machine "
                             "the slower runs measure the other load")
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--json", type=Path, default=Path("bench_scale.json"))
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, engine, location, *rest = args.child
        if step in ("ingest-lower", "ingest", "publish") and rest:
            persons, interactions = int(rest[0]), int(rest[1])
            result = run_ingest(step, Path(location), persons, interactions, args.memory_limit, args.threads, args.seed)
        else:
            result = run_step(step, engine, location, args.memory_limit, args.threads)
        print(json.dumps(result))
        return

    folder = args.dir or Path(tempfile.mkdtemp(prefix="orgsphere-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    sizes = [tuple(int(float(x)) for x in s.split(":")) for s in args.sizes.split(",")]
    engines, steps = args.engines.split(","), args.steps.split(",")
    common = ["--memory-limit", args.memory_limit, "--threads", str(args.threads), "--seed", str(args.seed)]
    rows: list[dict[str, Any]] = []
    print(f"work folder {folder}; memory limit {args.memory_limit}; {args.threads} threads", flush=True)
    for persons, interactions in sizes:
        location = str(folder / f"org-{persons}-{interactions}")
        manifest = Path(location) / "orgsphere.json"
        if not manifest.exists() or "ends_known" not in json.loads(manifest.read_text()):  # or an older layout
            start = time.perf_counter()
            info = write_org(location, persons, interactions, args.seed)
            print(f"\n{persons:,} persons, {interactions:,} interactions: {info['teams']:,} teams, written in "
                  f"{time.perf_counter() - start:.0f} s", flush=True)  # fmt: skip
        else:
            print(f"\n{persons:,} persons, {interactions:,} interactions (already written)", flush=True)
        lower = child(["lower", "duckdb", location, *common], args.repeat) if "lower" in steps else {}
        if lower:
            rows.append({"persons": persons, "interactions": interactions, "engine": "duckdb", "step": "lower",
                         **lower, **({"ratio": 1.0} if "seconds" in lower else {})})  # fmt: skip
            _print(rows[-1])
            _save(args, rows, [])
        for engine in engines:
            for step in [s for s in steps if s in ("sphere", "nulls", "distance")]:
                if (engine == "spark" and interactions > args.spark_max
                        or step == "distance" and interactions > args.distance_max):
                    continue
                result = child([step, engine, location, *common], args.repeat)
                row = {"persons": persons, "interactions": interactions, "engine": engine, "step": step, **result}
                if "seconds" in result and "seconds" in lower:
                    row["ratio"] = result["seconds"] / lower["seconds"]
                rows.append(row)
                _print(row)
                _save(args, rows, [])
        if "ingest" in steps and interactions <= args.ingest_max:
            work = folder / f"ingest-{persons}-{interactions}"
            work.mkdir(exist_ok=True)
            size = [str(work), str(persons), str(interactions), *common]
            bound = child(["ingest-lower", "duckdb", *size], args.repeat)
            for step in ("ingest", "publish"):
                result = child([step, "duckdb", *size], args.repeat)
                row = {"persons": persons, "interactions": interactions, "engine": "duckdb", "step": step, **result}
                if "seconds" in result and "seconds" in bound:
                    row |= {"lower_seconds": bound["seconds"], "ratio": result["seconds"] / bound["seconds"]}
                rows.append(row)
                _print(row)
                _save(args, rows, [])
                if "error" in result:
                    break

    print("\ngrowth of time with rows (seconds ~ rows^b, fitted over the sizes run):")
    fits = []
    for engine in ["duckdb", *[e for e in engines if e != "duckdb"]]:
        for step in ["lower", "sphere", "nulls", "distance", "ingest", "publish"]:
            points = [(r["interactions"], r["seconds"]) for r in rows if r["engine"] == engine and r["step"] == step
                      and "seconds" in r]  # fmt: skip
            b = growth(points)
            if b is not None:
                fits.append({"engine": engine, "step": step, "exponent": b, "sizes": len(points)})
                print(f"  {engine:7s} {step:9s} b = {b:.2f} over {len(points)} sizes")
    _save(args, rows, fits)
    print(f"\nfigures written to {args.json}")


def _save(args: argparse.Namespace, rows: list[dict[str, Any]], fits: list[dict[str, Any]]) -> None:
    """The figures so far (written after every step, so an interrupted run keeps what it measured)."""
    args.json.write_text(json.dumps({"memory_limit": args.memory_limit, "threads": args.threads,
                                     "repeat": args.repeat, "rows": rows, "growth": fits}, indent=1))  # fmt: skip


def _print(row: dict[str, Any]) -> None:
    head = f"  {row['engine']:7s} {row['step']:9s}"
    if "error" in row:
        print(f"{head} failed: {row['error']}", flush=True)
        return
    rate = row["interactions"] / row["seconds"]
    ratio = f"{row['ratio']:6.2f}x the lower bound" if "ratio" in row else ""
    runs = f"  (runs: {', '.join(f'{x:.2f}' for x in row['runs'])} s)" if "runs" in row else ""
    print(f"{head} {row['seconds']:8.2f} s {rate:14,.0f} rows/s  peak {row['peak_mib']:7,.0f} MiB  {ratio}{runs}",
          flush=True)


if __name__ == "__main__":
    main()
