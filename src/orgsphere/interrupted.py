"""Interrupted time series: did a weekly measure change when an event happened?

One series (a measure of one unit, relation or the organisation, week by week) is fitted with a segmented
regression (statsmodels OLS): a level and a trend before the event, and from the event's week on a change in
level and a change in slope::

    y_t = b0 + b1 t + level * [t >= e] + slope * (t - e) [t >= e] + error

The interval of each change is Newey-West's (``cov_type="HAC"``, Bartlett kernel, the usual lag rule
``floor(4 (n / 100)^(2/9))``, small-sample correction and t quantiles): weekly figures of an organisation are
autocorrelated, and an interval that assumed independent weeks would claim changes that are only the series'
own swings.

The interval alone is not trusted: the same level change is estimated at placebo dates, every week at least
``min_segment`` weeks from the event and from both ends of the series, with the event's own segments held in
the model (so the real change does not leak into its placebos). The event's change is then ranked among
theirs: ``placebo_p`` = (1 + placebos at least as large in absolute value) / (1 + placebos), an empirical
p-value that needs no model of the errors. A change is claimed (verdict ``effect``) only when its interval
excludes 0 and it stands out from the placebos (``placebo_p`` <= 0.05); an interval that excludes 0 while the
placebos swing as much is ``unclear``; fewer weeks than the rules need give ``too_few_weeks`` and no numbers.

A difference-in-differences (comparative interrupted time series) is the same estimate on the difference
between the affected series and the mean of the unaffected ones, week by week: what the comparison group
did in the same weeks (the season, a holiday, an organisation-wide change) drops out.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = ["SeriesRules", "Effect", "estimate", "difference", "control_means", "subtract", "VERDICTS", "ALPHA"]

VERDICTS = ("effect", "no_effect", "unclear", "too_few_weeks")
ALPHA = 0.05


@dataclass(frozen=True)
class SeriesRules:
    """How long a series must be to say anything (settings ``effect_min_weeks``, ``effect_min_segment``)."""

    min_weeks: int = 26  # weeks with a value in the whole series
    min_segment: int = 6  # weeks with a value before the event, and from it on; also placebos' distance


@dataclass(frozen=True)
class Effect:
    """The change of one series at one event; every number None where the verdict is ``too_few_weeks``."""

    verdict: str
    weeks_before: int
    weeks_after: int
    before: float | None = None  # the mean before the event
    level: float | None = None  # the change in level at the event
    level_low: float | None = None
    level_high: float | None = None
    slope: float | None = None  # the change in slope, per week
    slope_low: float | None = None
    slope_high: float | None = None
    placebos: int = 0
    placebo_low: float | None = None  # the 2.5th and 97.5th percentiles of the placebos' level changes
    placebo_high: float | None = None
    placebo_p: float | None = None  # the event's rank among them (empirical two-sided p-value)

    def record(self) -> dict[str, Any]:
        return asdict(self)


def _lags(n: int) -> int:
    return max(1, int(math.floor(4 * (n / 100) ** (2 / 9))))


def _design(t: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    columns = [np.ones_like(t), t]
    for b in breaks:
        after = (t >= b).astype(float)
        columns += [after, (t - b) * after]
    return np.column_stack(columns)


def _placebo_levels(t: np.ndarray, y: np.ndarray, event: float, gap: int) -> np.ndarray:
    """The level change at every placebo week (OLS point estimates, the event's segments in the model)."""
    first, last = t.min(), t.max()
    levels = []
    for p in np.unique(t):
        if p - first < gap or last + 1 - p < gap or abs(p - event) < gap:
            continue
        x = _design(t, [event, p])
        coef, *_ = np.linalg.lstsq(x, y, rcond=None)
        levels.append(coef[4])
    return np.array(levels)


def estimate(weeks: Sequence[int] | np.ndarray, values: Sequence[float] | np.ndarray, event: int,
             rules: SeriesRules = SeriesRules()) -> Effect:  # fmt: skip
    """The level and slope change of ``values`` (one per week index in ``weeks``; missing weeks, those
    suppressed, simply absent) at the week index ``event`` (the first week counted after it)."""
    import statsmodels.api as sm

    t = np.asarray(weeks, dtype=float)
    y = np.asarray(values, dtype=float)
    keep = np.isfinite(y)
    t, y = t[keep], y[keep]
    before, after = int((t < event).sum()), int((t >= event).sum())
    if before < rules.min_segment or after < rules.min_segment or len(t) < rules.min_weeks:
        return Effect("too_few_weeks", before, after)
    x = _design(t, [event])
    with warnings.catch_warnings():  # a series that does not vary has no variance: handled just below
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": _lags(len(t)), "use_correction": True},
                               use_t=True)  # fmt: skip
        ci = fit.conf_int(ALPHA)
    level, slope = float(fit.params[2]), float(fit.params[3])
    if not np.isfinite(ci[2]).all():  # a series that does not vary (all zeros): nothing to hold a change against
        ci = np.array([[level, level]] * 4)
    placebos = _placebo_levels(t, y, event, rules.min_segment)
    p = (1 + int((np.abs(placebos) >= abs(level) - 1e-12).sum())) / (1 + len(placebos)) if len(placebos) else None
    excludes_zero = ci[2][0] > 0 or ci[2][1] < 0
    stands_out = p is not None and p <= ALPHA
    verdict = "effect" if excludes_zero and stands_out else "unclear" if excludes_zero else "no_effect"
    return Effect(
        verdict, before, after, before=float(y[t < event].mean()), level=level, level_low=float(ci[2][0]),
        level_high=float(ci[2][1]), slope=slope, slope_low=float(ci[3][0]), slope_high=float(ci[3][1]),
        placebos=len(placebos), placebo_low=float(np.percentile(placebos, 2.5)) if len(placebos) else None,
        placebo_high=float(np.percentile(placebos, 97.5)) if len(placebos) else None, placebo_p=p,
    )  # fmt: skip


def difference(treated: Mapping[int, float], controls: Sequence[Mapping[int, float]]) -> dict[int, float]:
    """Week -> the treated series minus the mean of the control series that have that week (weeks where the
    treated series or every control has no value are left out): the series a difference-in-differences
    estimates on."""
    return subtract(treated, control_means(controls))


def control_means(controls: Sequence[Mapping[int, float]]) -> dict[int, float]:
    """Week -> the mean of the control series that have a finite value that week (in the order given): what
    :func:`subtract` takes from each treated series of one comparison group, computed once for all of them."""
    values: dict[int, list[float]] = defaultdict(list)
    for control in controls:
        for week, value in control.items():
            if value is not None and math.isfinite(value):
                values[week].append(value)
    return {week: float(np.mean(v)) for week, v in values.items()}


def subtract(treated: Mapping[int, float], means: Mapping[int, float]) -> dict[int, float]:
    """Week -> the treated series minus the comparison group's mean (:func:`control_means`), where both
    have a value."""
    return {week: float(value) - means[week] for week, value in treated.items()
            if value is not None and math.isfinite(value) and week in means}  # fmt: skip
