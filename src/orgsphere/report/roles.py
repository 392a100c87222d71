"""The report's staff-roles section: per staff unit the share of its work in each role against the role the
org chart intends, the flags of unhealthy positions in words, and example items per role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..markers import ALL
from ..results import Results
from ..text.role_rules import ROLES, UNKNOWN
from .i18n import Words, labels

__all__ = ["roles_context", "flag_words"]


def flag_words(f: dict[str, Any], t: Words, n: Callable[..., str], names: dict[str, str]) -> str:
    """One flag as a sentence with its figures."""
    roles = labels(t)["role"]

    def pct(v: float) -> str:
        return n(100 * v) + "%"

    if f["flag"] == "mismatch":
        return t.gettext("meant to be %(intended)s (%(other)s of the work), but %(share)s is %(role)s",
                         role=roles[f["role"]], share=pct(f["share"]), intended=roles[f["other"]],
                         other=pct(f["other_share"] or 0))  # fmt: skip
    if f["flag"] == "regulating_without_advice":
        return t.gettext("%(share)s regulating and %(other)s advice: checks without counsel", share=pct(f["share"]),
                         other=pct(f["other_share"] or 0))
    if f["flag"] == "one_requester":
        return t.gettext("%(share)s of the requests come from %(unit)s alone", share=pct(f["share"]),
                         unit=names.get(f["other"], f["other"]))
    return t.gettext("out of sight of the customer, and only supplier relations with the line")


def roles_context(results: Results, t: Words, n: Callable[..., str]) -> dict[str, Any]:
    table = results["roles"].arrow
    if "main_role" not in table.column_names:
        return {"rows": []}
    names = results.unit_names()
    flags: dict[str, list[str]] = {}
    for f in results["role_flags"].arrow.to_pylist() if "unit" in results["role_flags"].arrow.column_names else []:
        flags.setdefault(f["unit"], []).append(flag_words(f, t, n, names))
    rows = []
    for r in table.to_pylist():
        if r["period"] != ALL or r["suppressed"] or not r["items"]:
            continue
        bars = [(role, 100.0 * r[role] / r["items"]) for role in (*ROLES, UNKNOWN)]
        rows.append({"unit": r["unit"], "name": names.get(r["unit"]) or r["unit"], "intended": r["intended_role"],
                     "n_items": r["items"], "bars": bars, "main": r["main_role"], "main_share": r["main_share"],
                     "flags": flags.get(r["unit"], [])})  # fmt: skip
    suggested = {s["unit"]: s["signature_role"] for s in results["signatures"].arrow.to_pylist()
                 if "signature_role" in s and not s.get("suppressed")}  # fmt: skip
    for r in rows:
        r["signature"] = suggested.get(r["unit"])
        r["disagree"] = bool(r["signature"] and r["main"] and r["signature"] != r["main"])
    rows.sort(key=lambda r: (not r["flags"], r["name"]))
    examples: dict[str, list[dict[str, Any]]] = {}
    role_examples = results["role_examples"].arrow
    for e in role_examples.to_pylist() if "role" in role_examples.column_names else []:
        if e["role"] in ROLES:
            examples.setdefault(e["role"], []).append({**e, "name": names.get(e["unit"]) or e["unit"]})
    return {"rows": rows, "flagged": sum(bool(r["flags"]) for r in rows), "disagree": sum(r["disagree"] for r in rows),
            "examples": [(role, examples[role][:4]) for role in ROLES if role in examples]}
