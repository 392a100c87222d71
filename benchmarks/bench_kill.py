"""Benchmark: what `kill -9` in the middle of an ingest leaves on disk. Ingests a generated edge list into a
store, killing the ingest process (SIGKILL, no clean-up possible) at given moments, then lets one ingest run
to the end, and prints the store file's size (and its write-ahead log's) after each step against a clean
ingest of the same file into a fresh store.

    python benchmarks/bench_kill.py                        # 3,000,000 rows, killed at 30%, 50%, 70% of a clean ingest
    python benchmarks/bench_kill.py --rows 5000000 --at 0.3 0.5 0.9 --dir /tmp/kill --json kill.json

The kill moments are shares of the clean ingest's CPU time (measured first), so they fall while the file is
read and staged and, for the last ones, while the ingest commits. Never asserted in tests (the test of the
same behaviour is tests/test_io_failures.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

PERSONS = 1000


def generate(folder: Path, rows: int, seed: int = 1) -> tuple[Path, Path]:
    """An org chart of 1,000 persons in 20 units and an edge list of ``rows`` interactions (a tenth with outside
    addresses), one year of epoch-second times over three channels."""
    rng = random.Random(seed)
    org, edges = folder / "org.csv", folder / f"edges-{rows}.csv"
    with open(org, "w") as fh:
        fh.write("person,email,unit,parent,kind\n")
        fh.writelines(
            f"p{i},p{i}@acme.example,U{i // 50},Acme,{('staff', 'line')[i // 50 % 2]}\n" for i in range(PERSONS)
        )
    if not edges.exists():
        channels = ("email", "chat", "meeting")
        with open(edges, "w") as fh:
            fh.write("src,dst,ts,channel\n")
            for k in range(rows):
                a, b = rng.randrange(PERSONS), rng.randrange(PERSONS - 1)
                dst = (f"p{b + (b >= a)}" if rng.random() < 0.9
                       else f"x{rng.randrange(500)}@client{rng.randrange(40)}.example")
                fh.write(f"p{a},{dst},{1735689600 + rng.randrange(31_536_000)},{channels[k % 3]}\n")
    return org, edges


def _cli(store: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ORGSPHERE_STORE": str(store), "ORGSPHERE_KEY_FILE": str(store.parent / "key")}
    code = "from orgsphere.cli import main; main()"
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip


def _sizes(store: Path) -> dict[str, int]:
    wal = Path(f"{store}.wal")
    return {"store": store.stat().st_size, "wal": wal.stat().st_size if wal.exists() else 0}


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a running process has used so far (Linux /proc), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ingest(store: Path, edges: Path, kill_at: float | None = None) -> tuple[float, bool]:
    """Run one edge ingest; with ``kill_at``, SIGKILL it once it has used that many CPU seconds (CPU time, not
    wall time: other work on the machine does not move the moment). Its CPU seconds, and whether it was
    killed (False: it had finished before)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = _cli(store, "ingest", "edges", str(edges))
    used = 0.0
    while kill_at is not None and proc.poll() is None:
        used = max(used, _cpu_seconds(proc.pid))
        if used >= kill_at:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return used, True
        time.sleep(0.02)
    proc.wait()
    if proc.returncode not in (0, 4):  # (4: the data check found no customer; the ingest itself is done)
        raise SystemExit(f"ingest failed ({proc.returncode}): {proc.stderr.read().decode() if proc.stderr else ''}")
    if proc.stdout is not None and b"skipped, the same bytes" in proc.stdout.read():
        raise SystemExit("a killed ingest had committed before its kill; kill earlier (--at)")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, False


def _fresh(folder: Path, org: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / "store.duckdb"
    for leftover in (store, Path(f"{store}.wal"), folder / "key"):
        leftover.unlink(missing_ok=True)
    proc = _cli(store, "ingest", "orgchart", str(org))
    if proc.wait() != 0:
        raise SystemExit(proc.stderr.read().decode() if proc.stderr else "org chart ingest failed")
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--at", type=float, nargs="+", default=[0.3, 0.5, 0.7],
                        help="kill moments as shares of a clean ingest's time")  # fmt: skip
    parser.add_argument("--dir", type=Path, default=Path("/tmp/orgsphere-bench-kill"))
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    org, edges = generate(args.dir, args.rows)
    clean_store = _fresh(args.dir / "clean", org)
    clean_seconds, _ = _ingest(clean_store, edges)
    clean = _sizes(clean_store)
    print(f"{args.rows:,} rows ({edges.stat().st_size / 2**20:.0f} MiB CSV); clean ingest {clean_seconds:.1f} CPU s, "
          f"store {clean['store'] / 2**20:.1f} MiB")  # fmt: skip
    store = _fresh(args.dir / "killed", org)
    steps = []
    for share in args.at:
        seconds, killed = _ingest(store, edges, kill_at=share * clean_seconds)
        label = f"kill -9 at {share:.0%} ({seconds:.1f} CPU s)" if killed else f"finished before {share:.0%}"
        steps.append({"step": label, **_sizes(store)})
    seconds, _ = _ingest(store, edges)
    steps.append({"step": f"complete ingest ({seconds:.1f} CPU s)", **_sizes(store)})
    with duckdb.connect(str(store), read_only=True) as con:
        kept = con.execute("SELECT count(*) FROM interactions").fetchone()[0]  # type: ignore[index]
    for s in steps:
        print(f"  {s['step']:<32} store {s['store'] / 2**20:8.1f} MiB  wal {s['wal'] / 2**20:7.1f} MiB  "
              f"({s['store'] / clean['store']:.2f}x clean)")  # fmt: skip
    print(f"  interactions after the complete ingest: {kept:,} (clean: {args.rows:,})")
    if args.json:
        args.json.write_text(json.dumps({"rows": args.rows, "clean_seconds": clean_seconds, "clean": clean,
                                         "steps": steps, "kept": kept}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
