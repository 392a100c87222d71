"""The results of power-law fits as plain values: a scaling fit (slope, intervals, the null model's slope) and a
Rent fit, their one-word verdicts and one-line descriptions. Low in the house: results, the report and the CLI
read these types without importing the fitting itself (``orgsphere.analysis.fit``, ``orgsphere.analysis.rent``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = [
    "SPHERE_SLOPE", "MIN_POINTS_FOR_FIT", "VERDICTS", "THIN", "ScalingFit", "RentFit", "verdict", "describe",
    "json_ready", "dimension_from_rent",
]  # fmt: skip

SPHERE_SLOPE = -1.0 / 3.0
MIN_POINTS_FOR_FIT = 5
VERDICTS = ("thin", "null", "sphere", "flat", "steeper", "flatter")
THIN = ("zero", "few", "same_size")  # no point above zero; fewer than MIN_POINTS_FOR_FIT; no spread in size


@dataclass(frozen=True)
class ScalingFit:
    """One fit of log y = intercept + slope · log N, with what went in and how sure it is."""

    measure: str
    channel: str
    kind: str  # which groups: all, line or staff
    n_units: int  # points in the fit (units, subtrees, organisations or months)
    n_zero: int  # points left out because y = 0
    slope: float | None
    intercept: float | None
    ci_low: float | None
    ci_high: float | None
    r2: float | None
    note: str
    log_n_mean: float | None = None  # the centroid the fitted line passes through
    log_r_mean: float | None = None
    scope: str = "units"  # what the points are
    robust_slope: float | None = None  # Theil–Sen
    robust_low: float | None = None
    robust_high: float | None = None
    p_sphere: float | None = None  # bootstrap p-value of slope = −1/3
    p_zero: float | None = None  # bootstrap p-value of slope = 0
    null_slope: float | None = None  # slope of the null model's expected values over the same points
    diff_low: float | None = None  # 95% interval of (observed − null) slope, paired bootstrap
    diff_high: float | None = None
    null_model: str = ""
    thin: str = ""  # why there is no slope, for those who word it: "zero", "few" or "same_size" (see THIN)

    @property
    def sphere_in_interval(self) -> bool | None:
        if self.ci_low is None or self.ci_high is None:
            return None
        return self.ci_low <= SPHERE_SLOPE <= self.ci_high

    @property
    def zero_in_interval(self) -> bool | None:
        if self.ci_low is None or self.ci_high is None:
            return None
        return self.ci_low <= 0.0 <= self.ci_high

    @property
    def differs_from_null(self) -> bool | None:
        if self.diff_low is None or self.diff_high is None:
            return None
        return not (self.diff_low <= 0.0 <= self.diff_high)

    @property
    def verdict(self) -> str:
        return verdict(self)

    def to_dict(self) -> dict[str, Any]:
        """Every field, the interval checks and the verdict as plain values for JSON (``orgsphere analyse
        --json``); a slope that could not be fitted is null, with the reason in ``note`` and ``thin``."""
        return json_ready({**asdict(self), "sphere_in_interval": self.sphere_in_interval,
                           "zero_in_interval": self.zero_in_interval, "differs_from_null": self.differs_from_null,
                           "verdict": self.verdict})  # fmt: skip


def json_ready(value: Any) -> Any:
    """``value`` with NaN and infinite floats as None (JSON has no NaN) and numpy scalars as Python ones,
    through dicts, lists and tuples."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def verdict(fit: ScalingFit) -> str:
    """What a fit says, in one word: thin (no fit), null (a null model gives the same slope: arithmetic),
    sphere (−1/3 inside the interval and 0 outside it), flat (0 inside), steeper or flatter than −1/3."""
    if fit.slope is None:
        return "thin"
    if fit.differs_from_null is False:
        return "null"
    if fit.sphere_in_interval and not fit.zero_in_interval:
        return "sphere"
    if fit.zero_in_interval:
        return "flat"
    return "steeper" if (fit.ci_high or 0.0) < SPHERE_SLOPE else "flatter"


def describe(fit: ScalingFit, what: str) -> str:
    """One line of text for a fit: slope, interval, robust slope, p-values, the null model and the verdict."""
    if fit.slope is None:
        return f"{what}: {fit.note}"
    text = (f"{what} (n={fit.n_units}): slope {fit.slope:+.3f} [95% {fit.ci_low:+.3f}, {fit.ci_high:+.3f}], "
            f"robust {fit.robust_slope:+.3f}; p(slope = -1/3) = {fit.p_sphere:.3f}, "
            f"p(slope = 0) = {fit.p_zero:.3f}")  # fmt: skip
    if fit.null_slope is not None:
        model = {"mixing": "random mixing", "rewired": "rewiring"}.get(fit.null_model, fit.null_model)
        text += f"; {model} {fit.null_slope:+.3f}, difference [{fit.diff_low:+.3f}, {fit.diff_high:+.3f}]"
    return f"{text} -> {fit.verdict}"


@dataclass(frozen=True)
class RentFit:
    fit: ScalingFit  # over every subtree
    inner: ScalingFit | None  # over the subtrees from ``break_depth`` down, when the law breaks above it
    break_depth: int | None  # shallowest level where the law holds; None: it holds everywhere (or no fit)
    level_residuals: list[dict[str, float | int]]

    @property
    def p(self) -> ScalingFit:
        """The fit to quote: over the levels where the power law holds."""
        return self.inner if self.inner is not None and self.inner.slope is not None else self.fit


def dimension_from_rent(p: float | None) -> float | None:
    """The ball dimension d with the same Rent exponent: p = (d − 1)/d, so d = 1/(1 − p) (p < 1 only)."""
    if p is None or p >= 1.0:
        return None
    return 1.0 / (1.0 - p)
