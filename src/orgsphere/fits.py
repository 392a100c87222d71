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
    "MIN_POINTS", "SPHERE_SLOPE", "MIN_POINTS_FOR_FIT", "MIN_SIZE_SPAN", "VERDICTS", "THIN", "RENT_RANGES",
    "ScalingFit", "RentFit",
    "verdict", "verdict_of", "describe", "json_ready", "dimension_from_rent", "Dimension", "slope_dimension",
    "rent_dimension", "BOUNDARY", "sphere_slope_of",
]  # fmt: skip

SPHERE_SLOPE = -1.0 / 3.0
# Rent's boundary fit (contacts crossing a subtree's boundary T against its size g, T ~ g^p) says the same as a
# fit of B = T / intra ~ g^(p - 1): its verdict is that of p - 1, so the sphere is p = 2/3 and "flat" is p = 1
BOUNDARY = "boundary"


def sphere_slope_of(measure: str) -> float:
    """The slope the sphere law predicts for a measure: 2/3 for Rent's boundary contacts, −1/3 for R, B and
    the other ratios."""
    return 1.0 + SPHERE_SLOPE if measure == BOUNDARY else SPHERE_SLOPE
MIN_POINTS_FOR_FIT = 5
# A slope needs sizes that differ: over sizes within a factor 2 of each other log N spans less than 0.7, and
# a few odd points tilt the line anywhere (five units of 756-757 people gave a "slope" of -79.6). Below this
# ratio of the largest size to the smallest, a fit is thin whatever its interval says.
MIN_SIZE_SPAN = 2.0
# A law read from a fit (a headline, Rent's rule, a dimension) needs this many points: a bootstrap interval over
# five or so points swings with every odd unit (five units once gave "N^1.19, 95% interval -0.86 to 2.45" as the
# lead finding)
MIN_POINTS = 10
# What a fit says, from its 95% interval (and the null model's): see verdict_of
VERDICTS = ("thin", "null", "undecided", "steeper", "sphere", "flatter", "flat", "rising")
# why a fit is thin: no point above zero; fewer than MIN_POINTS_FOR_FIT; no spread in size; a spread below MIN_SIZE_SPAN
THIN = ("zero", "few", "same_size", "narrow")
# Rent's p against the rule's range (0, 1]: in range, outside it, or no usable fit
RENT_RANGES = ("in_range", "outside", "thin")


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
    thin: str = ""  # why the fit is thin, for those who word it: "zero", "few", "same_size" or "narrow" (see THIN)
    size_span: float | None = None  # largest size / smallest size over the points fitted
    null_points: int | None = None  # points the null model could use (it leaves out those with no expected value)

    @property
    def sphere_in_interval(self) -> bool | None:
        if self.ci_low is None or self.ci_high is None:
            return None
        return self.ci_low <= sphere_slope_of(self.measure) <= self.ci_high

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

    def record(self) -> dict[str, Any]:
        """Every field, the interval checks and the verdict: one row of the fits table."""
        return {**asdict(self), "sphere_in_interval": self.sphere_in_interval,
                "zero_in_interval": self.zero_in_interval, "differs_from_null": self.differs_from_null,
                "verdict": self.verdict}  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """:meth:`record` as plain values for JSON (``orgsphere analyse --json``); a slope that could not be
        fitted is null, with the reason in ``note`` and ``thin``."""
        return json_ready(self.record())


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


def verdict_of(ci_low: float | None, ci_high: float | None, size_span: float | None,
               differs_from_null: bool | None = None) -> str:  # fmt: skip
    """What a 95% interval of a slope says, in one word (one of :data:`VERDICTS`), a pure function of the
    interval, the span of sizes and whether a null model gives another slope:

    thin (no interval, or sizes spanning less than :data:`MIN_SIZE_SPAN`, whatever the interval says); null (the
    null model's slope lies inside the interval of the difference: arithmetic, not a finding); undecided (the
    interval holds both −1/3 and 0: the data cannot tell them apart); sphere (−1/3 inside, 0 outside); steeper
    (the whole interval below −1/3); flatter (between −1/3 and 0, both outside); flat (0 inside, −1/3 outside);
    rising (the whole interval above 0)."""
    if ci_low is None or ci_high is None or size_span is None or not size_span >= MIN_SIZE_SPAN:
        return "thin"
    if not (math.isfinite(ci_low) and math.isfinite(ci_high)):
        return "thin"
    if differs_from_null is False:
        return "null"
    sphere, zero = ci_low <= SPHERE_SLOPE <= ci_high, ci_low <= 0.0 <= ci_high
    if sphere and zero:
        return "undecided"
    if sphere:
        return "sphere"
    if zero:
        return "flat"
    if ci_high < SPHERE_SLOPE:
        return "steeper"
    return "rising" if ci_low > 0.0 else "flatter"


def verdict(fit: ScalingFit) -> str:
    """What a fit says, in one word: :func:`verdict_of` its interval (thin where there is no slope)."""
    if fit.slope is None:
        return "thin"
    if fit.measure == BOUNDARY and fit.ci_low is not None and fit.ci_high is not None:  # (as B: p − 1)
        return verdict_of(fit.ci_low - 1.0, fit.ci_high - 1.0, fit.size_span, fit.differs_from_null)
    return verdict_of(fit.ci_low, fit.ci_high, fit.size_span, fit.differs_from_null)


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
    if fit.thin:
        text += f"; thin ({fit.thin}): {fit.note}"
    return f"{text} -> {fit.verdict}"


@dataclass(frozen=True)
class RentFit:
    """Rent's rule over the subtrees: the fit over all of them, the fit below the level where it breaks, and
    each level's mean residual; :attr:`range` says whether p lies where the rule means anything."""

    fit: ScalingFit  # over every subtree
    inner: ScalingFit | None  # over the subtrees from ``break_depth`` down, when the law breaks above it
    break_depth: int | None  # shallowest level where the law holds; None: it holds everywhere (or no fit)
    level_residuals: list[dict[str, float | int]]

    @property
    def p(self) -> ScalingFit:
        """The fit to quote: over the levels where the power law holds."""
        return self.inner if self.inner is not None and self.inner.slope is not None else self.fit

    @property
    def range(self) -> str:
        """One of :data:`RENT_RANGES`: thin (no slope, or the fit is thin), outside (p not in (0, 1]: a block's
        boundary cannot grow faster than the block, nor shrink as it grows; the rule does not apply), in_range."""
        p = self.p
        if p.slope is None or p.verdict == "thin" or p.n_units < MIN_POINTS:
            return "thin"
        return "in_range" if 0.0 < p.slope <= 1.0 else "outside"


def dimension_from_rent(p: float | None) -> float | None:
    """The ball dimension d with the same Rent exponent: p = (d − 1)/d, so d = 1/(1 − p) (p < 1 only)."""
    if p is None or p >= 1.0:
        return None
    return 1.0 / (1.0 - p)


@dataclass(frozen=True)
class Dimension:
    """A ball dimension read from an exponent, with the dimensions of its interval's ends."""

    d: float
    low: float
    high: float


def _readable(d: float | None, ends: tuple[float | None, float | None]) -> Dimension | None:
    """The dimension only where it and both ends of its interval are finite and at least 1 (a ball of
    dimension below 1 means nothing, and an unbounded end says the interval cannot place it)."""
    values = (d, *ends)
    if any(v is None or not math.isfinite(v) or v < 1.0 for v in values):
        return None
    low, high = sorted(v for v in ends if v is not None)
    return Dimension(d=float(d or 0.0), low=low, high=high)


def slope_dimension(fit: ScalingFit) -> Dimension | None:
    """The ball dimension whose sphere exponent −1/d is the fit's slope, where it can be read: the slope and
    both ends of its interval between −1 and 0 (and the fit not thin, nor arithmetic)."""
    if fit.slope is None or fit.verdict in ("thin", "null") or fit.n_units < MIN_POINTS:
        return None

    def d(s: float | None) -> float | None:
        return None if s is None or s >= 0.0 else -1.0 / s

    return _readable(d(fit.slope), (d(fit.ci_low), d(fit.ci_high)))


def rent_dimension(rent: RentFit) -> Dimension | None:
    """The ball dimension of Rent's p = (d − 1)/d, where it can be read: p in the rule's range and both ends
    of its interval between 0 and 1."""
    p = rent.p
    if rent.range != "in_range":
        return None
    return _readable(dimension_from_rent(p.slope), (dimension_from_rent(p.ci_low), dimension_from_rent(p.ci_high)))
