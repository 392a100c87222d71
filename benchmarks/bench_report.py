"""Benchmark: a report from the kept analysis against the analysis itself. Generates the demo organisation,
ingests it into a new store, then times in the same command, each step in a fresh process: ``analyse`` (every
analysis, and keeping it beside the store: the baseline), then ``report`` and ``export`` with nothing changed
(the store's fingerprint, the kept tables read back, the HTML rendered and written), and a report with
``fresh=True`` (analysing again), and prints each against the analysis, with the parts of the reused report
(fingerprint, reading the kept analysis, rendering) and the peak memory.

    python benchmarks/bench_report.py                    # the demo as orgsphere demo makes it (~1,000 persons)
    python benchmarks/bench_report.py --scale 3 --json report.json

The brief: a report from the kept analysis takes at most 0.3x the analysis. Never asserted in tests
(tests/test_kept.py tests that the kept analysis gives the same report).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from measure import fresh, step, write_json  # benchmarks/measure.py (run these as scripts)

from orgsphere.datasets import DemoFiles, make_demo
from orgsphere.kept import kept_folder, recall
from orgsphere.report import render_report
from orgsphere.settings import load_settings
from orgsphere.workspace import Workspace


# each step runs in a fresh process (measure.fresh) on the store its setup opened there
def ingest(files: DemoFiles) -> None:
    with Workspace(load_settings(files.config)) as ws:
        ws.ingest_orgchart(files.units, files.people)
        ws.ingest_parties(files.parties)
        ws.ingest_edges(files.interactions)
        ws.ingest_tickets(files.tickets)
        ws.ingest_tickets(files.requests)
        ws.ingest_documents(files.documents)


def opened(files: DemoFiles, *rest: Any) -> tuple[Any, ...]:
    """The demo's store, open as orgsphere analyse and orgsphere report open it."""
    return (Workspace(load_settings(files.config), read_only=True), files.config.parent, *rest)


def analyse(prepared: tuple[Any, ...]) -> dict[str, Any]:
    with prepared[0] as ws:
        return dict(ws.analyse().organisation)


def report(prepared: tuple[Any, ...]) -> None:
    ws, folder, name, fresh_analysis = prepared
    with ws:
        ws.report(folder / name, fresh=fresh_analysis)


def export(prepared: tuple[Any, ...]) -> None:
    with prepared[0] as ws:
        ws.export(prepared[1] / "results")


def fingerprint(prepared: tuple[Any, ...]) -> None:
    with prepared[0] as ws:
        ws._fingerprint()


def fingerprinted(files: DemoFiles) -> tuple[Any, Any]:
    """The settings and the fingerprint of the store (read before the clock runs)."""
    with Workspace(load_settings(files.config), read_only=True) as ws:
        return ws.settings, ws._fingerprint()


def read_kept(prepared: tuple[Any, Any]) -> str:
    settings, current = prepared
    return str(recall(kept_folder(settings.store), current).reason)


def recalled(files: DemoFiles) -> tuple[Any, str]:
    settings, current = fingerprinted(files)
    return recall(kept_folder(settings.store), current).results, settings.lang


def render(prepared: tuple[Any, str]) -> int:
    return len(render_report(*prepared))


def measure(folder: Path, scale: float, seed: int) -> dict[str, Any]:
    files = make_demo(folder, seed=seed, scale=scale)
    peaks: dict[str, float] = {}

    def timed(name: str, func: Any, *args: Any, setup: Any = opened) -> tuple[Any, float]:
        value, seconds, peaks[name] = fresh(func, files, *args, setup=setup)
        return value, seconds

    ingest_s = timed("ingest", ingest, setup=None)[1]
    organisation, analyse_s = timed("analyse", analyse)
    report_s = timed("report", report, "report.html", False)[1]
    export_s = timed("export", export)[1]
    fingerprint_s = timed("fingerprint", fingerprint)[1]
    reason, recall_s = timed("recall", read_kept, setup=fingerprinted)
    render_s = timed("render", render, setup=recalled)[1]
    fresh_s = timed("fresh_report", report, "fresh.html", True)[1]
    kept_bytes = sum(p.stat().st_size for p in kept_folder(load_settings(files.config).store).rglob("*")
                     if p.is_file())  # fmt: skip
    return {"scale": scale, "persons": organisation["persons"],
            "interactions": organisation["interactions"], "reused": reason == "kept",
            "ingest_s": round(ingest_s, 2), "analyse_s": round(analyse_s, 2), "report_s": round(report_s, 3),
            "export_s": round(export_s, 3), "fresh_report_s": round(fresh_s, 2),
            "fingerprint_s": round(fingerprint_s, 3), "recall_s": round(recall_s, 3), "render_s": round(render_s, 3),
            "report_ratio": round(report_s / analyse_s, 3), "export_ratio": round(export_s / analyse_s, 3),
            "fresh_ratio": round(fresh_s / analyse_s, 2), "kept_mib": round(kept_bytes / 2**20, 1),
            "peak_mib": round(max(peaks.values())), "peaks_mib": {k: round(v) for k, v in peaks.items()}}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="size of the demo organisation (1.0: ~1,000 persons)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="folder for the demo (default: a temporary one, removed)")
    parser.add_argument("--json", type=Path, help="write the figures to this file as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="orgsphere-bench-report-") as tmp:
        r = measure(args.out or Path(tmp), args.scale, args.seed)
    print(f"demo at scale {r['scale']}: {r['persons']:,} persons, {r['interactions']:,} interactions "
          f"(ingested in {r['ingest_s']} s); kept analysis {r['kept_mib']} MiB; peak {r['peak_mib']} MiB")
    print(f"{'step':<44}{'seconds':>9}{'x analyse':>11}")
    for label, seconds, ratio in (
        ("analyse (and keep it: the baseline)", r["analyse_s"], 1.0),
        ("report, reusing the kept analysis", r["report_s"], r["report_ratio"]),
        ("  of which: fingerprint of store and settings", r["fingerprint_s"], r["fingerprint_s"] / r["analyse_s"]),
        ("  of which: reading the kept analysis", r["recall_s"], r["recall_s"] / r["analyse_s"]),
        ("  of which: rendering the report", r["render_s"], r["render_s"] / r["analyse_s"]),
        ("export (csv), reusing the kept analysis", r["export_s"], r["export_ratio"]),
        ("report --fresh (analysing again)", r["fresh_report_s"], r["fresh_ratio"]),
    ):
        print(f"{label:<44}{seconds:>9.3f}{ratio:>10.3f}x")
    if not r["reused"]:
        print("warning: the kept analysis was not reused")
    n = r["interactions"]
    n, peak = r["interactions"], r["peaks_mib"]
    write_json(args.json, "report", [
        step("analyse (baseline)", n, r["analyse_s"], peak=peak["analyse"]),
        *(step(label, n, r[f"{key}_s"], r["analyse_s"], peak[key]) for label, key in (
            ("report, reusing the kept analysis", "report"), ("fingerprint", "fingerprint"),
            ("reading the kept analysis", "recall"), ("rendering the report", "render"),
            ("export (csv), reusing the kept analysis", "export"), ("report --fresh", "fresh_report")))],
        **r)  # fmt: skip

if __name__ == "__main__":
    main()
