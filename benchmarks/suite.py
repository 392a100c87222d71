"""Every benchmark at a small size, one after the other (``make bench``): a few minutes on a laptop.

    python benchmarks/suite.py                     # all of them, figures in bench.json
    python benchmarks/suite.py --only mail,csv     # some of them
    python benchmarks/suite.py --list              # what runs, with the command line of each

Each benchmark runs as its own command, as its docstring describes (each of its steps in a fresh process,
its baseline in the same command), with the small arguments below; the full sizes are each benchmark's own
defaults (docs/benchmarks.md). Prints one table of every step (seconds, peak MiB, ratio to its baseline) and
writes them all to --json. A benchmark that fails is reported with its exit code and the rest still run; the
suite then exits 1.

Not run here: bench_hostile.py and bench_kill.py (inputs of gigabytes; run them on their own), and
bench_roles.py where ../shared/data/real is missing (it reads real service requests).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REAL = HERE.parent.parent / "shared" / "data" / "real" / "dutch-service-requests"

SMALL: dict[str, list[str]] = {  # name -> the arguments of its small run
    "text": ["--texts", "20000"],
    "csv": ["--rows", "200000", "--repeat", "2"],
    "mail": ["--messages", "20000"],
    "disclosure": ["--units", "100", "1000"],
    "distance": ["--persons", "10000", "--contacts", "200000", "--searches"],
    "sphere": ["--persons", "10000", "--interactions", "1000000"],
    "nulls": ["--units", "1000", "--persons", "10000", "--interactions", "1000000", "--null-samples", "100",
              "--bootstrap-samples", "200"],
    "scale": ["--sizes", "10000:1000000", "--engines", "duckdb",
              "--steps", "lower,sphere,nulls,distance,ingest,publish"],
    "report": ["--scale", "0.5"],
    "effects": ["--runs", "100"],
    "roles": [],
}  # fmt: skip


def command(name: str, out: Path) -> list[str]:
    return [sys.executable, str(HERE / f"bench_{name}.py"), *SMALL[name], "--json", str(out)]


def steps_of(figures: Any) -> list[dict[str, Any]]:
    """The timed steps a benchmark wrote (measure.write_json, or bench_scale's rows); none for a benchmark of
    accuracy (bench_effects, bench_roles)."""
    if not isinstance(figures, dict):
        return []
    rows = figures.get("steps", figures.get("rows"))
    return [r for r in rows if isinstance(r, dict) and "seconds" in r] if isinstance(rows, list) else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated names (" + ", ".join(SMALL) + ")")
    parser.add_argument("--list", action="store_true", help="print the command of each benchmark and stop")
    parser.add_argument("--json", type=Path, default=Path("bench.json"), help="all the figures (default bench.json)")
    args = parser.parse_args()
    names = [n.strip() for n in args.only.split(",")] if args.only else list(SMALL)
    unknown = [n for n in names if n not in SMALL]
    if unknown:
        raise SystemExit(f"--only: no benchmark {', '.join(unknown)}; choose from {', '.join(SMALL)}")
    if "roles" in names and not REAL.exists():
        print(f"bench_roles.py skipped: {REAL} is missing (real data, in the project's shared folder)")
        names.remove("roles")
    if args.list:
        for name in names:
            print(" ".join(command(name, Path(f"{name}.json"))))
        return
    results: dict[str, Any] = {}
    failed = []
    with tempfile.TemporaryDirectory(prefix="orgsphere-suite-") as tmp:
        for name in names:
            out = Path(tmp) / f"{name}.json"
            print(f"\n=== bench_{name}.py {' '.join(SMALL[name])}", flush=True)
            start = time.perf_counter()
            code = subprocess.run(command(name, out), cwd=tmp).returncode
            seconds = time.perf_counter() - start
            figures = json.loads(out.read_text()) if out.exists() else None
            results[name] = {"arguments": SMALL[name], "exit_code": code, "wall_seconds": round(seconds, 1),
                             "figures": figures}  # fmt: skip
            if code != 0:
                failed.append(f"bench_{name}.py (exit code {code})")
    print(f"\n{'benchmark':<11} {'step':<42} {'rows':>12} {'seconds':>9} {'peak MiB':>9} {'ratio':>8}")
    for name, result in results.items():
        timed = steps_of(result["figures"])
        if not timed and result["exit_code"] == 0:
            print(f"{name:<11} (figures of accuracy, not of time: printed above and in the JSON)")
        for row in timed:
            label = str(row.get("step", ""))[:42]
            rows = row.get("rows", row.get("interactions", ""))
            seconds, peak, ratio = row.get("seconds"), row.get("peak_mib"), row.get("ratio")
            print(f"{name:<11} {label:<42} " + (f"{rows:>12,} " if isinstance(rows, int) else f"{'':>12} "), end="")
            print(f"{seconds:>9.3f} " if isinstance(seconds, float | int) else f"{'':>9} ", end="")
            print(f"{peak:>9,.0f} " if isinstance(peak, float | int) else f"{'':>9} ", end="")
            print(f"{ratio:>7.2f}x" if isinstance(ratio, float | int) else "")
        print(f"{name:<11} (the whole command: {result['wall_seconds']} s, exit code {result['exit_code']})")
    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nfigures written to {args.json}")
    if failed:
        raise SystemExit("failed: " + ", ".join(failed))


if __name__ == "__main__":
    main()
