"""The report's partners-or-suppliers section: line and staff relations over the whole period, their verdicts
in words, a matrix of line units by staff units coloured by verdict (relation_matrix), a card per staff unit,
most supplier-like first, and (from internal_customer) the machinery and language of the internal customer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from ..markers import ALL
from ..results import Results
from .i18n import Words
from .internal_customer import language_context, machinery_context
from .relation_matrix import divisions, relation_matrix, staff_cards

__all__ = ["relations_context", "reason_words"]


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
            threads = t.ngettext("%(n)s meeting or thread", "%(n)s meetings or threads", r["joint_threads"] or 0,
                                 n=n(r["joint_threads"]))
            customers = t.ngettext("%(n)s customer", "%(n)s customers", r["shared_customers"] or 0,
                                   n=n(r["shared_customers"]))
            parts.append(t.gettext("%(threads)s with a customer together, %(customers)s in common", threads=threads,
                                   customers=customers)
                         if r["joint_work"] else t.gettext("no customer work together"))  # fmt: skip
    return "; ".join(parts)


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
    matrix = relation_matrix(rows, names, divisions(_parents(results)), t, n)
    return {"rows": decided, "counts": counts, "total": len(line_staff), "staff": staff_cards(rows),
            "matrix": matrix, "matrix_html": Markup(matrix.html) if matrix else None,
            "language": language_context(results), "machinery": machinery_context(results)}


def _parents(results: Results) -> dict[str, str | None]:
    """Unit -> its parent in the org chart (None for a root), from the subtrees table."""
    tree = results["subtrees"].arrow
    if "parent_id" not in tree.column_names:
        return {}
    return {r["group_id"]: r["parent_id"] for r in tree.select(["group_id", "parent_id"]).to_pylist()}
