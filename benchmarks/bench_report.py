"""Benchmark: a report from the kept analysis against the analysis itself. Generates the demo organisation,
ingests it into a new store, then times in the same process: ``analyse`` (every analysis, and keeping it beside
the store: the baseline), then ``report`` and ``export`` with nothing changed (the store's fingerprint, the
kept tables read back, the HTML rendered and written), and a report with ``fresh=True`` (analysing again), and
prints each against the analysis, with the parts of the reused report (fingerprint, reading the kept analysis,
rendering) and the peak memory.

    python benchmarks/bench_report.py                    # the demo as orgsphere demo makes it (~1,000 persons)
    python benchmarks/bench_report.py --scale 3 --json report.json

The brief: a report from the kept analysis takes at most 0.3x the analysis. Never asserted in tests
(tests/test_kept.py tests that the kept analysis gives the same report).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from measure import peak_mib

from orgsphere.datasets import make_demo
from orgsphere.kept import kept_folder, recall
from orgsphere.report import render_report
from orgsphere.settings import load_settings
from orgsphere.workspace import Workspace


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = work()
    return time.perf_counter() - start, value


def measure(folder: Path, scale: float, seed: int) -> dict[str, Any]:
    files = make_demo(folder, seed=seed, scale=scale)
    settings = load_settings(files.config)
    with Workspace(settings) as ws:
        ingest_s, _ = _timed(lambda: (ws.ingest_orgchart(files.units, files.people), ws.ingest_parties(files.parties),
                                      ws.ingest_edges(files.interactions), ws.ingest_tickets(files.tickets),
                                      ws.ingest_tickets(files.requests), ws.ingest_documents(files.documents)))
    with Workspace(settings, read_only=True) as ws:  # (as orgsphere analyse and orgsphere report open it)
        analyse_s, results = _timed(ws.analyse)
        report_s, _ = _timed(lambda: ws.report(folder / "report.html"))
        export_s, _ = _timed(lambda: ws.export(folder / "results"))
        fingerprint_s, current = _timed(ws._fingerprint)
        recall_s, found = _timed(lambda: recall(kept_folder(settings.store), current))
        render_s, _ = _timed(lambda: render_report(found.results, settings.lang))
        fresh_s, _ = _timed(lambda: ws.report(folder / "fresh.html", fresh=True))
    kept_bytes = sum(p.stat().st_size for p in kept_folder(settings.store).rglob("*") if p.is_file())
    return {"scale": scale, "persons": results.organisation["persons"],
            "interactions": results.organisation["interactions"], "reused": found.reason == "kept",
            "ingest_s": round(ingest_s, 2), "analyse_s": round(analyse_s, 2), "report_s": round(report_s, 3),
            "export_s": round(export_s, 3), "fresh_report_s": round(fresh_s, 2),
            "fingerprint_s": round(fingerprint_s, 3), "recall_s": round(recall_s, 3), "render_s": round(render_s, 3),
            "report_ratio": round(report_s / analyse_s, 3), "export_ratio": round(export_s / analyse_s, 3),
            "fresh_ratio": round(fresh_s / analyse_s, 2), "kept_mib": round(kept_bytes / 2**20, 1),
            "peak_mib": round(peak_mib())}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="size of the demo organisation (1.0: ~1,000 persons)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="folder for the demo (default: a temporary one, removed)")
    parser.add_argument("--json", help="write the figures to this file as well")
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
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(r, fh, indent=2)


if __name__ == "__main__":
    main()
