"""The report's data check: the findings of orgsphere check (errors and warnings, and the undeclared domains),
as sentences of the catalogue with their figures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from ..results import Results

__all__ = ["health_context"]

SHOWN_LEVELS = ("error", "warning")


def health_context(results: Results, words: dict[str, str], n: Callable[..., str]) -> dict[str, Any] | None:
    health = getattr(results, "health", None)
    if health is None:
        return None
    items = []
    for f in health.findings:
        if f.level not in SHOWN_LEVELS and f.code != "undeclared-domains":
            continue
        fig = dict(f.figures)
        values = {k: n(v) for k, v in fig.items() if isinstance(v, (int, float))}
        if "source" in fig:
            values["source"] = PurePath(fig["source"]).name  # the file's name, not where it lies
        if "domains" in fig:
            values["domains"] = ", ".join(d["domain"] if isinstance(d, dict) else d for d in fig["domains"])
        if "months" in fig:
            values["months"] = ", ".join(m["month"] for m in fig["months"])
        if "share_of_ends" in fig:
            values["share"] = n(100 * fig["share_of_ends"], 0) + "%"
        elif "interactions" in fig and fig["interactions"]:
            part = fig.get("broadcast", fig.get("undated"))
            if part is not None:
                values["share"] = n(100 * part / fig["interactions"], 0) + "%"
        items.append({"level": f.level, "label": words[f"level_{f.level}"],
                      "text": words[f"hc_{f.code}"].format(**values), "fix": words[f"hf_{f.code}"]})  # fmt: skip
    return {"items": items, "errors": len(health.errors), "warnings": len(health.warnings)}
