"""The report's customer line-of-sight section, from the distance table of :class:`~orgsphere.results.Results`.

Over a whole year almost everyone is a few hops from a customer, so the section speaks of the typical month:
per unit the person-months in each distance band summed over the months, and line of sight as the share of
person-months within one hop (two hops as the wider view)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from markupsafe import Markup

from ..analysis.distance import DISTANCE_BANDS, OTHER_ROUTE, TARGETS
from ..markers import ALL, UNDATED
from ..results import Results
from ..rows import rows_where
from .charts import trend_chart
from .distance_svg import MapUnit, sparkline, unit_map
from .i18n import Words

__all__ = ["distance_context"]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _months(table: pa.Table) -> pa.Table:
    return table.filter(pc.invert(pc.is_in(table["period"], pa.array([ALL, UNDATED]))))


def _kind_shares(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    """Line of sight over the person-months of line units, of staff units and of all units."""
    out = {}
    for kind in ("line", "staff", None):
        mine = [r for r in rows if kind is None or r["kind"] == kind]
        out[kind or "all"] = _share(sum(r["d0"] + r["d1"] for r in mine), sum(r["persons"] for r in mine))
    return out


def _by_channel(table: pa.Table) -> tuple[list[str], list[dict[str, Any]]]:
    """Line of sight per target kind of outside party and channel, line and staff apart."""
    shown = _months(rows_where(table, suppressed=False))
    channels = sorted(set(shown["channel"].to_pylist()) - {ALL})
    channels = [ALL, *channels] if channels else []
    present = set(shown["target"].to_pylist())
    rows = []
    for target in [t for t in TARGETS if t in present]:
        cells = [_kind_shares(rows_where(shown, target=target, channel=c).to_pylist()) for c in channels]
        rows.append({"target": target, "cells": cells})
    return channels, rows


def _map(results: Results, units: dict[str, dict[str, Any]], t: Words, n: Callable[..., str]) -> str:
    tree = results["subtrees"].arrow
    nodes = {}
    for r in tree.to_pylist() if "parent_id" in tree.column_names else []:
        nodes[r["group_id"]] = MapUnit(r["group_id"], r["name"] or r["group_id"], r["kind"], r["parent_id"])
    for u in units.values():
        node = nodes.setdefault(u["unit"], MapUnit(u["unit"], u["name"] or u["unit"], u["kind"], None))
        node.near, node.near2, node.total = u["d0"] + u["d1"], u["d0"] + u["d1"] + u["d2"], u["person_months"]
    return unit_map(list(nodes.values()), t, n)


def _by_month(values: list[float | None], periods: list[str], t: Words, n: Callable[..., str]) -> Markup:
    """A unit's line of sight month by month: a sparkline, or the one share in words where it never changes
    (a flat line along the top of a sparkline at 100% reads as nothing)."""
    known = {round(v, 4) for v in values if v is not None}
    if len(known) == 1:
        share, months = n(100 * known.pop(), 0) + "%", sum(v is not None for v in values)
        every = t.ngettext("%(share)s in %(n)s month", "%(share)s in each of the %(n)s months", months, share=share,
                           n=months)  # fmt: skip
        return Markup('<span class="spark-flat" title="%s">%s</span>') % (every, t.gettext("%(share)s every month",
                                                                                              share=share))
    title = t.gettext("share within one hop, month by month, %(first)s to %(last)s", first=periods[0],
                      last=periods[-1])  # fmt: skip
    return Markup(sparkline(values, title))


def distance_context(results: Results, t: Words, n: Callable[..., str]) -> dict[str, Any]:
    table = results["distance"].arrow
    if table.num_rows == 0 or "target" not in table.column_names:
        return {"rows": []}
    rows = _months(rows_where(table, channel=ALL, target="customer", suppressed=False)).to_pylist()
    periods = sorted({r["period"] for r in rows})
    units: dict[str, dict[str, Any]] = {}
    for r in rows:
        u = units.setdefault(r["unit"], {"unit": r["unit"], "name": r["name"], "kind": r["kind"], "months": 0,
                                         "person_months": 0, "by_month": {},
                                         **{b: 0 for b in DISTANCE_BANDS}})  # fmt: skip
        u["months"] += 1
        u["person_months"] += r["persons"]
        u["by_month"][r["period"]] = r["within_1"]
        for band in DISTANCE_BANDS:
            u[band] += r[band]
    for u in units.values():
        total = u["person_months"]
        u["within_1"] = _share(u["d0"] + u["d1"], total)
        u["within_2"] = _share(u["d0"] + u["d1"] + u["d2"], total)
        u["bands"] = [(band, 100.0 * u[band] / total if total else 0.0) for band in DISTANCE_BANDS]
        u["spark"] = _by_month([u["by_month"].get(p) for p in periods], periods, t, n)
        u["by_month_text"] = "; ".join(f"{p}: {n(100 * v, 0)}%" for p, v in sorted(u["by_month"].items())
                                       if v is not None)  # fmt: skip
    routes: dict[str, list[tuple[str, float]]] = {}
    for r in results["routes"].arrow.to_pylist():
        if r["target"] == "customer" and r["via_unit"] not in (r["unit"], OTHER_ROUTE):
            routes.setdefault(r["unit"], []).append((r["via_unit"], r["share"]))
    names = {u["unit"]: u["name"] for u in units.values()}
    for u in units.values():
        u["via"] = [(names.get(v, v), share) for v, share in sorted(routes.get(u["unit"], []), key=lambda x: -x[1])[:2]]
    ordered = sorted(units.values(), key=lambda u: (u["kind"] != "line", -(u["within_1"] or 0.0), u["name"] or ""))
    kinds = _kind_shares(rows)
    kinds_shown = {"line": t.gettext("line"), "staff": t.gettext("staff")}
    series = {kinds_shown[kind]: [_kind_shares([r for r in rows if r["period"] == p])[kind] for p in periods]
              for kind in ("line", "staff")}  # fmt: skip
    axis = t.gettext("share within one hop of a customer")
    chart = Markup(trend_chart(periods, series, ylabel=axis, ymax=1.0)) if len(periods) > 1 else None
    channels, by_channel = _by_channel(table)
    return {"rows": ordered, "line": kinds["line"], "staff": kinds["staff"], "trend_svg": chart,
            "map_svg": Markup(_map(results, units, t, n)), "channels": channels, "by_channel": by_channel,
            "min_contacts": next((s["value"] for s in results.statement.settings if s["name"] == "min_contacts"), "")}
