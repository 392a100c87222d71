"""Benchmark: reading CSV as exports write it — every field quoted (ServiceNow), a quoted field over several
lines (Excel), a stray quote — against the same rows unquoted, in the same command, alternating, each run in a
fresh process.

    python benchmarks/bench_csv.py                 # 10^6 rows, 3 runs each
    python benchmarks/bench_csv.py --rows 2000000 --repeat 5 --json csv.json

Unquoted lines are the baseline (Arrow reads blocks of whole lines at once). Quoted lines stay with Arrow as
long as every line closes its quotes; a field over several lines hands the rest of the file to Python's csv
module, record by record. Prints seconds, rows per second, peak memory and the ratio to the baseline (fastest
run of each); writes them with --json. Never asserted in tests.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from measure import fresh, step, write_json  # benchmarks/measure.py (run these as scripts)

from orgsphere.ingest.tabular import open_tabular

LAYOUTS = {
    "unquoted (baseline)": lambda i: f"p{i % 1000},p{(i + 1) % 1000},2025-01-01 10:00,plain note\n",
    "every field quoted": lambda i: f'"p{i % 1000}","p{(i + 1) % 1000}","2025-01-01 10:00","plain note"\n',
    "field over 2 lines": lambda i: f'p{i % 1000},p{(i + 1) % 1000},2025-01-01 10:00,"first\nsecond"\n',
}


def _read(path: Path) -> int:
    return sum(chunk.table.num_rows for chunk in open_tabular(path, "benchmark").chunks())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for k, (name, row) in enumerate(LAYOUTS.items()):
            files[name] = Path(tmp) / f"{k}.csv"
            files[name].write_text("src,dst,ts,note\n" + "".join(row(i) for i in range(args.rows)), encoding="utf-8")
        runs: dict[str, list[float]] = {name: [] for name in LAYOUTS}
        peaks: dict[str, float] = {}
        for _ in range(args.repeat):
            for name, path in files.items():
                n, seconds, peak = fresh(_read, path)
                assert n == args.rows
                runs[name].append(seconds)
                peaks[name] = max(peaks.get(name, 0.0), peak)
    base = min(runs["unquoted (baseline)"])
    out = []
    print(f"{args.rows:,} rows, fastest of {args.repeat} runs each, each in a fresh process (all runs in brackets)")
    for name, seconds in runs.items():
        best = min(seconds)
        out.append(step(name, args.rows, best, base if name != "unquoted (baseline)" else None, peaks[name],
                        runs=[round(s, 4) for s in seconds]))  # fmt: skip
        print(f"  {name:<22} {best:>6.2f} s {args.rows / best:>12,.0f} rows/s {best / base:>6.2f}x  "
              f"peak {peaks[name]:6,.0f} MiB  [{', '.join(f'{s:.2f}' for s in seconds)}]")
    write_json(args.json, "csv", out)


if __name__ == "__main__":
    main()
