"""Growth and inwardness: R against active persons across the weeks of one group, the sphere law over time."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from orgsphere.changes.growth import growth_table
from orgsphere.settings import load_settings


def weeks(group: str, persons: np.ndarray, r: np.ndarray, suppressed: np.ndarray | None = None) -> pa.Table:
    n = len(persons)
    hidden = np.zeros(n, bool) if suppressed is None else suppressed
    return pa.table({"scope": ["unit"] * n, "group_id": [group] * n, "name": [group] * n, "kind": ["line"] * n,
                     "period": [f"2025-W{k + 1:02d}" for k in range(n)],
                     "persons": pa.array(np.where(hidden, 0, persons), pa.int64()),
                     "R": pa.array(np.where(hidden, np.nan, r)), "suppressed": pa.array(hidden)})  # fmt: skip


def test_a_growing_unit_turning_inward_as_the_sphere_law_says_and_a_steady_one_too_thin_to_tell() -> None:
    rng = np.random.default_rng(3)
    growing = np.linspace(10, 80, 50).round()
    inward = 2.0 * growing ** (-1 / 3) * np.exp(rng.normal(0, 0.05, 50))  # R falls as N^-1/3, with noise
    steady = np.full(50, 12.0)
    table = pa.concat_tables([weeks("Growing", growing, inward),
                              weeks("Steady", steady, 0.3 * np.exp(rng.normal(0, 0.05, 50)))])  # fmt: skip
    got = {r["group_id"]: r for r in growth_table(table, load_settings(None, cli={"bootstrap_samples": 300})
                                                  ).to_pylist()}  # fmt: skip
    g = got["Growing"]
    assert g["weeks"] == 50 and (g["persons_low"], g["persons_high"]) == (10, 80)
    assert g["ci_low"] <= -1 / 3 <= g["ci_high"] and g["verdict"] == "sphere"
    assert got["Steady"]["verdict"] == "thin" and got["Steady"]["thin"] == "same_size"


def test_suppressed_weeks_are_no_points_of_the_fit() -> None:
    persons = np.linspace(10, 80, 30).round()
    hidden = np.arange(30) % 5 == 0
    table = weeks("Growing", persons, 2.0 * persons ** (-1 / 3), hidden)
    row = growth_table(table, load_settings(None, cli={"bootstrap_samples": 100})).to_pylist()[0]
    assert row["weeks"] == 30 - int(hidden.sum())
