"""Benchmark: how often the effect of an event is found where it was planted, and claimed where none was
(orgsphere.interrupted on generated weekly series, orgsphere.datasets.series).

    python benchmarks/bench_effects.py                # 500 series per row
    python benchmarks/bench_effects.py --runs 1000 --json effects.json

Per length (52, 104 weeks) and autocorrelation (0, 0.3, 0.5): how often the Newey-West interval holds the
planted change (nominal 95%), how often a change of three standard deviations gets the verdict ``effect``, how
often the interval alone excludes 0 where nothing was planted, and how often ``effect`` is claimed then (the
interval and the placebo rank together; nominal 5%). docs/changes.md quotes these figures. Never asserted in
tests (tests/test_interrupted.py asserts bounds on smaller runs).
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from orgsphere.datasets.series import planted_series
from orgsphere.interrupted import estimate


def measure(n: int, phi: float, runs: int, seed: int = 11) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    event, weeks = n // 2, np.arange(n)
    covered = found = wide = claims = 0
    for _ in range(runs):
        e = estimate(weeks, planted_series(rng, n, event, 3.0, phi=phi), event)
        covered += (e.level_low or 0.0) <= 3.0 <= (e.level_high or 0.0)
        found += e.verdict == "effect"
        z = estimate(weeks, planted_series(rng, n, event, 0.0, phi=phi), event)
        wide += not ((z.level_low or 0.0) <= 0.0 <= (z.level_high or 0.0))
        claims += z.verdict == "effect"
    return {"weeks": n, "phi": phi, "coverage": covered / runs, "found": found / runs,
            "interval_alone_false": wide / runs, "claimed_false": claims / runs}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--json", default=None, help="write the figures here")
    args = parser.parse_args()
    rows = [measure(n, phi, args.runs) for n in (52, 104) for phi in (0.0, 0.3, 0.5)]
    for r in rows:
        print(f"weeks {r['weeks']:>3}  phi {r['phi']:.1f}  interval holds the change {r['coverage']:.1%}  "
              f"found {r['found']:.1%}  interval alone, no change {r['interval_alone_false']:.1%}  "
              f"claimed, no change {r['claimed_false']:.1%}")  # fmt: skip
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
