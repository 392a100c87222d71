"""The internal customer in the report's partners-or-suppliers section: the traffic its machinery causes per
staff unit (surveys, SLAs, requirements packages) and the language audit in short."""

from __future__ import annotations

from typing import Any

from ..markers import ALL
from ..results import Results

__all__ = ["language_context", "machinery_context"]


def language_context(results: Results) -> dict[str, Any]:
    """The language audit in short: per term its hits, documents, units and partner wording; per unit its hits."""
    rows = results["language"].arrow.to_pylist() if "hits" in results["language"].arrow.column_names else []
    documents = {r["name"] for r in rows if r["source"] == "document"}
    ticket_units = {r["unit"] for r in rows if r["source"] == "tickets"}
    terms: dict[str, dict[str, Any]] = {}
    units: dict[str, int] = {}
    for r in rows:
        if not r["term"]:
            continue
        t = terms.setdefault(r["term"], {"term": r["term"], "hits": 0, "documents": set(), "units": set(),
                                         "en": r["suggest_en"], "nl": r["suggest_nl"]})  # fmt: skip
        t["hits"] += r["hits"]
        if r["source"] == "document":
            t["documents"].add(r["name"])
        if r["unit"]:
            t["units"].add(r["unit"])
            units[r["unit"]] = units.get(r["unit"], 0) + r["hits"]
    ordered = sorted(terms.values(), key=lambda t: -t["hits"])
    for t in ordered:
        t["documents"], t["units"] = len(t["documents"]), len(t["units"])
    names = results.unit_names()
    by_unit = sorted(((names.get(u) or u, n) for u, n in units.items()), key=lambda x: -x[1])[:12]
    return {"read": bool(rows), "documents": len(documents), "ticket_units": len(ticket_units), "terms": ordered,
            "hits": sum(t["hits"] for t in ordered), "by_unit": by_unit}


def machinery_context(results: Results) -> dict[str, Any]:
    """Per staff unit over the whole period: interactions about each kind of machinery, busiest first."""
    table = results["machinery"].arrow
    if "topic" not in table.column_names:
        return {"rows": [], "topics": []}
    names = results.unit_names()
    units: dict[str, dict[str, Any]] = {}
    for r in table.to_pylist():
        if r["period"] != ALL or r["suppressed"]:
            continue
        u = units.setdefault(r["unit"], {"name": names.get(r["unit"]) or r["unit"], "total": 0, "counterparts": 0})
        u[r["topic"]] = r["sent"] + r["received"]
        u["total"] += r["sent"] + r["received"]
        u["counterparts"] = max(u["counterparts"], r["counterparts"])
    topics = sorted({t for u in units.values() for t in u if t not in ("name", "total", "counterparts")})
    return {"rows": sorted(units.values(), key=lambda u: -u["total"]), "topics": topics}
