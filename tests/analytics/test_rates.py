"""Rate and proportion intervals against independent formulas and hand-derivable values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from staffsafe.analytics.rates import (
    proportion_ci,
    proportion_ci_array,
    rate_ci,
    rate_ci_array,
)

Z95 = 1.959963984540054  # qnorm(0.975)


@pytest.mark.parametrize("confidence", [0.95, 0.998, 0.9])
@pytest.mark.parametrize("count", range(10))
def test_exact_poisson_matches_chi_squared_formula(count: int, confidence: float) -> None:
    """PHEindicatormethods phe_rate, x < 10: qchisq((1-c)/2, 2x)/2 and qchisq(c+(1-c)/2, 2x+2)/2."""
    denominator, per = 2500, 1000
    value, lower, upper = rate_ci(count, denominator, per=per, confidence=confidence)
    alpha = 1 - confidence
    expected_lower = 0.0 if count == 0 else stats.chi2.ppf(alpha / 2, 2 * count) / 2
    expected_upper = stats.chi2.ppf(confidence + alpha / 2, 2 * count + 2) / 2
    assert value == pytest.approx(count / denominator * per, rel=1e-12)
    assert lower == pytest.approx(expected_lower / denominator * per, rel=1e-9, abs=1e-15)
    assert upper == pytest.approx(expected_upper / denominator * per, rel=1e-9)


def test_exact_poisson_values_derivable_by_hand() -> None:
    # count 0: P(X = 0) = exp(-mu) = 0.025  =>  mu = -ln(0.025)
    assert rate_ci(0, 1000, per=1000) == pytest.approx((0.0, 0.0, -math.log(0.025)), rel=1e-9)
    # count 1: P(X >= 1) = 1 - exp(-mu) = 0.025  =>  lower mu = -ln(0.975)
    _, lower, upper = rate_ci(1, 1000, per=1000)
    assert lower == pytest.approx(-math.log(0.975), rel=1e-9)
    # ... and the upper limit solves P(X <= 1) = exp(-mu) (1 + mu) = 0.025
    assert math.exp(-upper) * (1 + upper) == pytest.approx(0.025, rel=1e-9)


@pytest.mark.parametrize(
    ("count", "lower", "upper"),
    [
        (0, 0.0, 3.6889),
        (1, 0.0253, 5.5716),
        (2, 0.2422, 7.2247),
        (5, 1.6235, 11.6683),
        (9, 4.1154, 17.0848),
    ],
)
def test_exact_poisson_published_table(count: int, lower: float, upper: float) -> None:
    """Garwood's exact 95% limits for a Poisson count, as tabulated (4 decimal places)."""
    _, lo, hi = rate_ci(count, 1, per=1)
    assert (round(lo, 4), round(hi, 4)) == (lower, upper)


def test_byar_count_100_per_10000() -> None:
    x, z = 100, Z95
    lower = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    value, lo, hi = rate_ci(100, 10000, per=1000)
    assert value == pytest.approx(10.0)
    assert lo == pytest.approx(lower / 10000 * 1000, rel=1e-12)
    assert hi == pytest.approx(upper / 10000 * 1000, rel=1e-12)
    assert (round(lo, 3), round(hi, 3)) == (8.136, 12.163)


def test_byar_starts_at_count_10() -> None:
    z = Z95
    _, lo, hi = rate_ci(10, 1, per=1)
    assert lo == pytest.approx(10 * (1 - 1 / 90 - z / (3 * math.sqrt(10))) ** 3, rel=1e-12)
    assert hi == pytest.approx(11 * (1 - 1 / 99 + z / (3 * math.sqrt(11))) ** 3, rel=1e-12)
    # Byar at 10 is close to, but not, the exact limit (4.7954, 18.3904).
    assert (round(lo, 3), round(hi, 3)) == (4.787, 18.391)


def test_wilson_published_values() -> None:
    value, lower, upper = proportion_ci(50, 100)
    assert value == 0.5
    assert (round(lower, 4), round(upper, 4)) == (0.4038, 0.5962)
    z2 = Z95**2
    assert proportion_ci(0, 10) == pytest.approx((0.0, 0.0, z2 / (10 + z2)), rel=1e-12)
    assert proportion_ci(0, 10)[1] == 0.0
    assert proportion_ci(10, 10) == pytest.approx((1.0, 10 / (10 + z2), 1.0), rel=1e-12)
    assert proportion_ci(10, 10)[2] == 1.0


def test_wilson_formula_written_out() -> None:
    x, n, z = 7, 40, stats.norm.ppf(0.999)
    root = z * math.sqrt(z**2 + 4 * x * (1 - x / n))
    expected = ((2 * x + z**2 - root) / 2 / (n + z**2), (2 * x + z**2 + root) / 2 / (n + z**2))
    assert proportion_ci(x, n, confidence=0.998)[1:] == pytest.approx(expected, rel=1e-12)


def test_arrays_match_scalars_and_broadcast() -> None:
    counts = np.array([[0, 3, 9], [10, 57, 1200]])
    denominators = np.array([1000, 20000, 5])
    value, lower, upper = rate_ci_array(counts, denominators, per=100000, confidence=0.998)
    assert value.shape == lower.shape == upper.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert (value[i, j], lower[i, j], upper[i, j]) == rate_ci(
                int(counts[i, j]), int(denominators[j]), per=100000, confidence=0.998
            )
    p_value, p_lower, p_upper = proportion_ci_array([0, 5, 10], 10)
    assert p_value.tolist() == [0.0, 0.5, 1.0]
    assert (p_lower[1], p_upper[1]) == proportion_ci(5, 10)[1:]
    assert rate_ci_array([], [])[0].shape == (0,)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: rate_ci(3, 0), "denominator is 0"),
        (lambda: rate_ci(-1, 10), "count must not be negative"),
        (lambda: rate_ci(1, -10), "denominator must not be negative"),
        (lambda: rate_ci(float("nan"), 10), "finite"),
        (lambda: rate_ci(1, 10, confidence=95), "confidence"),
        (lambda: rate_ci(1, 10, per=0), "per must be a positive"),
        (lambda: rate_ci_array([1, 2], [1, 2, 3]), "matching shape"),
        (lambda: proportion_ci(1, 0), "denominator is 0"),
        (lambda: proportion_ci(11, 10), "must not exceed"),
        (lambda: proportion_ci(-1, 10), "count must not be negative"),
        (lambda: proportion_ci_array([1, None], [2, 2]), "finite"),
    ],
)
def test_invalid_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@given(
    count=st.integers(0, 5000),
    extra=st.integers(0, 100000),
    narrow=st.sampled_from([0.8, 0.9, 0.95]),
)
def test_intervals_contain_the_value_and_widen_with_confidence(
    count: int, extra: int, narrow: float
) -> None:
    denominator = count + extra + 1
    value, lower, upper = rate_ci(count, denominator, confidence=narrow)
    _, wide_lower, wide_upper = rate_ci(count, denominator, confidence=0.998)
    assert 0 <= wide_lower <= lower <= value <= upper <= wide_upper
    p, p_lower, p_upper = proportion_ci(count, denominator, confidence=narrow)
    _, pw_lower, pw_upper = proportion_ci(count, denominator, confidence=0.998)
    assert 0 <= pw_lower <= p_lower <= p <= p_upper <= pw_upper <= 1
