"""Poisson funnel limits and unit classification."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from staffsafe.analytics.funnel import classify, funnel_limits, level_label


def _poisson_cdf(r: int, mu: float) -> float:
    return sum(math.exp(-mu) * mu**k / math.factorial(k) for k in range(r + 1))


def test_interpolated_quantile_by_hand() -> None:
    """Target 1 per 1,000, denominator 1,000: expected count 1.

    Upper 95% (p = 0.975): P(X <= 2) = 0.9197 < p <= P(X <= 3) = 0.9810, so r = 3 and
    alpha = (P(X <= 3) - p) / (P(X <= 3) - P(X <= 2)); the limit is (3 - alpha) per 1,000.
    """
    p = 0.975
    alpha = (_poisson_cdf(3, 1) - p) / (_poisson_cdf(3, 1) - _poisson_cdf(2, 1))
    limits = funnel_limits(1, [1000], per=1000, levels=(0.95,))
    assert limits.upper[0.95][0] == pytest.approx(3 - alpha, rel=1e-9)
    assert round(float(limits.upper[0.95][0]), 3) == 2.902
    # Lower (p = 0.025): P(X <= 0) = 0.368 >= p, r = 0, so the interpolated limit is below 0.
    assert limits.lower[0.95][0] == 0.0


def test_limits_approach_the_normal_approximation_for_large_units() -> None:
    target, n = 5.0, np.array([1e6, 1e7])
    limits = funnel_limits(target, n, per=1000)
    for level in (0.95, 0.998):
        z = stats.norm.ppf(1 - (1 - level) / 2)
        half = z * np.sqrt(target / 1000 * n) / n * 1000
        np.testing.assert_allclose(limits.upper[level], target + half, rtol=2e-3)
        np.testing.assert_allclose(limits.lower[level], target - half, rtol=2e-3)


@given(
    target=st.floats(0.01, 100),
    denominators=st.lists(st.integers(1, 10**6), min_size=1, max_size=20),
)
def test_funnels_nest_around_the_target(target: float, denominators: list[int]) -> None:
    limits = funnel_limits(target, denominators, per=1000)
    assert limits.denominators.tolist() == [float(d) for d in denominators]
    assert (limits.lower[0.998] >= 0).all()
    assert (limits.lower[0.998] <= limits.lower[0.95]).all()
    assert (limits.lower[0.95] <= target + 1e-9).all()
    assert (limits.upper[0.95] <= limits.upper[0.998]).all()
    # With under one expected event the 97.5% quantile is 0 events, so the upper funnel can
    # sit below the target rate: any event at all is then "above". From one expected event on,
    # the funnel contains the target.
    sizeable = np.asarray(denominators) * target / 1000 >= 1
    assert (limits.upper[0.95][sizeable] >= target - 1e-9).all()


def test_tiny_units_flag_any_event() -> None:
    limits = funnel_limits(1, [1], per=1000)
    assert limits.upper[0.95][0] == 0.0
    assert classify([0, 1], [1, 1], 1) == ["within", "above_99.8"]


def test_classify_each_band() -> None:
    target, n = 5.0, 10000  # expected 50 events per unit
    limits = funnel_limits(target, [n], per=1000)
    up95, up998 = limits.upper[0.95][0] * n / 1000, limits.upper[0.998][0] * n / 1000
    lo95, lo998 = limits.lower[0.95][0] * n / 1000, limits.lower[0.998][0] * n / 1000
    counts = [up998 + 0.5, (up95 + up998) / 2, 50, (lo95 + lo998) / 2, lo998 - 0.5, up95]
    labels = classify(counts, [n] * len(counts), target)
    assert labels == ["above_99.8", "above_95", "within", "below_95", "below_99.8", "within"]


def test_classify_small_units_cannot_be_low() -> None:
    """With 0.5 expected events, zero events is not unusual: the lower funnel is 0."""
    assert classify([0, 4], [100, 100], 5.0) == ["within", "above_99.8"]


def test_level_labels() -> None:
    assert level_label("above", 0.998) == "above_99.8"
    assert level_label("below", 0.95) == "below_95"
    assert classify([30], [1000], 5, levels=(0.9,)) == ["above_90"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: funnel_limits(5, [0, 10]), "denominator is 0"),
        (lambda: funnel_limits(5, [-1]), "denominator is 0 or negative"),
        (lambda: funnel_limits(0, [10]), "target_rate must be a positive"),
        (lambda: funnel_limits(5, [10], levels=(1.0,)), "levels"),
        (lambda: funnel_limits(5, [10], levels=(0.95, 0.95)), "distinct"),
        (lambda: funnel_limits(5, [10], per=-1), "per must be"),
        (lambda: funnel_limits(5, ["a"]), "denominators must be numbers"),
        (lambda: classify([1, 2], [10], 5), "shape"),
        (lambda: classify([-1], [10], 5), "not negative"),
    ],
)
def test_invalid_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
