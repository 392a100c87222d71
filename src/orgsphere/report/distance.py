"""The report's customer line-of-sight section, from the distance table of :class:`~orgsphere.results.Results`.

Over a whole year almost everyone is a few hops from a customer, so the section speaks of the typical month:
per unit the person-months in each distance band summed over the months, and line of sight as the share of
person-months within one hop (two hops as the wider view)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from markupsafe import Markup

from ..analysis.distance import DISTANCE_BANDS, OTHER_ROUTE
from ..analysis.sphere import ALL, UNDATED
from ..results import Results
from ..rows import rows_where
from .charts import trend_chart

__all__ = ["distance_context"]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def distance_context(results: Results, words: dict[str, str]) -> dict[str, Any]:
    table = results.distance.arrow
    if table.num_rows == 0 or "target" not in table.column_names:
        return {"rows": []}
    table = rows_where(table, channel=ALL, target="customer", suppressed=False)
    rows = table.filter(pc.invert(pc.is_in(table["period"], pa.array([ALL, UNDATED])))).to_pylist()
    units: dict[str, dict[str, Any]] = {}
    months: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        u = units.setdefault(r["unit"], {"unit": r["unit"], "name": r["name"], "kind": r["kind"], "months": 0,
                                         "person_months": 0, **{b: 0 for b in DISTANCE_BANDS}})  # fmt: skip
        u["months"] += 1
        u["person_months"] += r["persons"]
        for band in DISTANCE_BANDS:
            u[band] += r[band]
        if r["kind"] in ("line", "staff"):
            m = months.setdefault((r["period"], r["kind"]), [0, 0])
            m[0] += r["d0"] + r["d1"]
            m[1] += r["persons"]
    for u in units.values():
        total = u["person_months"]
        u["within_1"] = _share(u["d0"] + u["d1"], total)
        u["within_2"] = _share(u["d0"] + u["d1"] + u["d2"], total)
        u["bands"] = [(band, 100.0 * u[band] / total if total else 0.0) for band in DISTANCE_BANDS]
    routes: dict[str, list[tuple[str, float]]] = {}
    for r in results.routes.arrow.to_pylist():
        if r["target"] == "customer" and r["via_unit"] not in (r["unit"], OTHER_ROUTE):
            routes.setdefault(r["unit"], []).append((r["via_unit"], r["share"]))
    names = {u["unit"]: u["name"] for u in units.values()}
    for u in units.values():
        u["via"] = [(names.get(v, v), share) for v, share in sorted(routes.get(u["unit"], []), key=lambda x: -x[1])[:2]]
    ordered = sorted(units.values(), key=lambda u: (u["kind"] != "line", -(u["within_1"] or 0.0), u["name"] or ""))
    kinds = {}
    for kind in ("line", "staff"):
        mine = [u for u in units.values() if u["kind"] == kind]
        kinds[kind] = _share(sum(u["d0"] + u["d1"] for u in mine), sum(u["person_months"] for u in mine))
    periods = sorted({p for p, _ in months})
    series = {words[kind]: [(lambda v: v[0] / v[1] if v and v[1] else None)(months.get((p, kind)))
                            for p in periods] for kind in ("line", "staff")}  # fmt: skip
    chart = Markup(trend_chart(periods, series, words, ylabel=words["los_axis"], ymax=1.0)) if len(periods) > 1 else None
    return {"rows": ordered, "line": kinds["line"], "staff": kinds["staff"], "trend_svg": chart,
            "min_contacts": next((s["value"] for s in results.statement.settings if s["name"] == "min_contacts"), "")}
