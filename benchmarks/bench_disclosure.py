"""Benchmark: what complementary suppression costs as an organisation grows. Builds the sphere table of a
generated organisation (units in a tree four levels deep, a tenth of them under the minimum group size, twelve
months, four channels), then times, on the same table in the same command (each step in a fresh process that
builds the table before its clock runs), the minimum group size alone
(``suppress_small_groups``, the baseline) and the whole protection (``protect_sphere``: the published rows,
the cells and relations, complementary suppression to its fixed point), and prints the ratio with the rows
each hid.

    python benchmarks/bench_disclosure.py                       # 100, 1,000 and 5,000 units
    python benchmarks/bench_disclosure.py --units 200 2000 --json disclosure.json

Never asserted in tests (tests/test_disclosure.py tests what it hides).
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
from measure import fresh, step, write_json  # benchmarks/measure.py (run these as scripts)

from orgsphere.disclosure import protect_sphere
from orgsphere.privacy import suppress_small_groups

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
CHANNELS = ["email", "chat", "meeting", "ticket"]
KEYS = "scope,depth,group_id,name,kind,function,period,channel"


def organisation(units: int, seed: int) -> tuple[pa.Table, pa.Table]:
    """The ancestors table (unit_id, g0..g4) and the sphere table of ``units`` units."""
    rng = random.Random(seed)
    divisions = max(2, round(units ** 0.25))
    ancestors = []
    for u in range(units):
        d = u % divisions
        dept = f"D{d}.{u % (divisions * 3) // divisions}"
        team = f"{dept}.{u % (divisions * 9) // (divisions * 3)}"
        ancestors.append({"unit_id": f"U{u}", "g0": "Org", "g1": f"D{d}", "g2": dept, "g3": team, "g4": f"U{u}"})
    size = {a["unit_id"]: rng.randint(1, 4) if rng.random() < 0.1 else rng.randint(5, 40) for a in ancestors}
    rows = []
    groups: dict[tuple[str, int | None, str], list[str]] = defaultdict(list)
    for a in ancestors:
        groups[("unit", None, a["unit_id"])].append(a["unit_id"])
        for depth in range(5):  # (the deepest level is the units themselves, as in the org chart's tree)
            groups[("level", depth, a[f"g{depth}"])].append(a["unit_id"])
    groups[("organisation", None, "(organisation)")] = [a["unit_id"] for a in ancestors]
    active = {(u, m, c): rng.randint(max(1, size[u] // 2), size[u]) for u in size for m in MONTHS for c in CHANNELS}
    for (scope, depth, group), members in groups.items():
        for m in [*MONTHS, "all"]:
            for c in [*CHANNELS, "all"]:
                persons = sum(max(active[(u, mm, cc)] for mm in (MONTHS if m == "all" else [m])
                                  for cc in (CHANNELS if c == "all" else [c])) for u in members)  # fmt: skip
                rows.append({"scope": scope, "depth": depth, "group_id": group, "name": group, "kind": "line",
                             "function": None, "period": m, "channel": c, "persons": persons,
                             "external": persons * 3, "internal": persons * 20})  # fmt: skip
    sphere = pa.Table.from_pylist(rows).replace_schema_metadata({b"keys": KEYS.encode()})
    return pa.Table.from_pylist(ancestors), sphere


# each step runs in a fresh process (measure.fresh) on the organisation its setup built there
def minimum_size_alone(prepared: tuple[pa.Table, pa.Table, int]) -> int:
    _, sphere, min_size = prepared
    return suppress_small_groups(sphere, "persons", min_size).num_rows


def protect(prepared: tuple[pa.Table, pa.Table, int]) -> tuple[int, int, int, int]:
    """The whole protection: (rows, published rows, primary rows, complementary rows)."""
    ancestors, sphere, min_size = prepared
    protected = protect_sphere(sphere, ancestors, min_size)
    secondary = int(protected.schema.metadata[b"secondary"])
    return sphere.num_rows, protected.num_rows, int(sum(protected["suppressed"].to_pylist())) - secondary, secondary


def built(units: int, seed: int, min_size: int) -> tuple[pa.Table, pa.Table, int]:
    return (*organisation(units, seed), min_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--min-group-size", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the figures to this file as well")
    args = parser.parse_args()
    steps = []
    print("each step in a fresh process")
    for units in args.units:
        how = (units, args.seed, args.min_group_size)
        _, base_s, base_peak = fresh(minimum_size_alone, *how, setup=built)
        (rows, published, primary, secondary), full_s, peak = fresh(protect, *how, setup=built)
        steps += [step("minimum group size alone", rows, base_s, peak=base_peak, units=units),
                  step("protect_sphere", rows, full_s, base_s, peak, units=units, published_rows=published,
                       primary_rows=primary, secondary_rows=secondary)]  # fmt: skip
        print(f"{units:>6} units, {rows:>8,} rows ({published:,} published): primary {primary:,}, complementary "
              f"{secondary:,}; protect {full_s:.3f} s = {full_s / base_s:.1f}x the minimum group size alone "
              f"({base_s:.4f} s); peak {peak:,.0f} MiB", flush=True)
    write_json(args.json, "disclosure", steps)


if __name__ == "__main__":
    main()
