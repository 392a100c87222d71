"""The report's sphere-science section: fits against the null models, excess inwardness, Rent's rule, the
trend over time and the sphere model. Reads only :class:`~orgsphere.results.Results`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow.compute as pc
from markupsafe import Markup

from ..fits import ScalingFit, dimension_from_rent
from ..results import Results
from ..science.spheremodel import dimension_from_slope
from .charts import null_chart, rent_chart

__all__ = ["science_context"]

Number = Callable[..., str]


def _against_chance(fit: ScalingFit, words: dict[str, str], n: Number) -> str:
    parts = []
    if fit.null_slope is not None:
        parts.append(words["null_compare"].format(null=n(fit.null_slope, 2), lo=n(fit.diff_low, 2),
                                                  hi=n(fit.diff_high, 2)))  # fmt: skip
    parts.append(words[f"verdict_{fit.verdict}"])
    return " ".join(parts)


def _dimension(results: Results, words: dict[str, str], n: Number) -> list[str]:
    """'Behaves like a ball of dimension d' from the headline slope of R and from Rent's p, where they fall."""
    out = []
    for kind in ("line", "all", "staff"):
        fit = results.fit("R", kind=kind)
        if fit is not None and fit.slope is not None and fit.slope < 0 and fit.verdict not in ("null", "flat"):
            d = dimension_from_slope(fit.slope)
            ends = sorted(x for x in (dimension_from_slope(fit.ci_low), dimension_from_slope(fit.ci_high)) if x)
            lo, hi = (n(ends[0], 1), n(ends[-1], 1)) if len(ends) == 2 else ("–", "∞")
            source = words["model_from_fit"].format(which=words[f"which_{kind}"])
            out.append(words["model_dimension"].format(source=source, d=n(d, 1), lo=lo, hi=hi))
            break
    rent = results.rent.p if results.rent is not None else None
    if rent is not None and rent.slope is not None and 0 < rent.slope < 1:
        ends = [dimension_from_rent(x) for x in (rent.ci_low, rent.ci_high)]
        lo = n(ends[0], 1) if ends[0] else "–"
        hi = n(ends[1], 1) if ends[1] else "∞"
        out.append(words["model_dimension"].format(source=words["model_from_rent"], d=n(dimension_from_rent(rent.slope), 1),
                                                   lo=lo, hi=hi))  # fmt: skip
    return out or [words["model_no_dimension"]]


def science_context(results: Results, words: dict[str, str], n: Number, decimal: str) -> dict[str, Any]:
    nulls = results["nulls"].filter(channel="all")
    if "suppressed" in nulls.column_names:
        nulls = nulls.filter(pc.invert(pc.fill_null(nulls["suppressed"], True)))
    chance = []
    for kind in ("line", "staff", "all"):
        fit = results.fit("R", kind=kind)
        if fit is not None and fit.slope is not None:
            chance.append(f"{words['which_' + kind].capitalize()}: {_against_chance(fit, words, n)}")
    b = results.fit("B")
    b_text = None
    if b is not None and b.slope is not None:
        b_text = words["B_found"].format(n=b.n_units, slope=n(b.slope, 2), lo=n(b.ci_low, 2), hi=n(b.ci_high, 2),
                                         robust=n(b.robust_slope, 2)) + " " + _against_chance(b, words, n)  # fmt: skip
    rows = sorted(nulls.to_pylist(), key=lambda r: -(r.get("excess_inwardness") or 0.0))
    excess = [r["excess_inwardness"] for r in rows if r.get("excess_inwardness") is not None]
    p_values = [r.get("inward_p") for r in rows if r.get("inward_p") is not None]
    summary = None
    if excess:
        summary = words["excess_summary"].format(more=sum(p < 0.05 for p in p_values), n=len(excess),
                                                 median=n(float(np.median(excess)), 1))  # fmt: skip
    rent = results.rent
    rent_text, rent_svg = [], None
    if rent is not None and rent.p.slope is not None:
        p = rent.p
        where = words["rent_where"].format(d=rent.break_depth) if rent.break_depth is not None else ""
        rent_text.append(words["rent_found"].format(p=n(p.slope, 2), lo=n(p.ci_low, 2), hi=n(p.ci_high, 2),
                                                    n=p.n_units, where=where))  # fmt: skip
        rent_text.append(words["rent_break"].format(d=rent.break_depth) if rent.break_depth is not None
                         else words["rent_holds"])  # fmt: skip
        trees = results["subtrees"].arrow
        trees = trees.filter(pc.invert(pc.fill_null(trees["suppressed"], True)))
        rent_svg = Markup(rent_chart(trees, rent, words, decimal))
    months = results.fit("R", scope="months")
    if months is not None and months.slope is not None:
        time_text = words["time_found"].format(n=months.n_units, slope=n(months.slope, 2), lo=n(months.ci_low, 2),
                                               hi=n(months.ci_high, 2))  # fmt: skip
    elif months is None or months.thin == "few":
        time_text = words["time_few"]
    elif months.thin == "same_size":
        time_text = words["time_same_size"]
    else:
        time_text = words["time_none"].format(note=months.note)
    model = results["model"].arrow.to_pylist()
    return {
        "chance": [Markup(c) for c in chance],
        "b_text": Markup(b_text) if b_text else None,
        "null_svg": Markup(null_chart(nulls, b, words, decimal)) if b is not None and b.slope is not None else None,
        "excess_rows": rows,
        "excess_summary": summary,
        "rent_text": rent_text,
        "rent_svg": rent_svg,
        "time_text": Markup(time_text),
        "dimension": _dimension(results, words, n),
        "whatif": model,
        "whatif_n": model[0]["persons"] if model else None,
        "whatif_share": f"{int(round(100 * model[0]['share']))}%" if model else "",
    }
