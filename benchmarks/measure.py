"""What every benchmark here measures besides time: the process's peak memory; and the figures as JSON."""

from __future__ import annotations

import json
import resource
from pathlib import Path
from typing import Any


def peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step(name: str, rows: int, seconds: float, baseline: float | None = None, **more: Any) -> dict[str, Any]:
    """One step's figures as every benchmark writes them: rows, seconds, peak MiB so far and the ratio of
    its time to the baseline's (run in the same command)."""
    return {"step": name, "rows": rows, "seconds": round(seconds, 4), "peak_mib": round(peak_mib(), 1),
            "ratio": round(seconds / baseline, 3) if baseline else None, **more}  # fmt: skip


def write_json(path: Path | None, benchmark: str, steps: list[dict[str, Any]], **more: Any) -> None:
    """Write the steps (:func:`step`) to ``path`` (--json), if given."""
    if path is not None:
        path.write_text(json.dumps({"benchmark": benchmark, **more, "steps": steps}, indent=2), encoding="utf-8")
        print(f"figures written to {path}")
