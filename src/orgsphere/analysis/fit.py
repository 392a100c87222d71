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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..fits import MIN_POINTS_FOR_FIT, MIN_SIZE_SPAN, ScalingFit, sphere_slope_of

__all__ = ["fit_power", "fit_scaling"]

THEIL_SEN_MAX_POINTS = 3000  # Theil–Sen looks at every pair of points; above this a seeded sample of points
BOOTSTRAP_BATCH = 250


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
    from scipy import stats  # (here: importing scipy.stats takes a second, which every command would pay)

    slope, _, low, high = stats.theilslopes(y, x, alpha=0.95)
    return float(slope), float(low), float(high), note


def fit_power(size: np.ndarray, value: np.ndarray, *, samples: int, seed: int, measure: str = "R",
              channel: str = "all", kind: str = "all", scope: str = "units", null_value: np.ndarray | None = None,
              null_model: str = "") -> ScalingFit:  # fmt: skip
    """Fit log value = a + b log size over the points where both are positive and finite.

    ``null_value``: a null model's expected value at every point (same order); the fit then reports the
    null model's slope and the paired-bootstrap interval of the difference over the points where the null
    model has a positive expected value. The observed fit does not depend on it: it is the same, over all
    its points, beside every null model (a note says how many points a null model could not use)."""
    n = np.asarray(size, dtype=float)
    r = np.asarray(value, dtype=float)
    usable = np.isfinite(r) & np.isfinite(n) & (n > 0)
    zero = usable & (r <= 0)
    ok = usable & (r > 0)
    x, y = np.log(n[ok]), np.log(r[ok])
    n_units, n_zero = int(ok.sum()), int(zero.sum())
    null_name = null_model if null_value is not None else ""
    span = float(n[ok].max() / n[ok].min()) if n_units else None

    def without_slope(thin: str, note: str) -> ScalingFit:
        return ScalingFit(measure=measure, channel=channel, kind=kind, scope=scope, n_units=n_units, n_zero=n_zero,
                          null_model=null_name, slope=None, intercept=None, ci_low=None, ci_high=None, r2=None,
                          thin=thin, note=note, size_span=span)  # fmt: skip

    if ok.sum() == 0 and zero.sum() > 0:
        return without_slope("zero", f"no {scope[:-1] if scope.endswith('s') else scope} has {measure} above zero "
                                     f"here ({measure} = 0 everywhere)")  # fmt: skip
    if ok.sum() < MIN_POINTS_FOR_FIT:
        return without_slope("few", f"too few {scope} with a value above zero ({int(ok.sum())}; "
                                    f"need {MIN_POINTS_FOR_FIT}) for a fit")  # fmt: skip
    if np.ptp(x) == 0:
        return without_slope("same_size", f"all {scope} have the same size; no slope can be fitted")
    slope = float(_slopes(x[None, :], y[None, :])[0])
    intercept = float(y.mean() - slope * x.mean())
    residual = y - (intercept + slope * x)
    total = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((residual**2).sum()) / total if total > 0 else 1.0
    rng = np.random.default_rng(seed)
    slopes = _boot_slopes(x, y, samples, rng)
    low, high = (float(v) for v in np.percentile(slopes, [2.5, 97.5]))
    robust, r_low, r_high, robust_note = _theil_sen(x, y, rng)
    notes = [f"{int(zero.sum())} {scope} with y = 0 left out (log 0 is undefined)"] if zero.sum() else []
    if robust_note:
        notes.append(robust_note)
    thin = ""
    if span is not None and span < MIN_SIZE_SPAN:
        thin = "narrow"
        notes.append(f"sizes span only a factor {span:.2f} (largest / smallest; need {MIN_SIZE_SPAN:g}): "
                     "too little spread for a slope")  # fmt: skip
    null_slope = diff_low = diff_high = null_points = None
    if null_value is not None:
        e = np.asarray(null_value, dtype=float)[ok]
        has = np.isfinite(e) & (e > 0)
        null_points = int(has.sum())
        if null_points < len(x):
            notes.append(f"{len(x) - null_points} {scope} without an expected value under {null_name or 'the null'} "
                         "left out of the comparison with it")  # fmt: skip
        if null_points >= MIN_POINTS_FOR_FIT and np.ptp(x[has]) > 0:
            null_slope, diff_low, diff_high = _against_null(x[has], y[has], np.log(e[has]), samples, rng)
    return ScalingFit(measure=measure, channel=channel, kind=kind, scope=scope, n_units=n_units, n_zero=n_zero,
                      null_model=null_name, slope=slope, intercept=intercept, ci_low=low, ci_high=high, r2=r2,
                      note="; ".join(notes), log_n_mean=float(x.mean()), log_r_mean=float(y.mean()),
                      robust_slope=robust, robust_low=r_low, robust_high=r_high,
                      p_sphere=_p_value(slopes, sphere_slope_of(measure)), p_zero=_p_value(slopes, 0.0),
                      null_slope=null_slope, diff_low=diff_low, diff_high=diff_high, thin=thin, size_span=span,
                      null_points=null_points)  # fmt: skip


def _boot_slopes(x: np.ndarray, y: np.ndarray, samples: int, rng: np.random.Generator) -> np.ndarray:
    """The OLS slopes of ``samples`` resamples of the points (those with no spread in x left out)."""
    boot = []
    for start in range(0, samples, BOOTSTRAP_BATCH):  # batches keep memory flat for 10,000s of points
        idx = rng.integers(0, len(x), size=(min(BOOTSTRAP_BATCH, samples - start), len(x)))
        boot.append(_slopes(x[idx], y[idx]))
    slopes = np.concatenate(boot)
    return slopes[np.isfinite(slopes)]


def _against_null(x: np.ndarray, y: np.ndarray, ey: np.ndarray, samples: int,
                  rng: np.random.Generator) -> tuple[float, float, float]:  # fmt: skip
    """The null model's slope over the points, and the paired-bootstrap 95% interval of observed − null."""
    diff = []
    for start in range(0, samples, BOOTSTRAP_BATCH):
        idx = rng.integers(0, len(x), size=(min(BOOTSTRAP_BATCH, samples - start), len(x)))
        diff.append(_slopes(x[idx], y[idx]) - _slopes(x[idx], ey[idx]))
    d = np.concatenate(diff)
    d = d[np.isfinite(d)]
    null_slope = float(_slopes(x[None, :], ey[None, :])[0])
    return null_slope, float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))


def _column(points: pa.Table, name: str) -> np.ndarray:
    return np.asarray(pc.fill_null(points.column(name).cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False))


def fit_scaling(points: pa.Table, measure: str, channel: str, kind: str, samples: int, seed: int,
                size: str = "persons", scope: str = "units", null: str | None = None,
                null_model: str = "") -> ScalingFit:  # fmt: skip
    """:func:`fit_power` over the rows of a table (one row per point; null values are left out)."""
    return fit_power(_column(points, size), _column(points, measure), samples=samples, seed=seed, measure=measure,
                     channel=channel, kind=kind, scope=scope,
                     null_value=_column(points, null) if null else None, null_model=null_model)  # fmt: skip
