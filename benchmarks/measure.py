"""What every benchmark here measures besides time: peak memory, each step in a fresh process; and the figures
as JSON. Also the store a benchmark builds (:func:`bench_store`)."""

from __future__ import annotations

import json
import multiprocessing
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed_child(func: Callable[..., Any], args: tuple[Any, ...], setup: Callable[..., Any] | None) -> tuple[Any, ...]:
    if setup is not None:
        args = (setup(*args),)
    start = time.perf_counter()
    value = func(*args)
    return value, time.perf_counter() - start, peak_mib()


def fresh(func: Callable[..., Any], *args: Any, setup: Callable[..., Any] | None = None) -> tuple[Any, float, float]:
    """Run ``func(*args)`` in a fresh Python process: (its value, the seconds the call took, the peak MiB of that
    process). The clock runs around the call only, after the child has imported what it needs, and after
    ``setup`` (if given: the child runs ``func(setup(*args))``, timing only ``func``). The peak is the step's
    own, not that of the steps before it. ``func`` and ``setup`` are module-level functions, the arguments and
    the value small (they are pickled across)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        value, seconds, peak = pool.apply(_timed_child, (func, args, setup))
    return value, seconds, peak


def bench_store(folder: Path, **settings: Any) -> Any:
    """The benchmark's store in ``folder`` (bench.duckdb, its key in bench.key), open: what a benchmark builds,
    and what each of its steps opens again in its own process."""
    import orgsphere

    return orgsphere.open(folder / "bench.duckdb", key_file=folder / "bench.key", **settings)


def step(name: str, rows: int | None, seconds: float, baseline: float | None = None, peak: float | None = None,
         **more: Any) -> dict[str, Any]:  # fmt: skip
    """One step's figures as every benchmark writes them: rows, seconds, peak MiB (the step's own, from
    :func:`fresh`, else this process's so far) and the ratio of its time to the baseline's (run in the same
    command)."""
    return {"step": name, "rows": rows, "seconds": round(seconds, 4),
            "peak_mib": round(peak if peak is not None else peak_mib(), 1),
            "ratio": round(seconds / baseline, 3) if baseline else None, **more}  # fmt: skip


def write_json(path: Path | None, benchmark: str, steps: list[dict[str, Any]], **more: Any) -> None:
    """Write the steps (:func:`step`) to ``path`` (--json), if given."""
    if path is not None:
        path.write_text(json.dumps({"benchmark": benchmark, **more, "steps": steps}, indent=2), encoding="utf-8")
        print(f"figures written to {path}")
