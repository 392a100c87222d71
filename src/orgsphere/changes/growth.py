"""Growth and inwardness over time: as a unit (or the organisation) grows or shrinks week by week, does its R
fall as N^-1/3, the sphere law, as it does across units? One fit of log R on log N over the weeks of each
group (:func:`~orgsphere.analysis.fit.fit_scaling`, its bootstrap interval and verdict); a group whose headcount
hardly changed gets the verdict ``thin`` with the reason (``same_size``, ``narrow``: no or too little spread in
size)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..analysis.fit import fit_scaling
from ..markers import ALL
from ..settings import Settings

__all__ = ["growth_table"]


def growth_table(weekly: pa.Table, settings: Settings) -> pa.Table:
    """Per group of the weekly table (its shown weeks): the fit of R against active persons across weeks."""
    shown = weekly.filter(pc.invert(weekly["suppressed"]))
    rows = []
    groups = sorted({(r["scope"], r["group_id"], r["name"], r["kind"]) for r in
                     shown.select(["scope", "group_id", "name", "kind"]).to_pylist()},
                    key=lambda g: (g[0] != "organisation", g[1]))  # fmt: skip
    for scope, group, name, kind in groups:
        points = shown.filter(pc.and_(pc.equal(shown["scope"], scope), pc.equal(shown["group_id"], group)))
        fit = fit_scaling(points, "R", ALL, kind or ALL, settings.bootstrap_samples, settings.seed, scope="weeks")
        record = fit.record()
        sizes = pc.min_max(points["persons"]).as_py()
        rows.append({"scope": scope, "group_id": group, "name": name, "kind": kind, "weeks": points.num_rows,
                     "persons_low": sizes["min"], "persons_high": sizes["max"],
                     **{k: record[k] for k in ("slope", "ci_low", "ci_high", "p_sphere", "p_zero", "thin", "note",
                                               "verdict")}})  # fmt: skip
    schema = pa.schema([("scope", pa.string()), ("group_id", pa.string()), ("name", pa.string()), ("kind", pa.string()),
                        ("weeks", pa.int64()), ("persons_low", pa.int64()), ("persons_high", pa.int64()),
                        ("slope", pa.float64()), ("ci_low", pa.float64()), ("ci_high", pa.float64()),
                        ("p_sphere", pa.float64()), ("p_zero", pa.float64()), ("thin", pa.string()),
                        ("note", pa.string()), ("verdict", pa.string())])  # fmt: skip
    return pa.Table.from_pylist(rows, schema=schema)
