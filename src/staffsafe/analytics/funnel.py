"""Poisson funnel-plot control limits for rates, and classification of units against them.

Why: comparing organisations by a league table of rates over-reads the noise of small units; a
funnel plot draws the range a unit of a given size would show by chance if its true rate were
the target, so only units outside the funnel are worth a conversation.

Method (documented choice): exact Poisson quantiles with the standard linear interpolation
between integer counts (Spiegelhalter 2005, "Funnel plots for comparing institutional
performance", Stat Med 24:1185, appendix A.1.1), the method used for count-based PHE/APHO funnel
plots. For a unit with denominator n, the expected count is ``lam = target_rate / per * n``.
For a tail probability p (``(1 - level) / 2`` for the lower limit, ``1 - (1 - level) / 2`` for
the upper), ``r`` is the smallest count with ``P(X <= r) >= p`` and
``alpha = (P(X <= r) - p) / (P(X <= r) - P(X <= r - 1))``; the limit is
``(r - alpha) / n * per``, never below 0. The interpolation turns the step function of integer
quantiles into a smooth funnel with (close to) the nominal coverage. PHEindicatormethods'
``phe_funnels(statistic = "rate")`` draws the same family of limits parametrised by event count
(exact Poisson intervals inverted for the population); per-denominator quantiles are used here
because StaffSafe needs the limit at each unit's own denominator.

Levels 0.95 and 0.998 are the conventional "2 sigma" and "3 sigma" funnels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

__all__ = ["FunnelLimits", "classify", "funnel_limits", "level_label"]

DEFAULT_LEVELS = (0.95, 0.998)


@dataclass(frozen=True, slots=True)
class FunnelLimits:
    """Per-denominator limits; ``lower[level]`` and ``upper[level]`` are arrays like
    ``denominators``. ``target`` is the target rate (per ``per``)."""

    denominators: np.ndarray
    target: float
    per: float
    lower: dict[float, np.ndarray]
    upper: dict[float, np.ndarray]


def funnel_limits(
    target_rate: float,
    denominators: Any,
    *,
    per: float = 1000,
    levels: Sequence[float] = DEFAULT_LEVELS,
) -> FunnelLimits:
    """Lower and upper control limits (as rates per ``per``) for each denominator."""
    n = _denominators(denominators)
    _check_rate(target_rate, per)
    checked = _levels(levels)
    expected = target_rate / per * n
    lower = {lv: _limit(expected, (1 - lv) / 2) / n * per for lv in checked}
    upper = {lv: _limit(expected, 1 - (1 - lv) / 2) / n * per for lv in checked}
    return FunnelLimits(n, float(target_rate), float(per), lower, upper)


def classify(
    counts: Any,
    denominators: Any,
    target_rate: float,
    *,
    per: float = 1000,
    levels: Sequence[float] = DEFAULT_LEVELS,
) -> list[str]:
    """Place each unit: "above_99.8", "above_95", "within", "below_95" or "below_99.8".

    A unit is above (below) a level when its rate is strictly above (below) that funnel; the
    widest funnel it lies outside names it. Labels follow the levels given (see level_label).
    """
    limits = funnel_limits(target_rate, denominators, per=per, levels=levels)
    x = np.asarray(counts, dtype=np.float64)
    if x.shape != limits.denominators.shape:
        raise ValueError(
            f"counts has shape {x.shape} but denominators has {limits.denominators.shape}"
        )
    if not np.isfinite(x).all() or (x < 0).any():
        raise ValueError("counts must be finite and not negative")
    rate = x / limits.denominators * per
    labels = np.full(x.shape, "within", dtype=object)
    for level in sorted(limits.lower):  # narrow to wide: the widest exceeded wins
        labels[rate > limits.upper[level]] = level_label("above", level)
        labels[rate < limits.lower[level]] = level_label("below", level)
    return labels.tolist()


def level_label(side: str, level: float) -> str:
    """``level_label("above", 0.998) == "above_99.8"``."""
    return f"{side}_{round(level * 100, 6):g}"


def _limit(expected: np.ndarray, p: float) -> np.ndarray:
    """Interpolated Poisson quantile on the count scale (Spiegelhalter 2005, A.1.1)."""
    r = stats.poisson.ppf(p, expected)
    at_r = stats.poisson.cdf(r, expected)
    below_r = stats.poisson.cdf(r - 1, expected)
    alpha = (at_r - p) / (at_r - below_r)
    return np.maximum(r - alpha, 0.0)


def _denominators(denominators: Any) -> np.ndarray:
    """Denominators as a float array; each must be a positive finite number."""
    try:
        n = np.asarray(denominators, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("denominators must be numbers") from None
    if not np.isfinite(n).all():
        raise ValueError("denominators must be finite numbers")
    if (n <= 0).any():
        raise ValueError("denominator is 0 or negative: funnel limits need positive denominators")
    return n


def _check_rate(target_rate: float, per: float) -> None:
    """The target must be a positive rate: with 0 every unit with any event is 'above'."""
    if not (np.isfinite(target_rate) and target_rate > 0):
        raise ValueError(f"target_rate must be a positive number, not {target_rate!r}")
    if not (np.isfinite(per) and per > 0):
        raise ValueError(f"per must be a positive number, not {per!r}")


def _levels(levels: Sequence[float]) -> tuple[float, ...]:
    """Levels are distinct probabilities strictly between 0 and 1."""
    checked = tuple(float(level) for level in levels)
    if not checked or any(not 0 < level < 1 for level in checked):
        raise ValueError(f"levels must be probabilities strictly between 0 and 1, not {levels!r}")
    if len(set(checked)) != len(checked):
        raise ValueError(f"levels must be distinct, not {levels!r}")
    return checked
