"""Benchmark: the null models and the bootstrap on 10,000 units and 100 million interactions.

    python benchmarks/bench_nulls.py                       # 10,000 units, 100,000 persons, 10^8 interactions
    python benchmarks/bench_nulls.py --interactions 10000000   # a quicker run

Writes a synthetic store straight into DuckDB (ingest is measured by bench_sphere.py), then measures, each step
in a fresh process (its input read before its clock runs):

  scan       floor: a plain DuckDB scan-and-aggregate of the interactions (count per sender)
  margins    the unit margins the null models need (placement of both ends at the interaction's date, counts
             sent and received per unit), inside the engine; nothing per interaction leaves DuckDB
  mixing     random mixing: expected counts per unit (closed form, numpy on the 10,000-unit margins)
  rewiring   degree-preserving rewiring: --null-samples rewirings, each unit's counts drawn exactly
  bootstrap  the fits of R and B across units against random mixing (--bootstrap-samples resamples each)

and prints seconds, rows per second where it applies, the peak memory of each step's process and the
ratio of each step to the scan. Figures vary between machines and runs: read the ratios, and never assert
them in tests.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from measure import bench_store, fresh, step, write_json  # benchmarks/measure.py (run these as scripts)

import orgsphere
from orgsphere.analysis.fit import fit_power
from orgsphere.analysis.margins import unit_margins
from orgsphere.analysis.nulls import margins, random_mixing, rewired


def build(store_path: Path, key: Path, units: int, persons: int, interactions: int) -> orgsphere.Workspace:
    """Units of very different sizes (person i sits in unit floor(units·(i/persons)²)), one level of
    departments above them; interactions to a near colleague (often the same unit), anyone, or a party."""
    ws = orgsphere.open(store_path, key_file=key, memory_limit="")
    con = ws.store.raw
    departments = max(1, units // 100)
    con.execute("INSERT INTO units VALUES ('Firm', 'Firm', NULL, NULL, NULL, NULL)")
    con.execute(
        f"""INSERT INTO units SELECT 'D' || d, 'D' || d, 'Firm', NULL, NULL, NULL FROM range({departments}) t(d)"""
    )
    con.execute(f"""INSERT INTO units SELECT 'T' || u, 'T' || u, 'D' || (u // 100),
                    CASE WHEN u % 3 = 0 THEN 'staff' ELSE 'line' END, NULL, NULL FROM range({units}) t(u)""")
    con.execute(f"""INSERT INTO people SELECT 'p' || i, 'T' || CAST(floor({units} * pow(i / {persons}, 2)) AS BIGINT),
                    NULL, NULL, NULL, NULL FROM range({persons}) t(i)""")
    con.execute("""INSERT INTO parties SELECT 'c' || k, CASE WHEN k < 600 THEN 'customer' ELSE 'supplier' END,
                   NULL, NULL, 'benchmark' FROM range(1000) t(k)""")
    con.execute("SELECT setseed(0.42)")
    con.execute(f"""
        INSERT INTO interactions
        SELECT TIMESTAMP '2025-01-01' + to_seconds(CAST(floor(random() * 365 * 86400) AS BIGINT)) AS ts,
               'p' || s AS src,
               CASE WHEN r < 0.1 THEN 'c' || CAST(floor(random() * 1000) AS BIGINT)
                    WHEN r < 0.4 THEN 'p' || CAST(floor(random() * {persons}) AS BIGINT)
                    ELSE 'p' || ((s + {persons} + (CASE WHEN random() < 0.5 THEN -1 ELSE 1 END)
                                           * CAST(1 + floor(random() * 5) AS BIGINT)) % {persons})
               END AS dst,
               'person', CASE WHEN r < 0.1 THEN 'party' ELSE 'person' END, 'email', 1.0, NULL, 'bench:' || i, NULL, 1
        FROM (SELECT i, CAST(floor(random() * {persons}) AS BIGINT) AS s, random() AS r FROM range({interactions}) t(i))
    """)
    con.execute("DELETE FROM interactions WHERE src = dst")
    return ws


# each step runs in a fresh process (measure.fresh) on what its setup read there
open_store = functools.partial(bench_store, memory_limit="")  # (no memory limit: the steps as they were timed)


def scan(ws: orgsphere.Workspace) -> int:
    with ws:
        return ws.store.raw.execute("SELECT src, count(*) FROM interactions GROUP BY src").to_arrow_table().num_rows


def unit_margins_of(ws: orgsphere.Workspace) -> int:
    with ws:
        return unit_margins(ws.store).num_rows


def margins_of(folder: Path, *rest: int) -> tuple[Any, ...]:
    """The margins of the null models, the unit sizes and the observed ratios (read before the clock runs)."""
    with open_store(folder) as ws:
        m = margins(unit_margins(ws.store))
        persons = dict(ws.store.raw.execute("SELECT unit_id, count(*) FROM people GROUP BY unit_id").fetchall())
    size = np.array([persons.get(u, 0) for u in m.units], dtype=float)
    observed = {"R": m.external / (m.intra + m.inter), "B": (m.inter + m.external) / np.maximum(m.intra, 1)}
    return (m, size, observed, *rest)


def mixing(prepared: tuple[Any, ...]) -> dict[str, Any]:
    return random_mixing(prepared[0])


def rewiring(prepared: tuple[Any, ...]) -> float:
    """The rewired null model; the mean rewired count inside unit 0."""
    return float(rewired(prepared[0], prepared[3], seed=0)["intra"][:, 0].mean())


def bootstrap(prepared: tuple[Any, ...]) -> dict[str, Any]:
    m, size, observed, samples = prepared
    mix = random_mixing(m)
    return {k: fit_power(size, observed[k], samples=samples, seed=0, null_value=mix[k]) for k in ("R", "B")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--interactions", type=int, default=100_000_000)
    ap.add_argument("--null-samples", type=int, default=500)
    ap.add_argument("--bootstrap-samples", type=int, default=2000)
    ap.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    ap.add_argument("--keep", type=Path, default=None, help="Build the store in this folder and keep it.")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="orgsphere-bench-nulls-"))
    folder.mkdir(parents=True, exist_ok=True)
    figures: list[dict[str, Any]] = []

    def timed(name: str, rows: int | None, func: Any, *how: Any, setup: Any = open_store) -> Any:
        value, seconds, peak = fresh(func, folder, *how, setup=setup)
        figures.append(step(name, rows, seconds, figures[0]["seconds"] if figures else None, peak))
        rate = f"{rows / seconds:>14,.0f} rows/s" if rows else " " * 21
        print(f"  {name:<10} {seconds:>9.2f} s {rate}   peak {peak:>8,.0f} MiB", flush=True)
        return value

    try:
        t = time.perf_counter()
        store = folder / "bench.duckdb"
        store.unlink(missing_ok=True)
        with build(store, folder / "bench.key", args.units, args.persons, args.interactions) as ws:
            rows = ws.store.raw.execute("SELECT count(*) FROM interactions").fetchone()[0]
        print(f"built {rows:,} interactions, {args.persons:,} persons, {args.units:,} units in "
              f"{time.perf_counter() - t:.0f} s ({folder}); each step in a fresh process", flush=True)  # fmt: skip
        timed("scan", rows, scan)
        margin_rows = timed("margins", rows, unit_margins_of)
        timed("mixing", None, mixing, setup=margins_of)
        intra0 = timed("rewiring", None, rewiring, args.null_samples, setup=margins_of)
        fits = timed("bootstrap", None, bootstrap, args.bootstrap_samples, setup=margins_of)
        print(f"\nmargins table {margin_rows:,} rows; {args.null_samples} rewirings; {args.bootstrap_samples} "
              "bootstrap resamples per fit")  # fmt: skip
        for f in figures:
            print(f"  {f['step']:<10} {f['seconds'] / figures[0]['seconds']:>7.2f}x the scan")
        for k, fit in fits.items():
            print(f"  {k}: slope {fit.slope:+.3f} [{fit.ci_low:+.3f}, {fit.ci_high:+.3f}], random mixing "
                  f"{fit.null_slope:+.3f}; rewired intra of unit 0: {intra0:.1f}")  # fmt: skip
        write_json(args.json, "nulls", figures, interactions=rows, units=args.units, persons=args.persons)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
