"""Confidence intervals for crude rates and proportions, by the PHE/OHID methods.

Why these methods: published NHS and public-health indicators use the intervals set out in the
PHE/OHID "Technical Guide: Confidence Intervals" and implemented by the PHEindicatormethods R
package, so StaffSafe's figures can be put beside Fingertips-style figures without argument:

* rates (``phe_rate``): exact Poisson limits for counts under 10, from the chi-squared
  distribution (lower = chi2(alpha/2, 2x) / 2, upper = chi2(1 - alpha/2, 2x + 2) / 2, computed
  here as the equivalent inverse regularised gamma function), and Byar's approximation for
  counts of 10 and more;
* proportions (``phe_proportion``): Wilson score intervals.

The scalar functions return ``(value, lower, upper)``; the ``*_array`` functions take whole
columns (anything NumPy broadcasts) and return three arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

__all__ = [
    "BYAR_THRESHOLD",
    "proportion_ci",
    "proportion_ci_array",
    "rate_ci",
    "rate_ci_array",
]

BYAR_THRESHOLD = 10
"""Counts at or above this use Byar's method; below it the exact Poisson limits."""

ArrayTriple = tuple[np.ndarray, np.ndarray, np.ndarray]


def rate_ci(
    count: float, denominator: float, *, per: float = 1000, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Rate per ``per`` with its confidence interval: ``(value, lower, upper)``."""
    value, lower, upper = rate_ci_array(count, denominator, per=per, confidence=confidence)
    return float(value), float(lower), float(upper)


def rate_ci_array(
    counts: Any, denominators: Any, *, per: float = 1000, confidence: float = 0.95
) -> ArrayTriple:
    """Vectorised :func:`rate_ci`: exact Poisson below 10 events, Byar's method from 10."""
    x, n = _checked(counts, denominators, "count")
    alpha = _alpha(confidence)
    _positive(per, "per")
    lower = np.empty(x.shape)
    upper = np.empty(x.shape)
    exact = x < BYAR_THRESHOLD
    lower[exact], upper[exact] = _exact_poisson(x[exact], alpha)
    lower[~exact], upper[~exact] = _byar(x[~exact], alpha)
    scale = per / n
    return x * scale, lower * scale, upper * scale


def proportion_ci(
    count: float, denominator: float, *, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Proportion (0 to 1) with its Wilson score interval: ``(value, lower, upper)``."""
    value, lower, upper = proportion_ci_array(count, denominator, confidence=confidence)
    return float(value), float(lower), float(upper)


def proportion_ci_array(counts: Any, denominators: Any, *, confidence: float = 0.95) -> ArrayTriple:
    """Vectorised :func:`proportion_ci` (Wilson score, as PHEindicatormethods' wilson_*)."""
    x, n = _checked(counts, denominators, "count")
    if (x > n).any():
        raise ValueError("count must not exceed the denominator for a proportion")
    z = special.ndtri(1 - _alpha(confidence) / 2)
    centre = 2 * x + z**2
    spread = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
    lower = (centre - spread) / 2 / (n + z**2)
    upper = (centre + spread) / 2 / (n + z**2)
    # The formula gives 0 and 1 at the edges up to rounding; make the edges exact.
    lower = np.where(x == 0, 0.0, np.clip(lower, 0.0, 1.0))
    upper = np.where(x == n, 1.0, np.clip(upper, 0.0, 1.0))
    return x / n, lower, upper


def _exact_poisson(x: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson limits on the count; the lower limit of a zero count is 0.

    ``chi2.ppf(p, 2x) / 2`` is the gamma(x) quantile, i.e. ``gammaincinv(x, p)``.
    """
    lower = np.zeros(x.shape)
    positive = x > 0
    lower[positive] = special.gammaincinv(x[positive], alpha / 2)
    upper = special.gammaincinv(x + 1, 1 - alpha / 2)
    return lower, upper


def _byar(x: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the exact Poisson limits (Breslow and Day 1987)."""
    z = special.ndtri(1 - alpha / 2)
    lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    return lower, upper


def _checked(counts: Any, denominators: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Broadcast to float arrays; reject missing, negative and zero-denominator input."""
    try:
        x, n = np.broadcast_arrays(
            np.asarray(counts, dtype=np.float64), np.asarray(denominators, dtype=np.float64)
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name}s and denominators must be numbers of matching shape: {exc}"
        ) from None
    if not (np.isfinite(x).all() and np.isfinite(n).all()):
        raise ValueError(f"{name}s and denominators must be finite numbers (no NaN, no missing)")
    if (x < 0).any():
        raise ValueError(f"{name} must not be negative")
    if (n < 0).any():
        raise ValueError("denominator must not be negative")
    if (n == 0).any():
        raise ValueError("denominator is 0: a rate or proportion needs a positive denominator")
    return x, n


def _alpha(confidence: float) -> float:
    """Two-sided alpha for a confidence level strictly between 0 and 1 (0.95, 0.998...)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, not {confidence!r}")
    return 1 - confidence


def _positive(value: float, name: str) -> None:
    """Multipliers must be positive finite numbers."""
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number, not {value!r}")
