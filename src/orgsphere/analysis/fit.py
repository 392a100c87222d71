"""Power-law fits: the slope of log y against log N over groups, with intervals that resample the groups.

Iske's sphere model predicts −1/3 for outwardness against size (external contacts at the surface, r²;
internal ones in the volume, r³). A fit here is made over points that vary between organisations of
units: units, the subtrees at one level, whole organisations or months; the bootstrap resamples those
points, never the interactions inside them.

Each fit carries: the ordinary least-squares slope with a percentile-bootstrap 95% interval; a robust
slope (Theil–Sen, with Sen's interval) that a few odd units cannot drag; two-sided bootstrap p-values of
the slope against −1/3 and against 0; and, when a null model's expected values are given for the same
points, the null model's slope and the paired-bootstrap interval of the difference (observed − null). A
slope that a null model reproduces is arithmetic, not a finding (see :func:`verdict`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import stats

__all__ = [
    "SPHERE_SLOPE", "ScalingFit", "fit_power", "fit_scaling", "verdict", "describe", "MIN_POINTS_FOR_FIT", "VERDICTS",
    "THIN", "json_ready",
]  # fmt: skip

SPHERE_SLOPE = -1.0 / 3.0
MIN_POINTS_FOR_FIT = 5
THEIL_SEN_MAX_POINTS = 3000  # Theil–Sen looks at every pair of points; above this a seeded sample of points
BOOTSTRAP_BATCH = 250
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
            f"robust {fit.robust_slope:+.3f}; p(slope = -1/3) = {fit.p_sphere:.3f}, p(slope = 0) = {fit.p_zero:.3f}")  # fmt: skip
    if fit.null_slope is not None:
        model = {"mixing": "random mixing", "rewired": "rewiring"}.get(fit.null_model, fit.null_model)
        text += f"; {model} {fit.null_slope:+.3f}, difference [{fit.diff_low:+.3f}, {fit.diff_high:+.3f}]"
    return f"{text} -> {fit.verdict}"


def _slopes(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """OLS slopes row by row (NaN where a resample has no spread in x)."""
    xm, ym = xs.mean(axis=1, keepdims=True), ys.mean(axis=1, keepdims=True)
    sxx = ((xs - xm) ** 2).sum(axis=1)
    sxy = ((xs - xm) * (ys - ym)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sxx > 0, sxy / np.where(sxx > 0, sxx, 1.0), np.nan)


def _p_value(boot: np.ndarray, value: float) -> float:
    """Two-sided percentile-bootstrap p-value of slope = value (consistent with the percentile interval)."""
    share = min(float(np.mean(boot <= value)), float(np.mean(boot >= value)))
    return min(1.0, max(2.0 * share, 1.0 / (len(boot) + 1)))


def _theil_sen(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[float, float, float, str]:
    note = ""
    if len(x) > THEIL_SEN_MAX_POINTS:
        pick = rng.choice(len(x), THEIL_SEN_MAX_POINTS, replace=False)
        x, y = x[pick], y[pick]
        note = f"robust slope from a seeded sample of {THEIL_SEN_MAX_POINTS} points"
    slope, _, low, high = stats.theilslopes(y, x, alpha=0.95)
    return float(slope), float(low), float(high), note


def fit_power(size: np.ndarray, value: np.ndarray, *, samples: int, seed: int, measure: str = "R",
              channel: str = "all", kind: str = "all", scope: str = "units", null_value: np.ndarray | None = None,
              null_model: str = "") -> ScalingFit:  # fmt: skip
    """Fit log value = a + b log size over the points where both are positive and finite.

    ``null_value``: a null model's expected value at every point (same order); the fit then reports the
    null model's slope over the same points and the paired-bootstrap interval of the difference."""
    n = np.asarray(size, dtype=float)
    r = np.asarray(value, dtype=float)
    usable = np.isfinite(r) & np.isfinite(n) & (n > 0)
    zero = usable & (r <= 0)
    ok = usable & (r > 0)
    if null_value is not None:
        e = np.asarray(null_value, dtype=float)
        ok &= np.isfinite(e) & (e > 0)
    x, y = np.log(n[ok]), np.log(r[ok])
    base = {"measure": measure, "channel": channel, "kind": kind, "scope": scope, "n_units": int(ok.sum()),
            "n_zero": int(zero.sum()), "null_model": null_model if null_value is not None else ""}  # fmt: skip
    empty = {"slope": None, "intercept": None, "ci_low": None, "ci_high": None, "r2": None}
    if ok.sum() == 0 and zero.sum() > 0:
        return ScalingFit(**base, **empty, thin="zero", note=f"no {scope[:-1] if scope.endswith('s') else scope} has "
                          f"{measure} above zero here ({measure} = 0 everywhere)")  # fmt: skip
    if ok.sum() < MIN_POINTS_FOR_FIT:
        return ScalingFit(**base, **empty, thin="few", note=f"too few {scope} with a value above zero ({int(ok.sum())}; "
                          f"need {MIN_POINTS_FOR_FIT}) for a fit")  # fmt: skip
    if np.ptp(x) == 0:
        return ScalingFit(**base, **empty, thin="same_size", note=f"all {scope} have the same size; no slope can be fitted")
    slope = float(_slopes(x[None, :], y[None, :])[0])
    intercept = float(y.mean() - slope * x.mean())
    residual = y - (intercept + slope * x)
    total = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((residual**2).sum()) / total if total > 0 else 1.0
    rng = np.random.default_rng(seed)
    ey = np.log(np.asarray(null_value, dtype=float)[ok]) if null_value is not None else None
    boot, diff = [], []
    for start in range(0, samples, BOOTSTRAP_BATCH):  # batches keep memory flat for 10,000s of points
        idx = rng.integers(0, len(x), size=(min(BOOTSTRAP_BATCH, samples - start), len(x)))
        b = _slopes(x[idx], y[idx])
        boot.append(b)
        if ey is not None:
            diff.append(b - _slopes(x[idx], ey[idx]))
    slopes = np.concatenate(boot)
    keep = np.isfinite(slopes)
    slopes = slopes[keep]
    low, high = (float(v) for v in np.percentile(slopes, [2.5, 97.5]))
    robust, r_low, r_high, robust_note = _theil_sen(x, y, rng)
    notes = [f"{int(zero.sum())} {scope} with y = 0 left out (log 0 is undefined)"] if zero.sum() else []
    if robust_note:
        notes.append(robust_note)
    extra: dict[str, float | None] = {}
    if ey is not None:
        d = np.concatenate(diff)[keep]
        d = d[np.isfinite(d)]
        extra = {"null_slope": float(_slopes(x[None, :], ey[None, :])[0]),
                 "diff_low": float(np.percentile(d, 2.5)), "diff_high": float(np.percentile(d, 97.5))}  # fmt: skip
    return ScalingFit(**base, slope=slope, intercept=intercept, ci_low=low, ci_high=high, r2=r2,
                      note="; ".join(notes), log_n_mean=float(x.mean()), log_r_mean=float(y.mean()),
                      robust_slope=robust, robust_low=r_low, robust_high=r_high,
                      p_sphere=_p_value(slopes, SPHERE_SLOPE), p_zero=_p_value(slopes, 0.0), **extra)  # fmt: skip


def _column(points: pa.Table, name: str) -> np.ndarray:
    return np.asarray(pc.fill_null(points.column(name).cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False))


def fit_scaling(points: pa.Table, measure: str, channel: str, kind: str, samples: int, seed: int,
                size: str = "persons", scope: str = "units", null: str | None = None,
                null_model: str = "") -> ScalingFit:  # fmt: skip
    """:func:`fit_power` over the rows of a table (one row per point; null values are left out)."""
    return fit_power(_column(points, size), _column(points, measure), samples=samples, seed=seed, measure=measure,
                     channel=channel, kind=kind, scope=scope,
                     null_value=_column(points, null) if null else None, null_model=null_model)  # fmt: skip
