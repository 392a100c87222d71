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
from .i18n import Words, labels

__all__ = ["science_context"]

Number = Callable[..., str]


def _verdicts(t: Words) -> dict[str, str]:
    """A fit's slope held against chance and the sphere law, per verdict."""
    _ = t.gettext
    return {
        "null": _("That is no more than chance arithmetic: no evidence of a sphere law."),
        "sphere": _("It differs from chance, and −1/3 lies inside its interval: consistent with the sphere law."),
        "flat": _("Zero lies inside its interval: outwardness does not measurably change with size."),
        "steeper": _("It falls faster with size than the sphere law's −1/3."),
        "flatter": _("It falls more slowly with size than the sphere law's −1/3."),
        "thin": _("There is too little data for a slope."),
    }


def _against_chance(fit: ScalingFit, t: Words, n: Number) -> str:
    parts = []
    if fit.null_slope is not None:
        parts.append(t.gettext("Random mixing would give a slope of %(null)s here; the observed slope differs from "
                               "it by %(lo)s to %(hi)s (95%%).", null=n(fit.null_slope, 2), lo=n(fit.diff_low, 2),
                               hi=n(fit.diff_high, 2)))  # fmt: skip
    parts.append(_verdicts(t)[fit.verdict])
    return " ".join(parts)


def _dimension(results: Results, t: Words, n: Number) -> list[str]:
    """'Behaves like a ball of dimension d' from the headline slope of R and from Rent's p, where they fall."""
    out = []

    def dimension(**values: str) -> str:
        return t.gettext("From %(source)s, your organisation behaves like a ball of dimension d ≈ %(d)s (%(lo)s to "
                         "%(hi)s); Iske's sphere is d = 3.", **values)

    for kind in ("line", "all", "staff"):
        fit = results.fit("R", kind=kind)
        if fit is not None and fit.slope is not None and fit.slope < 0 and fit.verdict not in ("null", "flat"):
            d = dimension_from_slope(fit.slope)
            ends = sorted(x for x in (dimension_from_slope(fit.ci_low), dimension_from_slope(fit.ci_high)) if x)
            lo, hi = (n(ends[0], 1), n(ends[-1], 1)) if len(ends) == 2 else ("–", "∞")
            source = t.gettext("the slope of R across %(which)s", which=labels(t)["which"][kind])
            out.append(dimension(source=source, d=n(d, 1), lo=lo, hi=hi))
            break
    rent = results.rent.p if results.rent is not None else None
    if rent is not None and rent.slope is not None and 0 < rent.slope < 1:
        rent_ends = [dimension_from_rent(x) for x in (rent.ci_low, rent.ci_high)]
        lo = n(rent_ends[0], 1) if rent_ends[0] else "–"
        hi = n(rent_ends[1], 1) if rent_ends[1] else "∞"
        out.append(dimension(source=t.gettext("Rent's exponent"), d=n(dimension_from_rent(rent.slope), 1), lo=lo,
                             hi=hi))  # fmt: skip
    return out or [t.gettext("No measured slope falls with size, so no ball dimension can be read from it.")]


def science_context(results: Results, t: Words, n: Number, decimal: str) -> dict[str, Any]:
    nulls = results["nulls"].filter(channel="all")
    if "suppressed" in nulls.column_names:
        nulls = nulls.filter(pc.invert(pc.fill_null(nulls["suppressed"], True)))
    chance = []
    which = labels(t)["which"]
    for kind in ("line", "staff", "all"):
        fit = results.fit("R", kind=kind)
        if fit is not None and fit.slope is not None:
            chance.append(f"{which[kind].capitalize()}: {_against_chance(fit, t, n)}")
    b = results.fit("B")
    b_text = None
    if b is not None and b.slope is not None:
        b_text = t.gettext(
            "Across %(n)s units, B (contacts crossing a unit's own boundary per contact inside it) goes as "
            "N<sup>%(slope)s</sup> (95%% interval %(lo)s to %(hi)s; robust fit %(robust)s).",
            n=b.n_units, slope=n(b.slope, 2), lo=n(b.ci_low, 2), hi=n(b.ci_high, 2), robust=n(b.robust_slope, 2),
        ) + " " + _against_chance(b, t, n)  # fmt: skip
    rows = sorted(nulls.to_pylist(), key=lambda r: -(r.get("excess_inwardness") or 0.0))
    excess = [r["excess_inwardness"] for r in rows if r.get("excess_inwardness") is not None]
    p_values = [r.get("inward_p") for r in rows if r.get("inward_p") is not None]
    summary = None
    if excess:
        more = sum(p < 0.05 for p in p_values)
        summary = t.ngettext(
            "%(more)s of %(n)s units is more turned inward than chance (p < 0.05); the median unit has %(median)s "
            "times the inside contacts random mixing expects.",
            "%(more)s of %(n)s units are more turned inward than chance (p < 0.05); the median unit has %(median)s "
            "times the inside contacts random mixing expects.",
            more, more=more, n=len(excess), median=n(float(np.median(excess)), 1),
        )  # fmt: skip
    rent = results.rent
    rent_text, rent_svg = [], None
    if rent is not None and rent.p.slope is not None:
        p = rent.p
        where = t.gettext(" from level %(d)s down", d=rent.break_depth) if rent.break_depth is not None else ""
        rent_text.append(t.gettext("Rent exponent p = %(p)s (95%% interval %(lo)s to %(hi)s) over %(n)s "
                                   "subtrees%(where)s.", p=n(p.slope, 2), lo=n(p.ci_low, 2), hi=n(p.ci_high, 2),
                                   n=p.n_units, where=where))  # fmt: skip
        rent_text.append(t.gettext(
            "Above level %(d)s the law breaks: the largest blocks have fewer boundary contacts than the power law "
            "predicts, as in the top of a circuit (Rent's region II).", d=rent.break_depth)
                         if rent.break_depth is not None
                         else t.gettext("The power law holds at every level of the tree."))  # fmt: skip
        trees = results["subtrees"].arrow
        trees = trees.filter(pc.invert(pc.fill_null(trees["suppressed"], True)))
        rent_svg = Markup(rent_chart(trees, rent, t, decimal))
    months = results.fit("R", scope="months")
    if months is not None and months.slope is not None:
        time_text = t.gettext(
            "Over %(n)s months, as the organisation's active headcount changed, R went as N<sup>%(slope)s</sup> (95%% "
            "interval %(lo)s to %(hi)s; months follow each other, so read the interval as a rough one).",
            n=months.n_units, slope=n(months.slope, 2), lo=n(months.ci_low, 2), hi=n(months.ci_high, 2),
        )
    elif months is None or months.thin == "few":
        time_text = t.gettext("Over time: fewer than five months with data, too few for a slope.")
    elif months.thin == "same_size":
        time_text = t.gettext("Over time: the number of active people was the same every month, so no slope of R "
                              "against size can be fitted; the monthly trend is shown further on.")
    else:
        time_text = t.gettext("Over time: %(note)s.", note=months.note)
    model = results["model"].arrow.to_pylist()
    return {
        "chance": [Markup(c) for c in chance],
        "b_text": Markup(b_text) if b_text else None,
        "null_svg": Markup(null_chart(nulls, b, t, decimal)) if b is not None and b.slope is not None else None,
        "excess_rows": rows,
        "excess_summary": summary,
        "rent_text": rent_text,
        "rent_svg": rent_svg,
        "time_text": Markup(time_text),
        "dimension": _dimension(results, t, n),
        "whatif": model,
        "whatif_n": model[0]["persons"] if model else None,
        "whatif_share": f"{int(round(100 * model[0]['share']))}%" if model else "",
    }
