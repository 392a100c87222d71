"""Charts as inline SVG: tables in, SVG text out. Glyphs are drawn as paths, so no font is needed to view."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402

from ..analysis.fit import SPHERE_SLOPE, ScalingFit  # noqa: E402

__all__ = ["scaling_chart", "trend_chart"]

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


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def scaling_chart(units: pa.Table, fits: list[tuple[str, ScalingFit]], words: dict[str, str], decimal: str) -> str:
    """Units on log-log axes (N against R), line and staff apart; each fit with its slope interval, and the
    sphere model's −1/3 through the first fit's centre for reference. ``fits`` pairs a unit kind with its fit."""
    fig, ax = plt.subplots(figsize=(7.2, 4.6))
    n = np.array(units["persons"].to_pylist(), dtype=float)
    r = np.array([np.nan if v is None else v for v in units["R"].to_pylist()], dtype=float)
    kinds = units["kind"].to_pylist()
    ok = np.isfinite(r) & (r > 0) & (n > 0)
    for kind, label in (("line", words["line"]), ("staff", words["staff"]), (None, words["unranked"])):
        mask = ok & np.array([k == kind for k in kinds])
        if mask.any():
            ax.scatter(n[mask], r[mask], s=34, alpha=0.85, color=COLOURS[kind], label=label, edgecolor="white",
                       linewidth=0.6, zorder=3)  # fmt: skip
    for i, (kind, fit) in enumerate(fits):
        if fit.slope is None or fit.log_n_mean is None or fit.log_r_mean is None:
            continue
        mask = ok & (np.array([k == kind for k in kinds]) if kind in ("line", "staff") else True)
        xs = np.linspace(np.log(n[mask].min()), np.log(n[mask].max()), 50)
        cx, cy = fit.log_n_mean, fit.log_r_mean
        colour = COLOURS.get(kind, "#222") if kind in ("line", "staff") else "#222"
        slope_text = f"{fit.slope:.2f}".replace(".", decimal).replace("-", "−")
        ax.plot(np.exp(xs), np.exp(cy + fit.slope * (xs - cx)), color=colour, lw=2, zorder=4,
                label=words["plot_fit"].format(which=words[f"which_{kind}"], slope=slope_text))  # fmt: skip
        lo = cy + fit.ci_low * (xs - cx)  # type: ignore[operator]
        hi = cy + fit.ci_high * (xs - cx)  # type: ignore[operator]
        ax.fill_between(np.exp(xs), np.exp(np.minimum(lo, hi)), np.exp(np.maximum(lo, hi)), color=colour,
                        alpha=0.12, zorder=2, label=words["plot_band"] if i == 0 else None)  # fmt: skip
        if i == 0:
            ax.plot(np.exp(xs), np.exp(cy + SPHERE_SLOPE * (xs - cx)), color="#e09f3e", lw=2, ls="--",
                    label=words["plot_sphere"], zorder=4)  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(words["plot_x"])
    ax.set_ylabel(words["plot_y"])
    ax.grid(True, which="major", alpha=0.25)
    ax.legend(frameon=False, fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3)
    return _svg(fig)


def trend_chart(months: list[str], series: dict[str, list[float | None]], words: dict[str, str]) -> str:
    """Outwardness per month, one line per channel."""
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    palette = ["#222", "#1f6f8b", "#d1495b", "#e09f3e", "#66a182", "#8d99ae"]
    for i, (name, values) in enumerate(series.items()):
        ys = [np.nan if v is None else v for v in values]
        ax.plot(range(len(months)), ys, marker="o", ms=3, lw=2.2 if i == 0 else 1.4, color=palette[i % 6],
                label=name)  # fmt: skip
    step = max(1, len(months) // 12)
    ax.set_xticks(range(0, len(months), step))
    ax.set_xticklabels(months[::step], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("R")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.25)
    ax.legend(frameon=False, fontsize=8.5, ncol=min(4, len(series)))
    return _svg(fig)
