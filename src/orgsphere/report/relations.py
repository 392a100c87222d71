"""The report's partners-or-suppliers section: line and staff relations over the whole period, their verdicts
in words, a map of line units (left) and staff units (right) with the relations between them coloured by
verdict, the staff units ranked by how much of their contact with the line runs as supplier, and (from
internal_customer) the machinery and language of the internal customer."""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from typing import Any

from markupsafe import Markup

from ..markers import ALL
from ..results import Results
from .i18n import Words, labels
from .internal_customer import language_context, machinery_context

__all__ = ["relations_context", "relation_map", "reason_words"]

COLOURS = {"partner": "#2a9d8f", "supplier": "#d1495b", "mixed": "#b8bfca"}
ROW = 18  # pixels per unit in the map


def reason_words(r: dict[str, Any], t: Words, n: Callable[..., str], names: dict[str, str]) -> str:
    """The figures that decided a verdict, as one sentence."""
    a, b = names.get(r["unit_a"], r["unit_a"]), names.get(r["unit_b"], r["unit_b"])
    parts = []
    for code in (r["reasons"] or "").split(","):
        if code == "volume":
            parts.append(t.ngettext("only %(n)s interaction", "only %(n)s interactions", r["volume"] or 0,
                                    n=n(r["volume"])))
        elif code == "ticket_share":
            parts.append(t.gettext("%(pct)s%% of the contact is tickets", pct=n(100 * (r["ticket_share"] or 0))))
        elif code == "initiative" and r["initiative_a"] is not None:
            first, share = (a, r["initiative_a"]) if r["initiative_a"] >= 0.5 else (b, 1 - r["initiative_a"])
            parts.append(t.gettext("%(unit)s starts %(pct)s%% of the threads, meetings and tickets", unit=first,
                                   pct=n(100 * share)))
        elif code == "reciprocity":
            parts.append(t.gettext("the quieter direction is %(pct)s%% of the busier",
                                   pct=n(100 * (r["reciprocity"] or 0))))
        elif code == "joint_work":
            parts.append(t.gettext("%(threads)s meetings or threads with a customer together, %(customers)s "
                                   "customers in common", threads=n(r["joint_threads"]),
                                   customers=n(r["shared_customers"]))
                         if r["joint_work"] else t.gettext("no customer work together"))  # fmt: skip
    return "; ".join(parts)


def relation_map(rows: list[dict[str, Any]], names: dict[str, str], t: Words,
                 n: Callable[..., str]) -> str:  # fmt: skip
    """Line units in a column on the left, staff units on the right, a curve per relation coloured by its
    verdict and as thick as its contact (log scale); mixed relations faint, so the partners and suppliers
    stand out. Hover a curve or a unit for its figures."""
    shown = [r for r in rows if r["verdict"] in COLOURS and r["kind_a"] == "line" and r["kind_b"] == "staff"]
    if not shown:
        return ""
    left = sorted({r["unit_a"] for r in shown}, key=lambda u: (names.get(u) or u).lower())
    right = sorted({r["unit_b"] for r in shown}, key=lambda u: (names.get(u) or u).lower())
    height = ROW * max(len(left), len(right)) + 10
    width, x0, x1 = 960, 300, 660
    ly = {u: 10 + ROW * i + (height - 10 - ROW * len(left)) / 2 for i, u in enumerate(left)}
    ry = {u: 10 + ROW * i + (height - 10 - ROW * len(right)) / 2 for i, u in enumerate(right)}
    biggest = max(r["volume"] for r in shown)
    order = {"mixed": 0, "supplier": 1, "partner": 2}  # the verdicts that matter drawn on top
    curves = []
    verdicts = labels(t)["verdict"]
    for r in sorted(shown, key=lambda r: (order[r["verdict"]], r["volume"])):
        y0, y1 = ly[r["unit_a"]], ry[r["unit_b"]]
        stroke = 1.0 + 4.0 * math.log1p(r["volume"]) / math.log1p(biggest)
        tip = f"{names.get(r['unit_a'], r['unit_a'])} – {names.get(r['unit_b'], r['unit_b'])}: " \
              f"{verdicts[r['verdict']]}. {reason_words(r, t, n, names)}"
        opacity = 0.35 if r["verdict"] == "mixed" else 0.9
        curves.append(f'<path d="M{x0},{y0:.1f} C{(x0 + x1) / 2},{y0:.1f} {(x0 + x1) / 2},{y1:.1f} {x1},{y1:.1f}" '
                      f'stroke="{COLOURS[r["verdict"]]}" stroke-width="{stroke:.1f}" stroke-opacity="{opacity}" '
                      f'fill="none"><title>{escape(tip)}</title></path>')  # fmt: skip
    tags = [f'<text x="{x0 - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(names.get(u, u))}</text>'
              f'<circle cx="{x0}" cy="{y:.1f}" r="3.5" class="line"/>' for u, y in ly.items()]
    tags += [f'<circle cx="{x1}" cy="{y:.1f}" r="3.5" class="staff"/>'
               f'<text x="{x1 + 8}" y="{y + 4:.1f}">{escape(names.get(u, u))}</text>' for u, y in ry.items()]
    title = t.gettext("Relations between line and staff units, coloured by verdict")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-label="{escape(title)}" font-size="11" class="relation-map">'
            + "".join(curves) + "".join(tags) + "</svg>")  # fmt: skip


def relations_context(results: Results, t: Words, n: Callable[..., str]) -> dict[str, Any]:
    table = results["relations"].arrow
    if table.num_rows == 0 or "verdict" not in table.column_names:
        return {"rows": [], "staff": [], "language": language_context(results), "machinery": machinery_context(results)}
    rows = [r for r in table.to_pylist() if r["period"] == ALL and not r["suppressed"]]
    names = results.unit_names()
    for r in rows:
        r["name_a"], r["name_b"] = names.get(r["unit_a"], r["unit_a"]), names.get(r["unit_b"], r["unit_b"])
        r["why"] = reason_words(r, t, n, names)
    decided = [r for r in rows if r["verdict"] in ("partner", "supplier")]
    decided.sort(key=lambda r: (r["verdict"] != "supplier", -r["volume"]))
    line_staff = [r for r in rows if r["kind_a"] == "line" and r["kind_b"] == "staff" and r["verdict"] != "too_little"]
    counts = {v: sum(r["verdict"] == v for r in line_staff) for v in ("partner", "supplier", "mixed")}
    staff: dict[str, dict[str, Any]] = {}
    for r in line_staff:
        s = staff.setdefault(r["unit_b"], {"unit": r["unit_b"], "name": r["name_b"], "volume": 0, "supplier": 0,
                                           "partner": 0, "mixed": 0, "relations": 0})  # fmt: skip
        s["volume"] += r["volume"]
        s[r["verdict"]] += 1
        s["relations"] += 1
        s.setdefault("supplier_volume", 0)
        s["supplier_volume"] += r["volume"] if r["verdict"] == "supplier" else 0
    for s in staff.values():
        s["supplier_share"] = s.get("supplier_volume", 0) / s["volume"] if s["volume"] else 0.0
    ranked = sorted(staff.values(), key=lambda s: (-s["supplier_share"], s["name"]))
    return {"rows": decided, "counts": counts, "total": len(line_staff), "staff": ranked,
            "map_svg": Markup(relation_map(rows, names, t, n)), "language": language_context(results),
            "machinery": machinery_context(results)}

