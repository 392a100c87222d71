"""Charts as inline SVG: tables in, SVG text out. Glyphs are drawn as paths, so no font is needed to view."""

from __future__ import annotations

import io
import math
import textwrap
from datetime import date
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

from ..fits import (  # noqa: E402
    SPHERE_SLOPE,
    RentFit,  # noqa: E402
    ScalingFit,
)
from .i18n import Words, labels  # noqa: E402

__all__ = ["scaling_chart", "trend_chart", "change_chart", "null_chart", "rent_chart", "plain_number", "log_axes"]

COLOURS = {"line": "#1f6f8b", "staff": "#d1495b", None: "#8d99ae"}
plt.rcParams.update(
    {
        "svg.fonttype": "path",
        "svg.hashsalt": "orgsphere",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


def _slope_text(value: float, decimal: str) -> str:
    return f"{value:.2f}".replace(".", decimal).replace("-", "−")


def plain_number(value: float, decimal: str = ".") -> str:
    """A tick of a log axis as people write it: 0.05, 0.5, 5, 50, 5,000 (5.000 with a decimal comma), never
    5×10⁰ or 10⁻¹."""
    if value <= 0 or not math.isfinite(value):
        return ""
    digits = max(0, -math.floor(math.log10(value) + 1e-9))
    text = f"{value:,.{digits}f}"
    return text.replace(",", "_").replace(".", decimal).replace("_", "." if decimal == "," else ",")


def log_axes(ax: Any, decimal: str) -> None:
    """Both axes logarithmic, ticked at 1, 2 and 5 of each power of ten (only at the powers over more than
    three of them) and labelled with plain numbers (:func:`plain_number`); the minor ticks unlabelled."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis, (low, high) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        decades = math.log10(high / low) if low > 0 and high > low else 0.0
        axis.set_major_locator(LogLocator(base=10, subs=(1.0,) if decades > 3 else (1.0, 2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: plain_number(v, decimal)))
        axis.set_minor_formatter(NullFormatter())


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def scaling_chart(units: pa.Table, fits: list[tuple[str, ScalingFit]], t: Words, decimal: str) -> str:
    """Units on log-log axes (N against R), line and staff apart; each fit with its slope interval, and the
    sphere model's −1/3 through the first fit's centre for reference. ``fits`` pairs a unit kind with its fit."""
    label = labels(t)
    fig, ax = plt.subplots(figsize=(7.2, 4.6))
    n = np.array(units["persons"].to_pylist(), dtype=float)
    r = np.array([np.nan if v is None else v for v in units["R"].to_pylist()], dtype=float)
    kinds = units["kind"].to_pylist()
    ok = np.isfinite(r) & (r > 0) & (n > 0)
    for kind, name in (("line", t.gettext("line")), ("staff", t.gettext("staff")), (None, t.gettext("other"))):
        mask = ok & np.array([k == kind for k in kinds], dtype=bool)  # (bool also when there is no unit)
        if mask.any():
            ax.scatter(n[mask], r[mask], s=34, alpha=0.85, color=COLOURS[kind], label=name, edgecolor="white",
                       linewidth=0.6, zorder=3)  # fmt: skip
    for i, (kind, fit) in enumerate(fits):
        if fit.slope is None or fit.log_n_mean is None or fit.log_r_mean is None:
            continue
        mask = ok & (np.array([k == kind for k in kinds], dtype=bool) if kind in ("line", "staff") else True)
        xs = np.linspace(np.log(n[mask].min()), np.log(n[mask].max()), 50)
        colour = COLOURS.get(kind, "#222") if kind in ("line", "staff") else "#222"
        _fit_line(ax, fit, xs, colour,
                  t.gettext("%(which)s: slope %(slope)s", which=label["which"][kind],
                                                            slope=_slope_text(fit.slope, decimal)),
                  band_label=t.gettext("95%% interval of the slope") if i == 0 else None)  # fmt: skip
        if i == 0:
            _line(ax, xs, fit.log_n_mean, fit.log_r_mean, SPHERE_SLOPE, "#e09f3e",
                  t.gettext("sphere model, slope −1/3"), dashed=True)  # fmt: skip
    log_axes(ax, decimal)
    ax.set_xlabel(t.gettext("active persons in the unit (N)"))
    ax.set_ylabel(t.gettext("outwardness R (external / internal)"))
    ax.grid(True, which="major", alpha=0.25)
    if ax.get_legend_handles_labels()[0]:  # (no unit with R above zero: nothing to label)
        ax.legend(frameon=False, fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3)
    return _svg(fig)


def trend_chart(months: list[str], series: dict[str, list[float | None]], ylabel: str = "R",
                ymax: float | None = None) -> str:
    """A measure per month (outwardness by default), one line per series (channel, or line and staff)."""
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    palette = ["#222", "#1f6f8b", "#d1495b", "#e09f3e", "#66a182", "#8d99ae"]
    for i, (name, values) in enumerate(series.items()):
        ys = [np.nan if v is None else v for v in values]
        ax.plot(range(len(months)), ys, marker="o", ms=3, lw=2.2 if i == 0 else 1.4, color=palette[i % 6],
                label=name)  # fmt: skip
    step = max(1, len(months) // 12)
    ax.set_xticks(range(0, len(months), step))
    ax.set_xticklabels(months[::step], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0, top=ymax)
    ax.grid(True, alpha=0.25)
    ax.legend(frameon=False, fontsize=8.5, ncol=min(4, len(series)))
    return _svg(fig)


def change_chart(series: dict[str, dict[int, float]], event: int, label: str, ylabel: str, decimal: str) -> str:
    """Weekly series (name -> week number, counted in weeks since the first Monday of the calendar -> value; the
    first the affected one, drawn heavier) with the event's week marked by a vertical line and its label; the
    months on the time axis, plain numbers on the other."""
    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    palette = ["#d1495b", "#8d99ae", "#1f6f8b"]
    for i, (name, values) in enumerate(series.items()):
        weeks = sorted(values)
        ax.plot(weeks, [values[w] for w in weeks], marker="o", ms=2.5, lw=2.0 if i == 0 else 1.3,
                color=palette[i % len(palette)], label=name)  # fmt: skip
    ax.axvline(event, color="#1d2433", lw=1.2, ls="--")
    ax.annotate(label if len(label) <= 60 else label[:57] + "…", xy=(event, 1), xycoords=("data", "axes fraction"),
                xytext=(4, -2), textcoords="offset points", fontsize=8, va="top")  # fmt: skip
    weeks = sorted({w for values in series.values() for w in values})
    months = {}  # a month's tick at its first Monday (week w's Monday is day w * 7 + 1 of the calendar)
    for w in weeks:
        if (monday := date.fromordinal(w * 7 + 1)).day <= 7:
            months[monday.strftime("%Y-%m")] = w
    step = max(1, len(months) // 12)
    ax.set_xticks(list(months.values())[::step], list(months)[::step], rotation=45, ha="right", fontsize=8)
    ax.set_ylim(bottom=0)
    ticks = [v for v in ax.get_yticks() if ax.get_ylim()[0] <= v <= ax.get_ylim()[1]]
    gap = float(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    digits = max(0, -math.floor(math.log10(gap) + 1e-9))  # as many decimals as the step between ticks needs
    ax.set_yticks(ticks, [f"{v:,.{digits}f}".replace(",", "_").replace(".", decimal)
                          .replace("_", "." if decimal == "," else ",") for v in ticks])  # fmt: skip
    ax.set_ylabel(textwrap.fill(ylabel, 32), fontsize=8.5)
    ax.grid(True, alpha=0.25)
    ax.legend(frameon=False, fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2)
    return _svg(fig)


def _floats(table: pa.Table, column: str) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in table[column].to_pylist()], dtype=float)


def _line(ax: Any, xs: np.ndarray, cx: float, cy: float, slope: float, colour: str, label: str | None,
          dashed: bool = False, band: tuple[float, float] | None = None, band_label: str | None = None) -> None:
    """A power law through (e^cx, e^cy) over log sizes ``xs``, with the band of slopes ``band`` if given."""
    ax.plot(np.exp(xs), np.exp(cy + slope * (xs - cx)), color=colour, lw=2, ls="--" if dashed else "-",
            label=label, zorder=4)  # fmt: skip
    if band is not None:
        lo, hi = cy + band[0] * (xs - cx), cy + band[1] * (xs - cx)
        ax.fill_between(np.exp(xs), np.exp(np.minimum(lo, hi)), np.exp(np.maximum(lo, hi)), color=colour,
                        alpha=0.12, zorder=2, label=band_label)  # fmt: skip


def _fit_line(ax: Any, fit: ScalingFit, xs: np.ndarray, colour: str, label: str, band_label: str | None = None) -> None:
    """A fit's line through its centroid, with its 95% interval as a band."""
    if fit.slope is None or fit.log_n_mean is None or fit.log_r_mean is None:
        return
    band = (fit.ci_low, fit.ci_high) if fit.ci_low is not None and fit.ci_high is not None else None
    _line(ax, xs, fit.log_n_mean, fit.log_r_mean, fit.slope, colour, label, band=band, band_label=band_label)


def _finish(ax: Any, xlabel: str, ylabel: str, decimal: str) -> None:
    log_axes(ax, decimal)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.25)
    ax.legend(frameon=False, fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)


def null_chart(nulls: pa.Table, fit: ScalingFit | None, t: Words, decimal: str) -> str:
    """Each unit's B (boundary / inside contacts) against its size, next to what random mixing expects for
    it; the observed fit with its band, and the line through the expected values."""
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    n, b, e = _floats(nulls, "persons"), _floats(nulls, "B"), _floats(nulls, "B_mixing")
    ok = np.isfinite(n) & (n > 0) & np.isfinite(b) & (b > 0) & np.isfinite(e) & (e > 0)
    for i in np.flatnonzero(ok):
        ax.plot([n[i], n[i]], [b[i], e[i]], color="#c5cad3", lw=0.8, zorder=1)
    ax.scatter(n[ok], e[ok], s=30, facecolor="white", edgecolor="#5c677d", linewidth=1.1, zorder=3,
               label=t.gettext("expected under random mixing"))  # fmt: skip
    ax.scatter(n[ok], b[ok], s=34, color=COLOURS["line"], edgecolor="white", linewidth=0.6, zorder=3,
               label=t.gettext("observed"))  # fmt: skip
    if fit is not None and fit.slope is not None and ok.any():
        xs = np.linspace(np.log(n[ok].min()), np.log(n[ok].max()), 50)
        _fit_line(ax, fit, xs, COLOURS["line"],
                  t.gettext("observed: slope %(slope)s", slope=_slope_text(fit.slope, decimal)))
        if fit.null_slope is not None:  # through the centroid of the expected values
            _line(ax, xs, float(np.log(n[ok]).mean()), float(np.log(e[ok]).mean()), fit.null_slope, "#5c677d",
                  t.gettext("random mixing: slope %(slope)s", slope=_slope_text(fit.null_slope, decimal)),
                  dashed=True)  # fmt: skip
    _finish(ax, t.gettext("active persons in the unit (N)"), t.gettext("B = (other units + outside) / within unit"),
            decimal)
    return _svg(fig)


def rent_chart(subtrees: pa.Table, rent: RentFit, t: Words, decimal: str) -> str:
    """Every subtree's boundary contacts against its size, coloured by level; the Rent fit where the law
    holds, and the sphere's p = 2/3 for reference."""
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    n, edge = _floats(subtrees, "persons"), _floats(subtrees, "boundary")
    depth = np.array([-1 if v is None else v for v in subtrees["depth"].to_pylist()])
    ok = np.isfinite(n) & (n > 0) & np.isfinite(edge) & (edge > 0)
    palette = ["#1d2433", "#1f6f8b", "#66a182", "#e09f3e", "#d1495b", "#8d99ae"]
    for d in sorted(set(depth[ok].tolist())):
        mask = ok & (depth == d)
        ax.scatter(n[mask], edge[mask], s=34, color=palette[d % len(palette)], edgecolor="white", linewidth=0.6,
                   zorder=3, label=t.gettext("subtrees at level %(d)s", d=d))  # fmt: skip
    fit = rent.p
    if fit.slope is not None and fit.log_n_mean is not None and fit.log_r_mean is not None and ok.any():
        xs = np.linspace(np.log(n[ok].min()), np.log(n[ok].max()), 50)
        _fit_line(ax, fit, xs, "#1d2433", t.gettext("fit: p = %(p)s", p=_slope_text(fit.slope, decimal)))
        _line(ax, xs, fit.log_n_mean, fit.log_r_mean, 2 / 3, "#e09f3e", t.gettext("sphere, p = 2/3"), dashed=True)
    _finish(ax, t.gettext("active persons in the unit (N)"), t.gettext("contacts crossing the subtree's boundary"),
            decimal)
    return _svg(fig)
