"""Weekly series with a planted change: for testing and measuring :mod:`orgsphere.interrupted` (does it find a
change that is there, and claim none where there is none?)."""

from __future__ import annotations

import numpy as np

__all__ = ["planted_series"]


def planted_series(rng: np.random.Generator, n: int, event: int, level: float, slope: float = 0.0,
                   phi: float = 0.3, sd: float = 1.0) -> np.ndarray:  # fmt: skip
    """``n`` weeks: 5 + 0.02 t, AR(1) noise (autocorrelation ``phi``, innovations of standard deviation ``sd``;
    an organisation's weeks are autocorrelated) and from week ``event`` on a change of ``level`` and of
    ``slope`` per week."""
    noise = np.empty(n)
    noise[0] = rng.normal(0, sd / np.sqrt(1 - phi**2))
    for k in range(1, n):
        noise[k] = phi * noise[k - 1] + rng.normal(0, sd)
    t = np.arange(n)
    return 5.0 + 0.02 * t + (t >= event) * (level + slope * (t - event)) + noise
