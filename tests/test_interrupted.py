"""Interrupted time series on generated weekly series: planted changes are recovered within their intervals at
the nominal rate, and no change is claimed where none was planted more often than the nominal 5%."""

from __future__ import annotations

import numpy as np

from orgsphere.datasets.series import planted_series
from orgsphere.interrupted import SeriesRules, difference, estimate

WEEKS = 52
EVENT = 26


def series(rng: np.random.Generator, level: float, slope: float = 0.0, phi: float = 0.3, sd: float = 1.0,
           n: int = WEEKS, event: int = EVENT) -> np.ndarray:  # fmt: skip
    return planted_series(rng, n, event, level, slope, phi, sd)


def test_planted_changes_lie_in_their_intervals_at_the_nominal_rate() -> None:
    rng = np.random.default_rng(1)
    runs, covered, found = 300, 0, 0
    for _ in range(runs):
        e = estimate(np.arange(WEEKS), series(rng, level=3.0), EVENT)
        assert e.level_low is not None and e.level_high is not None
        covered += e.level_low <= 3.0 <= e.level_high
        found += e.verdict == "effect"
    # Newey-West over 52 autocorrelated weeks covers about 84% where it says 95% (docs/changes.md: why a claim
    # also needs the placebos); a broken interval would cover far less
    assert covered / runs >= 0.8
    assert found / runs >= 0.7  # a change of three standard deviations is found


def test_no_change_is_claimed_at_most_at_the_nominal_rate() -> None:
    rng = np.random.default_rng(2)
    runs = 400
    claims = sum(estimate(np.arange(WEEKS), series(rng, level=0.0), EVENT).verdict == "effect" for _ in range(runs))
    assert claims / runs <= 0.06


def test_a_change_of_slope_is_reported_as_slope() -> None:
    rng = np.random.default_rng(3)
    e = estimate(np.arange(WEEKS), series(rng, level=0.0, slope=0.4, sd=0.3), EVENT)
    assert e.slope_low is not None and e.slope_low > 0
    assert e.slope_low <= 0.4 <= (e.slope_high or 0)


def test_too_few_weeks_gives_a_verdict_and_no_numbers() -> None:
    rng = np.random.default_rng(4)
    e = estimate(np.arange(10), series(rng, 2.0, n=10, event=5), 5, SeriesRules(min_weeks=16, min_segment=6))
    assert e.verdict == "too_few_weeks" and e.level is None and e.weeks_before == 5


def test_difference_in_differences_removes_what_the_comparison_group_shared() -> None:
    rng = np.random.default_rng(5)
    shared = 4.0 * (np.arange(WEEKS) >= EVENT)  # an organisation-wide change in the same week
    covered, alone = 0, []
    for _ in range(40):
        treated = series(rng, level=3.0) + shared
        controls = [series(rng, level=0.0) + shared for _ in range(5)]
        diff = difference(dict(enumerate(treated)), [dict(enumerate(c)) for c in controls])
        e = estimate(list(diff), list(diff.values()), EVENT)
        assert e.level_low is not None and e.level_high is not None
        covered += e.level_low <= 3.0 <= e.level_high
        alone.append(estimate(np.arange(WEEKS), controls[0], EVENT).level)
    assert covered / 40 >= 0.75
    assert np.mean(alone) > 3.0  # without the comparison the shared change shows as a change of its own
