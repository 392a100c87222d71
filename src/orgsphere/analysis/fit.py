"""The sphere exponent: slope of log R against log N across units, with a bootstrap interval over units.

Iske's sphere model predicts -1/3 (external contacts at the surface, r^2; internal in the volume, r^3).
This first fit is ordinary least squares on the units that pass the minimum group size and have R > 0;
the interval resamples units (not interactions), which is what varies between organisations of units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["SPHERE_SLOPE", "ScalingFit", "fit_scaling", "MIN_UNITS_FOR_FIT"]

SPHERE_SLOPE = -1.0 / 3.0
MIN_UNITS_FOR_FIT = 5


@dataclass(frozen=True)
class ScalingFit:
    """One fit: slope (the exponent), intercept (log R at N = 1), the 95% interval and what went in."""

    measure: str
    channel: str
    kind: str  # which units: all, line or staff
    n_units: int
    n_zero: int
    slope: float | None
    intercept: float | None
    ci_low: float | None
    ci_high: float | None
    r2: float | None
    note: str
    log_n_mean: float | None = None  # the centroid the fitted line passes through
    log_r_mean: float | None = None

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


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    xm, ym = x.mean(), y.mean()
    sxx = float(((x - xm) ** 2).sum())
    slope = float(((x - xm) * (y - ym)).sum() / sxx)
    return slope, float(ym - slope * xm)


def fit_scaling(
    points: pa.Table, measure: str, channel: str, kind: str, samples: int, seed: int, size: str = "persons"
) -> ScalingFit:
    """Fit log R = a + b log N over the rows of ``points`` (one row per unit; null R rows are ignored)."""
    n = np.asarray(pc.fill_null(points.column(size), 0).to_numpy(zero_copy_only=False), dtype=float)
    r = np.asarray(pc.fill_null(points.column(measure), np.nan).to_numpy(zero_copy_only=False), dtype=float)
    usable = np.isfinite(r) & (n > 0)
    zero = usable & (r <= 0)
    ok = usable & (r > 0)
    x, y = np.log(n[ok]), np.log(r[ok])
    base = {"measure": measure, "channel": channel, "kind": kind, "n_units": int(ok.sum()), "n_zero": int(zero.sum())}
    empty = {"slope": None, "intercept": None, "ci_low": None, "ci_high": None, "r2": None}
    if ok.sum() == 0 and zero.sum() > 0:
        return ScalingFit(**base, **empty, note="no unit has any external contact here (R = 0 everywhere)")
    if ok.sum() < MIN_UNITS_FOR_FIT:
        return ScalingFit(**base, **empty, note=f"too few units with R > 0 ({int(ok.sum())}; need "
                          f"{MIN_UNITS_FOR_FIT}) for a fit")  # fmt: skip
    if np.ptp(x) == 0:
        return ScalingFit(**base, **empty, note="all units have the same size; no slope can be fitted")
    slope, intercept = _ols(x, y)
    residual = y - (intercept + slope * x)
    total = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((residual**2).sum()) / total if total > 0 else 1.0
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(samples, len(x)))
    xs, ys = x[idx], y[idx]
    xm, ym = xs.mean(axis=1, keepdims=True), ys.mean(axis=1, keepdims=True)
    sxx = ((xs - xm) ** 2).sum(axis=1)
    valid = sxx > 0
    slopes = ((xs - xm) * (ys - ym)).sum(axis=1)[valid] / sxx[valid]
    low, high = (float(v) for v in np.percentile(slopes, [2.5, 97.5]))
    note = "" if zero.sum() == 0 else f"{int(zero.sum())} units with R = 0 left out (log 0 is undefined)"
    return ScalingFit(**base, slope=slope, intercept=intercept, ci_low=low, ci_high=high, r2=r2, note=note,
                      log_n_mean=float(x.mean()), log_r_mean=float(y.mean()))  # fmt: skip
