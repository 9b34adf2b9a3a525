"""Properties of the XmR implementation, its API, its plain-English reading and its speed."""

from __future__ import annotations

import datetime as dt
import math
import time
from itertools import chain

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffsafe.analytics import spc as spc_module
from staffsafe.analytics.spc import SPCResult, describe, spc, spc_many

from . import ptd_oracle

DIRECTIONS = ("increase", "decrease", "neutral")
COMPUTED = (
    "outside_limits",
    "relative_to_mean",
    "close_to_limits",
    "special_cause_flag",
    "point_type",
    "short_group_warning",
)


def _runs() -> st.SearchStrategy[list[int]]:
    """Stretches that provoke trends, shifts and outliers, not just white noise."""
    rising = st.lists(st.integers(1, 4), min_size=6, max_size=9).map(
        lambda steps: list(np.cumsum([10, *steps]).tolist())
    )
    falling = rising.map(lambda run: [40 - v for v in run])
    level = st.tuples(st.integers(0, 40), st.integers(7, 10)).map(lambda t: [t[0]] * t[1])
    noise = st.lists(st.integers(0, 40), min_size=1, max_size=12)
    return st.one_of(rising, falling, level, noise)


counts = st.lists(_runs(), min_size=1, max_size=6).map(lambda parts: list(chain(*parts)))
small_counts = st.lists(st.integers(0, 30), min_size=1, max_size=40)
series = st.one_of(counts, small_counts)


def _isclose(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# ---------------------------------------------------------------------------------------------
# Agreement with a literal port of the R functions
# ---------------------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(y=series, improvement=st.sampled_from(DIRECTIONS), screen=st.booleans())
def test_matches_loop_port_of_the_r_package(y: list[int], improvement: str, screen: bool) -> None:
    result = spc(y, improvement=improvement, screen_outliers=screen)
    direction = spc_module.IMPROVEMENT_DIRECTIONS[improvement]
    expected = ptd_oracle.group([float(v) for v in y], direction, screen)
    for i, (point, label, oracle) in enumerate(
        zip(result.points, result.special_cause_types, expected, strict=True)
    ):
        assert label == oracle["special_cause_type"], (i, y)
        for key in COMPUTED:
            assert point[key] == oracle[key], (i, key, y)
        assert _isclose(point["mean"], oracle["mean"])
        if len(y) > 1:
            assert _isclose(point["lpl"], oracle["lpl"]) and _isclose(point["upl"], oracle["upl"])


# ---------------------------------------------------------------------------------------------
# Invariants
# ---------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(y=st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=60), screen=st.booleans())
def test_limits_are_symmetric_about_the_mean(y: list[float], screen: bool) -> None:
    for p in spc(y, screen_outliers=screen).points:
        half = p["upl"] - p["mean"]
        assert half >= 0
        assert math.isclose(p["mean"] - p["lpl"], half, rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=300, deadline=None)
@given(y=series, improvement=st.sampled_from(DIRECTIONS))
def test_rule_precedence(y: list[int], improvement: str) -> None:
    """Each point carries the label of the highest rule that applies to it:
    outside the limits > 7-point trend > 2 in 3 close to the limits > 7-point shift."""
    result = spc(y, improvement=improvement)
    trend = ptd_oracle.part_of_seven_trend(ptd_oracle.seven_point_trend([float(v) for v in y]))
    rtm = [p["relative_to_mean"] for p in result.points]
    shift = ptd_oracle.part_of_seven_trend(ptd_oracle.seven_point_one_side_mean(rtm))
    close = [int(p["close_to_limits"]) for p in result.points]
    two = ptd_oracle.two_in_three(close, rtm)
    for i, (p, label) in enumerate(zip(result.points, result.special_cause_types, strict=True)):
        if p["outside_limits"]:
            assert label in ("Above UCL", "Below LCL") and p["special_cause_flag"]
        elif trend[i]:
            assert label.startswith("7 Point Trend") and p["special_cause_flag"]
        elif two[i] and close[i]:
            assert label.startswith("2 in 3") and p["special_cause_flag"]
        elif shift[i]:
            assert label.startswith("7 Points") and p["special_cause_flag"]
        else:
            assert label == "Common Cause" and not p["special_cause_flag"]
            assert p["point_type"] == "common_cause"
        assert not (p["outside_limits"] and p["close_to_limits"])


def test_outside_point_inside_a_shift_keeps_its_outside_label() -> None:
    y = [10, 11, 9] * 5 + [10] + [12, 12, 12, 30, 12, 12, 12]
    result = spc(y, improvement="decrease")
    labels = result.special_cause_types
    assert labels[19] == "Above UCL"
    assert labels[16:19] == labels[20:] == ["7 Points Above CL"] * 3
    assert {p["point_type"] for p in result.points[16:]} == {"special_cause_concern"}


def test_trend_crossing_the_mean_is_one_direction() -> None:
    """NEWS 0.2.0, issue #171: every point of a rising trend is labelled Increasing,
    whichever side of the mean it is on."""
    y = [2, 9, 2, 9, 2, 9, 3, 4, 5, 6, 7, 8, 9, 2, 9, 2]
    result = spc(y, improvement="increase")
    trend = result.points[6:13]
    assert {p["relative_to_mean"] for p in trend} == {-1, 1}
    assert result.special_cause_types[6:13] == ["7 Point Trend (Increasing)"] * 7
    assert {p["point_type"] for p in trend} == {"special_cause_improvement"}


def test_two_in_three_needs_same_side() -> None:
    """Issue #143: two close points on opposite sides of the mean do not fire."""
    y = [1.0, -1.0] * 7 + [5.5, -5.5]
    assert all(not p["special_cause_flag"] for p in spc(y).points)
    y_same = [1.0, -1.0] * 7 + [5.5, 5.5, 1.0]
    labels = spc(y_same, improvement="increase").special_cause_types
    assert labels[14:16] == ["2 in 3 Above CL"] * 2


@settings(max_examples=200, deadline=None)
@given(a=series, b=series, other=series, screen=st.booleans())
def test_rebase_groups_are_independent(
    a: list[int], b: list[int], other: list[int], screen: bool
) -> None:
    joined = spc(a + b, rebase_groups=[0] * len(a) + [1] * len(b), screen_outliers=screen)
    replaced = spc(
        other + b, rebase_groups=["x"] * len(other) + ["y"] * len(b), screen_outliers=screen
    )
    alone_a, alone_b = spc(a, screen_outliers=screen), spc(b, screen_outliers=screen)
    tail_joined = joined.points[len(a) :]
    tail_replaced = replaced.points[len(other) :]
    for p, q, r in zip(tail_joined, tail_replaced, alone_b.points, strict=True):
        assert p["rebase_group"] == q["rebase_group"] == 1
        for key in ("mean", "lpl", "upl", *COMPUTED):
            assert p[key] == q[key] == r[key], key
    for p, r in zip(joined.points[: len(a)], alone_a.points, strict=True):
        assert p["rebase_group"] == 0
        assert all(p[key] == r[key] for key in ("mean", "lpl", "upl", *COMPUTED))
    assert joined.special_cause_types[len(a) :] == alone_b.special_cause_types
    assert joined.variation == alone_b.variation


def _margin(result: SPCResult) -> float:
    """Distance from any point to the nearest line a flag depends on (for tie detection)."""
    gaps = [math.inf]
    for p in result.points:
        if p["lpl"] is None:
            continue
        half = p["upl"] - p["mean"]
        close_half = half * (spc_module.CLOSE_LIMIT / spc_module.LIMIT)
        lines = (p["mean"], p["lpl"], p["upl"], p["mean"] - close_half, p["mean"] + close_half)
        gaps.extend(abs(p["y"] - line) for line in lines)
    return min(gaps)


@settings(max_examples=200, deadline=None)
@given(y=series, shift=st.integers(-1000, 1000) | st.floats(-1e4, 1e4))
def test_shifting_values_shifts_mean_and_limits(y: list[int], shift: float) -> None:
    base = spc(y)
    moved = spc([v + shift for v in y])
    for p, q in zip(base.points, moved.points, strict=True):
        assert math.isclose(q["mean"], p["mean"] + shift, rel_tol=1e-9, abs_tol=1e-9)
        if p["lpl"] is not None:
            assert math.isclose(q["lpl"], p["lpl"] + shift, rel_tol=1e-9, abs_tol=1e-9)
            assert math.isclose(q["upl"], p["upl"] + shift, rel_tol=1e-9, abs_tol=1e-9)
    if _margin(base) > 1e-6 and len(set(y)) > 1:
        assert base.special_cause_types == moved.special_cause_types
        assert [p["point_type"] for p in base.points] == [p["point_type"] for p in moved.points]


# ---------------------------------------------------------------------------------------------
# Input validation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": []}, "empty"),
        ({"values": [1.0, float("nan"), 2.0]}, "position 1"),
        ({"values": [1.0, float("inf")]}, "finite"),
        ({"values": [1.0, None, 2.0]}, "missing"),
        ({"values": "123"}, "not a string"),
        ({"values": ["a", "b"]}, "sequence of numbers"),
        ({"values": [[1, 2], [3, 4]]}, "one-dimensional"),
        ({"values": [1, 2, 3], "dates": [1, 2]}, "dates has 2 entries but values has 3"),
        ({"values": [1, 2], "rebase_groups": [0]}, "rebase_groups has 1 entries"),
        ({"values": [1, 2, 3], "rebase_groups": [0, 1, 0]}, "contiguous"),
        ({"values": [1, 2], "improvement": "up"}, "improvement must be one of"),
        ({"values": [1, 2], "target": float("nan")}, "target must be a finite"),
        ({"values": [1, 2], "target": "high"}, "target must be a number"),
        ({"values": [1, 2], "dates": [dt.date(2024, 1, 1), "2024-02"]}, "comparable"),
    ],
)
def test_invalid_input_is_rejected_clearly(kwargs: dict, message: str) -> None:
    values = kwargs.pop("values")
    with pytest.raises(ValueError, match=message):
        spc(values, **kwargs)


# ---------------------------------------------------------------------------------------------
# API behaviour
# ---------------------------------------------------------------------------------------------


def test_point_keys_are_exactly_the_documented_ones() -> None:
    result = spc([3, 4, 5, 4, 3], target=2)
    assert list(result.points[0]) == [
        "x",
        "y",
        "rebase_group",
        "mean",
        "lpl",
        "upl",
        "outside_limits",
        "relative_to_mean",
        "close_to_limits",
        "special_cause_flag",
        "point_type",
        "short_group_warning",
        "target",
    ]
    assert [p["x"] for p in result.points] == [0, 1, 2, 3, 4]
    assert all(p["target"] == 2.0 for p in result.points)


def test_points_are_put_in_date_order() -> None:
    dates = [dt.date(2024, m, 1) for m in (3, 1, 2, 4)]
    result = spc([30, 10, 20, 40], dates)
    assert [p["x"].month for p in result.points] == [1, 2, 3, 4]
    assert [p["y"] for p in result.points] == [10, 20, 30, 40]
    in_order = spc([10, 20, 30, 40], sorted(dates))
    assert result.points == in_order.points


def test_single_point_and_constant_series() -> None:
    one = spc([4])
    assert one.points[0]["lpl"] is None and one.points[0]["upl"] is None
    assert one.variation == "common_cause" and one.points[0]["short_group_warning"]
    flat = spc([0] * 15, target=1)
    assert {(p["lpl"], p["mean"], p["upl"]) for p in flat.points} == {(0.0, 0.0, 0.0)}
    assert flat.assurance == "consistent_pass"
    bump = spc([0] * 15 + [1])
    assert bump.special_cause_types[-1] == "Above UCL"


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        ("decrease", 100, "consistent_pass"),
        ("decrease", -100, "consistent_fail"),
        ("decrease", 10, "inconsistent"),
        ("increase", 100, "consistent_fail"),
        ("increase", -100, "consistent_pass"),
        ("increase", 10, "inconsistent"),
        ("neutral", 100, None),
        ("decrease", None, None),
    ],
)
def test_assurance(improvement: str, target: float | None, expected: str | None) -> None:
    y = [10, 12, 9, 11, 10, 8, 12, 11, 9, 10, 11, 10, 9]
    assert spc(y, improvement=improvement, target=target).assurance == expected


def test_assurance_uses_the_latest_rebase_group() -> None:
    y = [50, 52, 49, 51, 50, 48, 52, 10, 12, 9, 11, 10, 8, 12]
    groups = [0] * 7 + [1] * 7
    assert spc(y, rebase_groups=groups, target=30).assurance == "consistent_pass"
    assert spc(y, target=30).assurance == "inconsistent"


@pytest.mark.parametrize(
    ("improvement", "tail", "variation", "icon"),
    [
        ("decrease", 60, "special_cause_concern", "concern_high"),
        ("decrease", -40, "special_cause_improvement", "improvement_low"),
        ("increase", 60, "special_cause_improvement", "improvement_high"),
        ("increase", -40, "special_cause_concern", "concern_low"),
        ("neutral", 60, "special_cause_neutral_high", "neutral_high"),
        ("neutral", -40, "special_cause_neutral_low", "neutral_low"),
        ("decrease", 10, "common_cause", "common_cause"),
    ],
)
def test_variation_and_icon(improvement: str, tail: int, variation: str, icon: str) -> None:
    y = [10, 12, 9, 11, 10, 8, 12, 11, 9, 10, 11, 10, 9, tail]
    result = spc(y, improvement=improvement)
    assert (result.variation, result.variation_icon) == (variation, icon)


def test_describe_readings() -> None:
    base = [10, 12, 9, 11, 10, 8, 12, 11, 9, 10, 11, 10, 9]
    assert describe(spc([*base, 60])) == (
        "The latest month shows special cause variation of concern: "
        "incidents are higher than expected."
    )
    assert describe(spc([*base, -40]), measure="assaults") == (
        "The latest month shows special cause variation of improvement: "
        "assaults are lower than expected."
    )
    assert describe(spc([*base, 10])) == (
        "The latest month shows common cause variation: "
        "incidents are within the range expected from past months."
    )
    assert describe(spc([*base, 60], improvement="neutral"), period="week") == (
        "The latest week shows special cause variation: incidents are higher than expected."
    )
    assert describe(spc([*base, 10], target=100)) == (
        "The latest month shows common cause variation: incidents are within the range "
        "expected from past months, and the target of 100 will consistently be met."
    )
    assert describe(spc([1, 2, 1], target=1.5)).endswith(
        "and the target of 1.5 will be met in some months and missed in others "
        "(trial limits: fewer than 13 points)."
    )


def test_spc_many_matches_spc_for_every_input_shape() -> None:
    rng = np.random.default_rng(7)
    data = {f"unit-{i}": rng.poisson(5 + i, size=24).tolist() for i in range(6)}
    data["short"] = [1, 2]
    data["rebased"] = {"values": list(range(20)), "rebase_groups": [0] * 8 + [1] * 12}
    data["own target"] = {"values": [4, 5, 6] * 5, "target": 1}
    many = spc_many(data, target={"unit-0": 3}, improvement="increase")
    assert list(many) == list(data)
    assert many["unit-0"] == spc(data["unit-0"], target=3, improvement="increase")
    assert many["unit-1"] == spc(data["unit-1"], improvement="increase")
    assert many["short"] == spc([1, 2], improvement="increase")
    assert many["rebased"] == spc(
        list(range(20)), rebase_groups=[0] * 8 + [1] * 12, improvement="increase"
    )
    assert many["own target"].assurance == "consistent_pass"


def test_spc_many_long_table() -> None:
    months = [dt.date(2024, m, 1) for m in range(1, 13)]
    table = {
        "unit": ["b"] * 12 + ["a"] * 12,
        "month": months[::-1] + months,
        "count": [*range(12, 0, -1), 3, 4, 5, 4, 3, 4, 5, 4, 3, 4, 5, 20],
    }
    many = spc_many(table, series="unit", x="month", y="count")
    assert list(many) == ["b", "a"]
    assert many["b"] == spc(list(range(1, 13)), months)
    assert many["a"].variation == "special_cause_concern"
    with pytest.raises(ValueError, match="no column 'nope'"):
        spc_many(table, series="nope")
    with pytest.raises(ValueError, match="mapping"):
        spc_many([1, 2, 3])
    with pytest.raises(ValueError, match="has no 'values'"):
        spc_many({"a": {"dates": [1]}})


def test_results_are_plain_python_values() -> None:
    """Points go straight to JSON and templates: no NumPy scalars, no NaN."""
    result = spc(np.array([1, 5, 2, 8, 3]), rebase_groups=np.array([0, 0, 0, 0, 1]))
    for p in result.points:
        for key, value in p.items():
            assert type(value) in (int, float, bool, str, type(None)), (key, type(value))


# ---------------------------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------------------------


def _best_of(runs: int, func) -> float:
    best = math.inf
    for _ in range(runs):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def test_performance_220_series() -> None:
    """220 series x 60 points must take well under 200 ms in total (2-core machine)."""
    rng = np.random.default_rng(2024)
    data = {f"unit-{i}": rng.poisson(8, size=60).astype(float) for i in range(220)}
    many = _best_of(3, lambda: spc_many(data, target=9))
    single = _best_of(3, lambda: [spc(v, target=9) for v in data.values()])
    print(f"spc_many 220x60: {many * 1000:.1f} ms; 220 x spc(): {single * 1000:.1f} ms")
    assert many < 0.2
    assert single < 0.2
