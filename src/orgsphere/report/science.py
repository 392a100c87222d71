"""The report's sphere-science section: fits against the null models, excess inwardness, Rent's rule, the
trend over time and the sphere model. Reads only :class:`~orgsphere.results.Results`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow.compute as pc
from markupsafe import Markup

from ..fits import MIN_POINTS, ScalingFit, rent_dimension, slope_dimension
from ..results import Results
from .charts import null_chart, rent_chart
from .i18n import Words, labels
from .verdicts import verdict_sentences

__all__ = ["science_context"]

Number = Callable[..., str]


def _against_chance(fit: ScalingFit, t: Words, n: Number) -> str:
    """The slope against random mixing, then the verdict, each sentence naming the interval it reads: the
    difference from chance decides "null"; every other verdict reads the slope's own interval."""
    parts = []
    if fit.null_slope is not None:
        parts.append(t.gettext("Random mixing would give a slope of %(null)s here; the observed slope differs from "
                               "it by %(lo)s to %(hi)s (95%%).", null=n(fit.null_slope, 2), lo=n(fit.diff_low, 2),
                               hi=n(fit.diff_high, 2)))  # fmt: skip
    if fit.verdict not in ("null", "thin"):
        parts.append(t.gettext("The slope's own 95%% interval runs from %(lo)s to %(hi)s.", lo=n(fit.ci_low, 2),
                               hi=n(fit.ci_high, 2)))  # fmt: skip
    parts.append(verdict_sentences(t)[fit.verdict])
    return " ".join(parts)


def _levels_text(results: Results, t: Words, n: Number) -> list[str]:
    """R's slope across the subtrees of each level of the org chart that has a fit, with its verdict."""
    out = []
    for fit in sorted((f for f in results.fits if f.measure == "R" and f.scope.startswith("level ")),
                      key=lambda f: int(f.scope.split()[1])):  # fmt: skip
        depth = int(fit.scope.split()[1])
        if fit.slope is None:
            out.append(t.gettext("Level %(d)s: no slope (%(note)s).", d=depth, note=fit.note))
            continue
        out.append(t.gettext(
            "Across the %(n)s subtrees of level %(d)s, R goes with their size as N<sup>%(slope)s</sup> (95%% interval "
            "%(lo)s to %(hi)s).", n=fit.n_units, d=depth, slope=n(fit.slope, 2), lo=n(fit.ci_low, 2),
            hi=n(fit.ci_high, 2)) + " " + verdict_sentences(t)[fit.verdict])  # fmt: skip
    return out


def _dimension(results: Results, t: Words, n: Number) -> list[str]:
    """'Behaves like a ball of dimension d' from the headline slope of R (of many organisations: of B across them)
    and from Rent's p, where they fall."""
    out = []

    def dimension(**values: str) -> str:
        return t.gettext("From %(source)s, your organisation behaves like a ball of dimension d ≈ %(d)s (%(lo)s to "
                         "%(hi)s); Iske's sphere is d = 3.", **values)

    across = results.fit("B") if results.many_organisations else None  # of many organisations: B across them
    d = slope_dimension(across) if across is not None else None
    if d is not None:
        source = t.gettext("the slope of B across organisations")
        out.append(dimension(source=source, d=n(d.d, 1), lo=n(d.low, 1), hi=n(d.high, 1)))
    for kind in () if results.many_organisations else ("line", "all", "staff"):
        fit = results.fit("R", kind=kind)
        d = slope_dimension(fit) if fit is not None else None
        if d is not None:
            source = t.gettext("the slope of R across %(which)s", which=labels(t)["which"][kind])
            out.append(dimension(source=source, d=n(d.d, 1), lo=n(d.low, 1), hi=n(d.high, 1)))
            break
    rent = rent_dimension(results.rent) if results.rent is not None else None
    if rent is not None:
        out.append(dimension(source=t.gettext("Rent's exponent"), d=n(rent.d, 1), lo=n(rent.low, 1),
                             hi=n(rent.high, 1)))  # fmt: skip
    return out or [t.gettext("No ball dimension can be read: no measured slope, nor Rent's exponent, rests on %(min)s "
                             "points or more with an interval that places it between 1 and a finite number of "
                             "dimensions.", min=MIN_POINTS)]  # fmt: skip


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
        if rent.range == "outside":
            rent_text.append(t.gettext("That lies outside the range of Rent's rule (p above 0 and at most 1: a block's "
                                       "boundary grows with the block, never faster): the power law does not describe "
                                       "these subtrees, and no dimension is read from it."))  # fmt: skip
        elif rent.range == "thin" and p.n_units < MIN_POINTS:
            rent_text.append(t.gettext("Over only %(n)s subtrees (a law needs %(min)s or more) the data cannot tell "
                                       "whether Rent's rule holds, and no dimension is read from it.", n=p.n_units,
                                       min=MIN_POINTS))  # fmt: skip
        elif rent.range == "thin":
            rent_text.append(verdict_sentences(t)["thin"])
        elif rent.break_depth is not None:
            rent_text.append(t.gettext(
                "Above level %(d)s the law breaks: the largest blocks have fewer boundary contacts than the power "
                "law predicts, as in the top of a circuit (Rent's region II).", d=rent.break_depth))  # fmt: skip
        else:
            rent_text.append(t.gettext("The power law holds at every level of the tree."))
        trees = results["subtrees"].arrow
        trees = trees.filter(pc.invert(pc.fill_null(trees["suppressed"], True)))
        rent_svg = Markup(rent_chart(trees, rent, t, decimal))
    months = results.fit("R", scope="months")
    if months is not None and months.slope is not None:
        time_text = t.gettext(
            "Over %(n)s months, as the organisation's active headcount changed, R went as N<sup>%(slope)s</sup> (95%% "
            "interval %(lo)s to %(hi)s; months follow each other, so read the interval as a rough one).",
            n=months.n_units, slope=n(months.slope, 2), lo=n(months.ci_low, 2), hi=n(months.ci_high, 2),
        ) + " " + verdict_sentences(t)[months.verdict]
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
        "levels_text": [Markup(x) for x in _levels_text(results, t, n)],
        "dimension": _dimension(results, t, n),
        "whatif": model,
        "whatif_n": model[0]["persons"] if model else None,
        "whatif_share": f"{int(round(100 * model[0]['share']))}%" if model else "",
    }
