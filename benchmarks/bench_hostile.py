"""Hostile inputs at full size, each ingested by the `orgsphere` command line in a process of its own: its peak
resident memory (the child's own ru_maxrss, from os.wait4), its time and its outcome.

    PYTHONPATH=src python benchmarks/bench_hostile.py --json hostile.json

Builds, in a temporary folder (about 160 MB on disk; --keep DIR keeps them there):

  slack-bomb       a Slack export of ~2 MB whose day file inflates to 2 GiB (zeros, ZIP_DEFLATED)
  slack-8x256MiB   eight day files of 256 MiB of zeros each (each under zip_max_member_bytes, 2 GiB in all)
  slack-forged     a day file of 1 GiB whose zip headers declare 1,000 bytes
  mbox-2M-folded   a message to 2,000,000 recipients, one per folded header line (~50 MB of header)
  mbox-2M-line     the same recipients on one header line of ~50 MB
  mbox-2M-raised   mbox-2M-folded with max_header_bytes and max_line_bytes raised to 256 MiB, so that
                   max_recipients is the limit it meets
  csv-100MB-line   an edge list with one line of 100 MB among ordinary rows
  csv-100MB-quoted the same after a quoted field over two lines (read by the csv module, not Arrow)

plus `orgchart`, the ingest of the org chart every store gets first: the floor of a process. Never asserted in
tests (tests/test_hostile_input.py checks the same behaviour at small sizes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ORG = "person,email,unit\nann,ann@acme.example,Sales\nbob,bob@acme.example,Sales\ncid,cid@acme.example,ICT\n"
USERS = [{"id": f"U{i}", "profile": {"email": f"{p}@acme.example"}} for i, p in enumerate(("ann", "bob", "cid"))]
MiB = 1 << 20


def _slack(path: Path, day: Callable[[zipfile.ZipFile], None]) -> Path:
    good = [{"type": "message", "user": u, "ts": f"17361504{i:02d}.000100"} for i, u in enumerate(["U0", "U1"] * 10)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("users.json", json.dumps(USERS))
        zf.writestr("channels.json", json.dumps([{"id": "C1", "name": "general", "members": ["U0", "U1"]}]))
        for d in range(1, 4):
            zf.writestr(f"general/2025-01-0{d}.json", json.dumps(good))
        day(zf)
    return path


def _zeros_member(zf: zipfile.ZipFile, name: str, size: int) -> None:
    block = bytes(MiB)
    with zf.open(name, "w", force_zip64=size >= 2**31 - 1) as member:
        for _ in range(size // MiB):
            member.write(block)


def slack_bomb(folder: Path) -> Path:
    return _slack(folder / "slack-bomb.zip", lambda zf: _zeros_member(zf, "general/2025-01-09.json", 2 << 30))


def slack_many(folder: Path) -> Path:
    def days(zf: zipfile.ZipFile) -> None:
        for d in range(8):
            _zeros_member(zf, f"general/2025-02-0{d + 1}.json", 256 * MiB)

    return _slack(folder / "slack-8x256MiB.zip", days)


def slack_forged(folder: Path) -> Path:
    path = _slack(folder / "slack-forged.zip", lambda zf: _zeros_member(zf, "general/2025-01-09.json", 1 << 30))
    data = bytearray(path.read_bytes())
    name = b"general/2025-01-09.json"
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"PK\x05\x06"))  # (the last file's directory entry)
    assert data[central + 46:central + 46 + len(name)] == name
    local = int.from_bytes(data[central + 42:central + 46], "little")
    data[central + 24:central + 28] = data[local + 22:local + 26] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def _mbox(path: Path, separator: bytes) -> Path:
    def message(n: int, to: bytes) -> bytes:
        return (b"From ann@acme.example Mon Jan  6 10:00:00 2025\nFrom: ann@acme.example\nTo: " + to
                + f"\nDate: Mon, 06 Jan 2025 10:0{n}:00 +0000\nMessage-ID: <m{n}@acme.example>\n\nbody\n\n".encode())

    with path.open("wb") as fh:
        for n in range(1, 4):
            fh.write(message(n, b"bob@acme.example"))
        head = (b"From cid@acme.example Mon Jan  6 11:00:00 2025\nFrom: cid@acme.example\nDate: Mon, 06 Jan 2025 "
                b"11:00:00 +0000\nMessage-ID: <crowd@acme.example>\nTo: r0@outside.example")
        fh.write(head)
        batch = 100_000
        for start in range(1, 2_000_000, batch):
            stop = min(start + batch, 2_000_000)
            fh.write(b"".join(separator + b"r%d@outside.example" % i for i in range(start, stop)))
        fh.write(b"\n\nbody\n\n")
        fh.write(message(5, b"cid@acme.example"))
    return path


def mbox_folded(folder: Path) -> Path:
    return _mbox(folder / "mbox-2M-folded.mbox", b",\n ")


def mbox_line(folder: Path) -> Path:
    return _mbox(folder / "mbox-2M-line.mbox", b", ")


def _csv(path: Path, before: bytes) -> Path:
    rows = b"ann@acme.example,bob@acme.example,\n" * 1000
    with path.open("wb") as fh:
        fh.write(b"src,dst,note\n" + before + rows + b"ann@acme.example,bob@acme.example,")
        for _ in range(100):
            fh.write(b"x" * MiB)
        fh.write(b"\n" + rows)
    return path


def csv_line(folder: Path) -> Path:
    return _csv(folder / "csv-100MB-line.csv", b"")


def csv_quoted(folder: Path) -> Path:
    return _csv(folder / "csv-100MB-quoted.csv", b'ann@acme.example,bob@acme.example,"two\nlines"\n')


CASES: list[tuple[str, str, Callable[[Path], Path], list[str]]] = [
    ("slack-bomb", "slack", slack_bomb, []),
    ("slack-8x256MiB", "slack", slack_many, []),
    ("slack-forged", "slack", slack_forged, []),
    ("mbox-2M-folded", "mail", mbox_folded, []),
    ("mbox-2M-line", "mail", mbox_line, []),
    ("mbox-2M-raised", "mail", mbox_folded, ["--max-header-bytes", "256MiB", "--max-line-bytes", "256MiB"]),
    ("csv-100MB-line", "edges", csv_line, []),
    ("csv-100MB-quoted", "edges", csv_quoted, []),
]


def run(args: list[str], folder: Path, store: Path) -> tuple[int, float, float, str, str]:
    """Run `orgsphere ARGS` in a child process: exit code, its own peak RSS in MiB, seconds, stdout, stderr."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "ORGSPHERE_STORE": str(store),
           "ORGSPHERE_KEY_FILE": str(folder / "pseudonym.key"),
           "ORGSPHERE_INTERNAL_DOMAINS": "acme.example"}  # fmt: skip
    code = "import sys; from orgsphere.cli import main; main(sys.argv[1:])"
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=folder, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return child.returncode, usage.ru_maxrss / 1024, seconds, out.read().decode(), err.read().decode()


def outcome(code: int, out: str, err: str) -> str:
    """What the ingest did, in a few words: kept / rejected and the first reason, or the error line."""
    try:
        report = json.loads(out)
    except json.JSONDecodeError:
        report = None
    if isinstance(report, list):
        report = report[0] if report else None
    if isinstance(report, dict):
        reasons = report.get("reasons") or []
        first = reasons[0]["reason"].split(";")[0] if reasons else ""
        failed = " FAILED" if report.get("failed") else ""
        return f"kept {report['kept']:,}, rejected {report['rejected']:,}{failed}: {first}"
    line = (err.strip().splitlines() or ["(no output)"])[-1]
    return f"error: {line[:160]}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--keep", type=Path, help="build the inputs in this folder and keep them")
    ap.add_argument("--only", nargs="*", help="names of the inputs to run (default: all)")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="orgsphere-hostile-"))
    base.mkdir(parents=True, exist_ok=True)
    (base / "org.csv").write_text(ORG)
    rows = []
    try:
        for name, kind, build, options in [("orgchart", "orgchart", lambda f: f / "org.csv", [])] + CASES:
            if args.only and name not in args.only and name != "orgchart":
                continue
            folder = base / name
            folder.mkdir(exist_ok=True)
            clock = time.perf_counter()
            source = build(base)
            built = time.perf_counter() - clock
            store = folder / "store.duckdb"
            if kind != "orgchart":
                setup = run(["ingest", "orgchart", str(base / "org.csv")], folder, store)
                assert setup[0] == 0, setup
            code, peak, seconds, out, err = run([*options, "ingest", kind, str(source), "--json"], folder, store)
            row = {"input": name, "bytes": source.stat().st_size, "peak_mib": round(peak, 1),
                   "seconds": round(seconds, 2), "exit": code, "outcome": outcome(code, out, err),
                   "options": " ".join(options), "build_seconds": round(built, 1)}  # fmt: skip
            rows.append(row)
            print(f"{name:<17} {row['bytes'] / MiB:>9,.1f} MiB on disk {peak:>8,.0f} MiB peak {seconds:>7.1f} s  "
                  f"exit {code}  {row['outcome']}", flush=True)  # fmt: skip
            shutil.rmtree(folder, ignore_errors=True)
            if not args.keep and source.parent == base and source.name != "org.csv":
                source.unlink(missing_ok=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps({"python": sys.version.split()[0], "inputs": rows}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
