"""Rent's rule for organisations: the contacts crossing each subtree's boundary against its size.

In chip design Rent's rule says a block of g gates has T = t·g^p terminals to the rest of the circuit,
with p typically 0.5–0.8. For an organisation, every subtree of the org chart (a unit with everything
under it) is a block: T = its contacts with the rest of the organisation and with the outside, g = its
active people. Iske's sphere is p = 2/3 (surface r² against volume r³), so B = T / intra falls as
N^(p−1) = N^(−1/3); a ball of dimension d has p = (d − 1) / d, and a measured p reads as d = 1 / (1 − p).

Near the top of the tree the law breaks, as it does in circuits ("region II"): the largest blocks have
fewer terminals than the power law predicts, because the organisation as a whole meets only the outside.
:func:`rent_fit` finds the level from which the law holds: walking down from the root, the levels whose
subtrees lie together clearly below the line (mean residual beyond three standard errors) are the
broken ones, and p is fitted again on the levels below them.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..fits import MIN_POINTS_FOR_FIT, RentFit, ScalingFit
from ..markers import ALL
from ..rows import rows_where
from .fit import fit_power
from .hierarchy import unit_groups

__all__ = ["subtrees", "rent_fit"]

BREAK_SE = 3.0  # a level is off the line when its mean residual lies this many standard errors below it


def subtrees(sphere: pa.Table, units: pa.Table, channel: str = ALL) -> pa.Table:
    """One row per subtree (a unit and everything under it) over the whole period: group_id, name, kind,
    depth, parent_id (the unit above, null for a root), persons, intra, boundary (inter + external) and B;
    suppressed rows keep their nulls."""
    groups = unit_groups(units)
    parent_of = dict(zip(units["unit_id"].to_pylist(), units["parent_id"].to_pylist(), strict=True))
    own = groups.filter(pc.equal(groups["scope"], "unit"))
    depth_of = dict(zip(own["unit_id"].to_pylist(), own["depth"].to_pylist(), strict=True))
    rows = rows_where(sphere, scope="level", period=ALL, channel=channel)
    out = []
    for r in rows.to_pylist():
        if depth_of.get(r["group_id"]) != r["depth"]:
            continue  # at level d, a unit shallower than d stands for itself only: not a whole subtree
        boundary = None if r["inter"] is None else r["inter"] + r["external"]
        out.append({"group_id": r["group_id"], "name": r["name"], "kind": r["kind"], "depth": r["depth"],
                    "parent_id": parent_of.get(r["group_id"]), "persons": r["persons"], "intra": r["intra"],
                    "boundary": boundary, "B": r["B"],
                    "suppressed": r.get("suppressed", False)})  # fmt: skip
    schema = pa.schema([("group_id", pa.string()), ("name", pa.string()), ("kind", pa.string()),
                        ("depth", pa.int32()), ("parent_id", pa.string()), ("persons", pa.int64()),
                        ("intra", pa.int64()),
                        ("boundary", pa.int64()), ("B", pa.float64()), ("suppressed", pa.bool_())])  # fmt: skip
    return pa.Table.from_pylist(out, schema=schema.with_metadata({b"keys": b"group_id,name,kind,depth,parent_id"}))


def rent_fit(trees: pa.Table, samples: int, seed: int, channel: str = ALL) -> RentFit:
    """Fit log boundary against log persons over the subtrees, and find the level where the law breaks."""
    n = np.asarray(pc.fill_null(trees["persons"], 0).to_numpy(zero_copy_only=False), dtype=float)
    t = np.asarray(pc.fill_null(trees["boundary"].cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False))
    depth = np.asarray(trees["depth"].to_numpy(zero_copy_only=False), dtype=int) if trees.num_rows else np.array([])

    def fit(mask: np.ndarray) -> ScalingFit:
        return fit_power(n[mask], t[mask], samples=samples, seed=seed, measure="boundary", channel=channel,
                         scope="subtrees")  # fmt: skip

    everything = np.ones(len(n), dtype=bool)
    whole = fit(everything)
    if whole.slope is None:
        return RentFit(whole, None, None, [])
    ok = (n > 0) & np.isfinite(t) & (t > 0)
    residual = np.full(len(n), np.nan)
    residual[ok] = np.log(t[ok]) - (whole.intercept + whole.slope * np.log(n[ok]))
    spread = float(np.nanstd(residual[ok], ddof=2)) if ok.sum() > 2 else 0.0
    levels = []
    for d in sorted(set(depth[ok].tolist())):
        r = residual[ok & (depth == d)]
        se = spread / np.sqrt(len(r)) if spread > 0 else 0.0
        levels.append({"depth": d, "subtrees": len(r), "mean_residual": float(r.mean()), "se": float(se),
                       "below": bool(se > 0 and r.mean() < -BREAK_SE * se)})  # fmt: skip
    broken = 0
    for level in levels:  # from the root down: the run of levels below the line
        if not level["below"]:
            break
        broken += 1
    if broken == 0 or broken == len(levels):
        return RentFit(whole, None, None, levels)
    break_depth = int(levels[broken]["depth"])
    inner_mask = depth >= break_depth
    inner = None
    if (ok & inner_mask).sum() >= MIN_POINTS_FOR_FIT:
        inner = replace(fit(inner_mask), scope=f"subtrees from level {break_depth}")
    return RentFit(whole, inner, break_depth, levels)
