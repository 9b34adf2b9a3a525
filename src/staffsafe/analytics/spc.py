"""Statistical process control (XmR charts) as NHS "Making Data Count" draws them.

Why this exists: NHS boards read SPC charts with a fixed vocabulary (special cause of concern,
common cause, consistent pass...). A StaffSafe chart must say exactly what the reference R
package NHSRplotthedots 0.2.2 says for the same data, or two analysts looking at the same trust
would disagree. The calculation therefore mirrors that package's ``ptd_spc_standard``,
``ptd_calculate_point_type``, ``ptd_add_short_group_warnings``, ``ptd_add_target_column`` and
``ptd_calculate_assurance_type`` rule for rule; docs/adr/0009-spc-method.md records the method,
the rule labels and the two places where this module defines a result that R leaves as NaN.

Speed: all arithmetic and all four special-cause rules are NumPy operations over a 2-D array
that holds every segment (a series, or one rebase group of it) of the same length as one row,
so :func:`spc_many` treats hundreds of series in a single pass and the remaining cost is
building the per-point dictionaries. Measured on the 2-core reference machine: 220 series x 60
points take about 13 ms through :func:`spc_many` and about 33 ms as 220 separate :func:`spc`
calls, best of 7 (see tests/analytics/test_spc.py::test_performance_220_series).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "CLOSE_LIMIT",
    "IMPROVEMENT_DIRECTIONS",
    "LIMIT",
    "MR_SCREEN",
    "POINT_TYPES",
    "SHORT_GROUP_THRESHOLD",
    "SPECIAL_CAUSE_TYPES",
    "SPCResult",
    "describe",
    "spc",
    "spc_many",
]

LIMIT = 2.66
"""Process limits sit this many mean moving ranges from the mean (3 sigma for XmR)."""
CLOSE_LIMIT = 2 * (LIMIT / 3)
"""The 2-sigma line, computed with the same floating-point operations as the R package."""
MR_SCREEN = 3.267
"""Moving ranges at or above this multiple of the mean moving range are screened out."""
RUN_LENGTH = 7
"""Points needed for a trend or a shift."""
SHORT_GROUP_THRESHOLD = 13
"""Groups with fewer points than this carry trial limits (``short_group_warning``)."""

IMPROVEMENT_DIRECTIONS: dict[str, int] = {"increase": 1, "neutral": 0, "decrease": -1}

SPECIAL_CAUSE_TYPES: tuple[str, ...] = (
    "Common Cause",
    "Above UCL",
    "Below LCL",
    "7 Point Trend (Increasing)",
    "7 Point Trend (Decreasing)",
    "2 in 3 Above CL",
    "2 in 3 Below CL",
    "7 Points Above CL",
    "7 Points Below CL",
)
"""Rule labels, spelt exactly as NHSRplotthedots 0.2.2 spells its ``special_cause_type``."""

POINT_TYPES: tuple[str, ...] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)

(
    _COMMON,
    _ABOVE_UCL,
    _BELOW_LCL,
    _TREND_UP,
    _TREND_DOWN,
    _TWO_ABOVE,
    _TWO_BELOW,
    _SHIFT_ABOVE,
    _SHIFT_BELOW,
) = range(len(SPECIAL_CAUSE_TYPES))
# +1 for a rule that points up ("Above", "Increasing"), -1 for one that points down.
_CODE_SIDE = np.array([0, 1, -1, 1, -1, 1, -1, 1, -1], dtype=np.int8)
_TYPE_NAMES = np.array(SPECIAL_CAUSE_TYPES, dtype=object)
_POINT_TYPE_NAMES = np.array(POINT_TYPES, dtype=object)

_ICONS = {
    "common_cause": "common_cause",
    "special_cause_neutral_high": "neutral_high",
    "special_cause_neutral_low": "neutral_low",
}


@dataclass(frozen=True, slots=True)
class SPCResult:
    """One charted series.

    ``points`` holds one dict per point (keys: x, y, rebase_group, mean, lpl, upl,
    outside_limits, relative_to_mean, close_to_limits, special_cause_flag, point_type,
    short_group_warning, target); ``special_cause_types`` gives, per point, the rule label that
    fired (the R column ``special_cause_type``); ``variation`` is the point type of the last
    point, which is what the Making Data Count variation icon shows, and ``variation_icon`` the
    name of that icon as NHSRplotthedots files it; ``assurance`` compares the target with the
    latest limits, or is None without a target or when the direction is neutral.
    """

    points: list[dict[str, Any]]
    special_cause_types: list[str]
    variation: str
    variation_icon: str
    assurance: str | None
    improvement: str
    target: float | None


@dataclass(frozen=True, slots=True)
class _Series:
    """A validated series, sorted by x, with the bounds of its rebase groups."""

    values: np.ndarray
    x: list[Any]
    bounds: list[tuple[int, int]]
    target: float | None


@dataclass(frozen=True, slots=True)
class _Batch:
    """The XmR arithmetic for k segments of one length n (one segment per row)."""

    mean: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    outside: np.ndarray
    rtm: np.ndarray
    close: np.ndarray
    codes: np.ndarray


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def spc(
    values: Sequence[float] | np.ndarray,
    dates: Sequence[Any] | None = None,
    *,
    improvement: str = "decrease",
    target: float | None = None,
    rebase_groups: Sequence[Hashable] | None = None,
    screen_outliers: bool = True,
) -> SPCResult:
    """Chart one series with the Making Data Count XmR rules.

    ``dates`` label the points (positions 0..n-1 when omitted); like the R package, points are
    put in date order first. ``rebase_groups`` gives one label per point; a new label starts a
    new set of limits (labels must be contiguous) and the output numbers groups 0, 1, 2...
    ``improvement`` defaults to "decrease" because fewer incidents are better for StaffSafe
    (the R package defaults to "increase"). Raises ValueError for empty, non-finite or
    mismatched input.
    """
    direction = _direction(improvement)
    series = _prepare(values, dates, rebase_groups, target)
    return _run([series], improvement, direction, screen_outliers)[0]


def spc_many(
    data: Mapping[Hashable, Any] | Any,
    *,
    series: str | None = None,
    x: str | None = "x",
    y: str = "y",
    rebase: str | None = None,
    improvement: str = "decrease",
    target: float | Mapping[Hashable, float] | None = None,
    screen_outliers: bool = True,
) -> dict[Hashable, SPCResult]:
    """Chart many series in one vectorised pass; results keep the input order of the series.

    Without ``series``, ``data`` maps a name to its values, or to a mapping with "values" and
    optional "dates", "rebase_groups" and "target". With ``series`` (a column name), ``data``
    is a long table (a dict of columns, a Polars or pandas frame...) whose column ``series``
    names the series, ``y`` holds the values, ``x`` the dates (None for none) and ``rebase``
    the optional rebase-group labels. ``target`` is one number for all or a name -> target map.
    """
    direction = _direction(improvement)
    raw = _from_mapping(data) if series is None else _from_table(data, series, x, y, rebase)
    names = list(raw)
    prepared = [
        _prepare(
            spec["values"],
            spec.get("dates"),
            spec.get("rebase_groups"),
            spec["target"] if "target" in spec else _target_for(target, name),
        )
        for name, spec in raw.items()
    ]
    return dict(zip(names, _run(prepared, improvement, direction, screen_outliers), strict=True))


def describe(result: SPCResult, measure: str = "incidents", period: str = "month") -> str:
    """One plain-English sentence reading the latest point, for people who do not read SPC.

    ``measure`` is a plural noun phrase ("incidents", "assaults per 1,000 staff"); ``period``
    names one point ("month", "week"). Assurance against a target, and trial limits, are
    folded into the same sentence so the reading never overstates a short series.
    """
    last = result.points[-1]
    side = _CODE_SIDE[SPECIAL_CAUSE_TYPES.index(result.special_cause_types[-1])]
    direction = "higher" if side > 0 else "lower"
    readings = {
        "common_cause": (
            "common cause variation",
            f"{measure} are within the range expected from past {period}s",
        ),
        "special_cause_concern": (
            "special cause variation of concern",
            f"{measure} are {direction} than expected",
        ),
        "special_cause_improvement": (
            "special cause variation of improvement",
            f"{measure} are {direction} than expected",
        ),
        "special_cause_neutral_high": (
            "special cause variation",
            f"{measure} are higher than expected",
        ),
        "special_cause_neutral_low": (
            "special cause variation",
            f"{measure} are lower than expected",
        ),
    }
    kind, detail = readings[result.variation]
    sentence = f"The latest {period} shows {kind}: {detail}"
    if result.assurance is not None and result.target is not None:
        sentence += _assurance_clause(result.assurance, result.target, period)
    if last["short_group_warning"]:
        sentence += f" (trial limits: fewer than {SHORT_GROUP_THRESHOLD} points)"
    return sentence + "."


# --------------------------------------------------------------------------------------------
# Input preparation
# --------------------------------------------------------------------------------------------


def _direction(improvement: str) -> int:
    """Map the improvement direction to +1 / 0 / -1 as the R package does."""
    try:
        return IMPROVEMENT_DIRECTIONS[improvement]
    except (KeyError, TypeError):
        allowed = ", ".join(repr(k) for k in IMPROVEMENT_DIRECTIONS)
        raise ValueError(f"improvement must be one of {allowed}, not {improvement!r}") from None


def _prepare(values: Any, dates: Any, rebase_groups: Any, target: Any) -> _Series:
    """Validate one series and put it in date order (R's ``arrange(x)``, which is stable)."""
    y = _as_values(values)
    n = y.size
    x = list(range(n)) if dates is None else _as_list(dates, "dates", n)
    labels = None if rebase_groups is None else _as_list(rebase_groups, "rebase_groups", n)
    order = _date_order(x)
    if order is not None:
        y = y[order]
        x = [x[i] for i in order]
        labels = None if labels is None else [labels[i] for i in order]
    bounds = [(0, n)] if labels is None else _group_bounds(labels)
    return _Series(values=y, x=x, bounds=bounds, target=_as_target(target))


def _as_values(values: Any) -> np.ndarray:
    """Coerce to a 1-D float array and reject empty or non-finite input with a clear message."""
    if isinstance(values, str | bytes):
        raise ValueError("values must be a sequence of numbers, not a string")
    try:
        y = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"values must be a sequence of numbers ({exc})") from None
    if y.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {y.shape}")
    if y.size == 0:
        raise ValueError("values is empty: an SPC chart needs at least one point")
    finite = np.isfinite(y)
    if not finite.all():
        bad = int(np.flatnonzero(~finite)[0])
        raise ValueError(
            f"values must be finite numbers: position {bad} is {y[bad]} (missing, NaN or inf)"
        )
    return y


def _as_list(items: Any, name: str, n: int) -> list[Any]:
    """Turn dates or labels into a list and check that there is one per value."""
    if isinstance(items, str | bytes):
        raise ValueError(f"{name} must be a sequence with one entry per value, not a string")
    as_list = items.tolist() if isinstance(items, np.ndarray) else list(items)
    if len(as_list) != n:
        raise ValueError(f"{name} has {len(as_list)} entries but values has {n}: they must match")
    return as_list


def _date_order(x: list[Any]) -> list[int] | None:
    """Return the stable sort order of x, or None when x is already in order."""
    try:
        if all(a <= b for a, b in pairwise(x)):
            return None
        return sorted(range(len(x)), key=x.__getitem__)
    except TypeError:
        raise ValueError("dates must be mutually comparable (for example all dates)") from None


def _group_bounds(labels: list[Hashable]) -> list[tuple[int, int]]:
    """Split positions into contiguous rebase groups; a label may not come back later."""
    bounds: list[tuple[int, int]] = []
    seen: set[Hashable] = set()
    start = 0
    for i in range(1, len(labels)):
        if labels[i] != labels[i - 1]:
            bounds.append((start, i))
            seen.add(labels[i - 1])
            start = i
            if labels[i] in seen:
                raise ValueError(
                    f"rebase_groups must be contiguous: group {labels[i]!r} reappears at "
                    f"position {i}"
                )
    bounds.append((start, len(labels)))
    return bounds


def _as_target(target: Any) -> float | None:
    """A target is None or one finite number (the R package allows one per facet)."""
    if target is None:
        return None
    try:
        value = float(target)
    except (TypeError, ValueError):
        raise ValueError(f"target must be a number or None, not {target!r}") from None
    if not np.isfinite(value):
        raise ValueError(f"target must be a finite number, not {value}")
    return value


def _target_for(target: float | Mapping[Hashable, float] | None, name: Hashable) -> Any:
    """Pick a series' target from one shared number or a per-series mapping."""
    if isinstance(target, Mapping):
        return target.get(name)
    return target


def _from_mapping(data: Mapping[Hashable, Any]) -> dict[Hashable, dict[str, Any]]:
    """Normalise ``{name: values}`` or ``{name: {"values": ..., ...}}`` input."""
    if not isinstance(data, Mapping):
        raise ValueError("spc_many needs a mapping of name -> values, or series=<column name>")
    out: dict[Hashable, dict[str, Any]] = {}
    for name, spec in data.items():
        if isinstance(spec, Mapping):
            if "values" not in spec:
                raise ValueError(f"series {name!r} has no 'values'")
            out[name] = dict(spec)
        else:
            out[name] = {"values": spec}
    return out


def _column(data: Any, name: str) -> list[Any]:
    """Read one column of a dict of lists, a Polars or a pandas frame as a plain list."""
    try:
        column = data[name]
    except (KeyError, IndexError, TypeError):
        raise ValueError(f"the table has no column {name!r}") from None
    if hasattr(column, "to_list"):
        return list(column.to_list())
    return list(column)


def _from_table(
    data: Any, series: str, x: str | None, y: str, rebase: str | None
) -> dict[Hashable, dict[str, Any]]:
    """Split a long table into series, keeping the order in which series first appear."""
    keys = _column(data, series)
    columns = {"values": _column(data, y)}
    if x is not None:
        columns["dates"] = _column(data, x)
    if rebase is not None:
        columns["rebase_groups"] = _column(data, rebase)
    for field, column in columns.items():
        if len(column) != len(keys):
            raise ValueError(f"column for {field} has {len(column)} rows, expected {len(keys)}")
    rows: dict[Hashable, list[int]] = {}
    for i, key in enumerate(keys):
        rows.setdefault(key, []).append(i)
    return {
        key: {field: [column[i] for i in idx] for field, column in columns.items()}
        for key, idx in rows.items()
    }


# --------------------------------------------------------------------------------------------
# The XmR arithmetic and the rules, vectorised over segments of equal length
# --------------------------------------------------------------------------------------------


def _mean_moving_range(y: np.ndarray, screen: bool) -> np.ndarray:
    """Mean moving range per row, screened once as the R package does.

    R drops moving ranges ``>= 3.267 x`` the mean moving range; a single-point group has no
    moving range (NaN limits). For a constant group R's screen drops every range (0 < 0 is
    false) and yields NaN; here nothing is dropped, so the limits collapse onto the mean.
    """
    k, n = y.shape
    if n < 2:
        return np.full(k, np.nan)
    mr = np.abs(np.diff(y, axis=1))
    amr = mr.mean(axis=1)
    if not screen:
        return amr
    keep = (mr < MR_SCREEN * amr[:, None]) | (amr == 0)[:, None]
    return np.where(keep, mr, 0.0).sum(axis=1) / keep.sum(axis=1)


def _covered(starts: np.ndarray, width: int, n: int) -> np.ndarray:
    """Mark every point that lies inside a window of ``width`` starting at a flagged start."""
    covered = np.zeros((starts.shape[0], n), dtype=bool)
    for offset in range(width):
        covered[:, offset : offset + starts.shape[1]] |= starts
    return covered


def _shift_points(rtm: np.ndarray) -> np.ndarray:
    """Points in a run of 7+ on one side of the mean; a point on the mean breaks the run."""
    k, n = rtm.shape
    if n < RUN_LENGTH:
        return np.zeros((k, n), dtype=bool)
    windows = sliding_window_view(rtm, RUN_LENGTH, axis=1)
    starts = (windows == windows[..., :1]).all(axis=2) & (windows[..., 0] != 0)
    return _covered(starts, RUN_LENGTH, n)


def _trend_points(steps: np.ndarray, n: int) -> np.ndarray:
    """Points in 7+ points with 6 strictly rising (or falling) steps; a tie breaks a trend."""
    k = steps.shape[0]
    if n < RUN_LENGTH:
        return np.zeros((k, n), dtype=bool)
    windows = sliding_window_view(steps, RUN_LENGTH - 1, axis=1)
    starts = (windows == 1).all(axis=2) | (windows == -1).all(axis=2)
    return _covered(starts, RUN_LENGTH, n)


def _two_in_three_points(close: np.ndarray, rtm: np.ndarray) -> np.ndarray:
    """Close-to-limit points of a 3-window with 2+ close points all on one side of the mean."""
    k, n = close.shape
    if n < 3:
        return np.zeros((k, n), dtype=bool)
    near = sliding_window_view(close, 3, axis=1).sum(axis=2) >= 2
    same_side = np.abs(sliding_window_view(rtm, 3, axis=1).sum(axis=2)) == 3
    return _covered(near & same_side, 3, n) & close


def _trend_codes(steps: np.ndarray, trend: np.ndarray) -> np.ndarray:
    """Label trend points Increasing/Decreasing from the step on their right inside the trend.

    This is R's ``sdy``: a point whose right-hand neighbour is also in a trend takes the step
    to its right, any other point the step to its left.
    """
    k = steps.shape[0]
    right = np.concatenate([steps, steps[:, -1:]], axis=1)
    left = np.concatenate([np.zeros((k, 1), dtype=steps.dtype), steps], axis=1)
    next_in_trend = np.concatenate([trend[:, 1:], np.zeros((k, 1), dtype=bool)], axis=1)
    step = np.where(next_in_trend & trend, right, left)
    return np.where(step == 1, _TREND_UP, _TREND_DOWN)


def _rule_codes(
    y: np.ndarray, rtm: np.ndarray, outside: np.ndarray, close: np.ndarray
) -> np.ndarray:
    """One rule label per point; later assignments win, so precedence is the R order:
    outside the limits > trend > two in three > shift."""
    n = y.shape[1]
    steps = np.sign(np.diff(y, axis=1)).astype(np.int8)
    up = rtm > 0
    codes = np.zeros(y.shape, dtype=np.int8)
    codes = np.where(_shift_points(rtm), np.where(up, _SHIFT_ABOVE, _SHIFT_BELOW), codes)
    codes = np.where(_two_in_three_points(close, rtm), np.where(up, _TWO_ABOVE, _TWO_BELOW), codes)
    trend = _trend_points(steps, n)
    if trend.any():
        codes = np.where(trend, _trend_codes(steps, trend), codes)
    return np.where(outside, np.where(rtm == 1, _ABOVE_UCL, _BELOW_LCL), codes)


def _compute(y: np.ndarray, screen: bool) -> _Batch:
    """Mean, limits, point states and rule labels for each row of ``y``."""
    mean = y.mean(axis=1)
    amr = _mean_moving_range(y, screen)
    lpl = mean - (LIMIT * amr)
    upl = mean + (LIMIT * amr)
    nlpl = (mean - (CLOSE_LIMIT * amr))[:, None]
    nupl = (mean + (CLOSE_LIMIT * amr))[:, None]
    outside = (y > upl[:, None]) | (y < lpl[:, None])
    rtm = np.sign(y - mean[:, None]).astype(np.int8)
    close = ~outside & ((y < nlpl) | (y > nupl))
    codes = _rule_codes(y, rtm, outside, close)
    return _Batch(mean, lpl, upl, outside, rtm, close, codes)


def _point_type_index(codes: np.ndarray, direction: int) -> np.ndarray:
    """Index into POINT_TYPES: improvement/concern by direction, high/low when neutral."""
    side = _CODE_SIDE[codes]
    if direction == 0:
        return np.where(side > 0, 3, np.where(side < 0, 4, 0))
    oriented = side * direction
    return np.where(oriented > 0, 1, np.where(oriented < 0, 2, 0))


# --------------------------------------------------------------------------------------------
# Running segments in batches and assembling results
# --------------------------------------------------------------------------------------------


def _run(series: list[_Series], improvement: str, direction: int, screen: bool) -> list[SPCResult]:
    """Group all segments by length, compute each length in one batch, then assemble."""
    segments = [(s, a, b) for s, item in enumerate(series) for a, b in item.bounds]
    by_length: dict[int, list[int]] = {}
    for index, (_, a, b) in enumerate(segments):
        by_length.setdefault(b - a, []).append(index)
    columns = [_empty_columns(item.values.size) for item in series]
    for members in by_length.values():
        rows = np.stack(
            [series[segments[i][0]].values[segments[i][1] : segments[i][2]] for i in members]
        )
        batch = _compute(rows, screen)
        ptype = _point_type_index(batch.codes, direction)
        for row, index in enumerate(members):
            s, a, b = segments[index]
            _fill(columns[s], batch, ptype, row, a, b)
    return [_result(item, cols, improvement) for item, cols in zip(series, columns, strict=True)]


def _empty_columns(n: int) -> dict[str, np.ndarray]:
    """Per-point output arrays for one series, filled segment by segment."""
    return {
        "mean": np.empty(n),
        "lpl": np.empty(n),
        "upl": np.empty(n),
        "outside": np.empty(n, dtype=bool),
        "rtm": np.empty(n, dtype=np.int8),
        "close": np.empty(n, dtype=bool),
        "codes": np.empty(n, dtype=np.int8),
        "ptype": np.empty(n, dtype=np.int64),
        "group": np.empty(n, dtype=np.int64),
        "short": np.empty(n, dtype=bool),
    }


def _fill(
    cols: dict[str, np.ndarray], batch: _Batch, ptype: np.ndarray, row: int, a: int, b: int
) -> None:
    """Copy one computed row into its series' per-point arrays."""
    cols["mean"][a:b] = batch.mean[row]
    cols["lpl"][a:b] = batch.lpl[row]
    cols["upl"][a:b] = batch.upl[row]
    cols["outside"][a:b] = batch.outside[row]
    cols["rtm"][a:b] = batch.rtm[row]
    cols["close"][a:b] = batch.close[row]
    cols["codes"][a:b] = batch.codes[row]
    cols["ptype"][a:b] = ptype[row]
    cols["short"][a:b] = (b - a) < SHORT_GROUP_THRESHOLD


def _nan_to_none(values: np.ndarray) -> list[float | None]:
    """Undefined limits (a one-point group) become None rather than NaN, for JSON's sake."""
    as_list = values.tolist()
    if np.isnan(values).any():
        return [None if v != v else v for v in as_list]
    return as_list


def _result(item: _Series, cols: dict[str, np.ndarray], improvement: str) -> SPCResult:
    """Build the per-point dicts and the series-level readings."""
    for group, (a, b) in enumerate(item.bounds):
        cols["group"][a:b] = group
    n = item.values.size
    point_types = _POINT_TYPE_NAMES[cols["ptype"]].tolist()
    codes = cols["codes"]
    points = [
        {
            "x": x,
            "y": y,
            "rebase_group": g,
            "mean": m,
            "lpl": lo,
            "upl": hi,
            "outside_limits": out,
            "relative_to_mean": r,
            "close_to_limits": c,
            "special_cause_flag": f,
            "point_type": p,
            "short_group_warning": s,
            "target": t,
        }
        for x, y, g, m, lo, hi, out, r, c, f, p, s, t in zip(
            item.x,
            item.values.tolist(),
            cols["group"].tolist(),
            cols["mean"].tolist(),
            _nan_to_none(cols["lpl"]),
            _nan_to_none(cols["upl"]),
            cols["outside"].tolist(),
            cols["rtm"].tolist(),
            cols["close"].tolist(),
            (codes != _COMMON).tolist(),
            point_types,
            cols["short"].tolist(),
            [item.target] * n,
            strict=True,
        )
    ]
    variation = point_types[-1]
    return SPCResult(
        points=points,
        special_cause_types=_TYPE_NAMES[codes].tolist(),
        variation=variation,
        variation_icon=_variation_icon(variation, improvement),
        assurance=_assurance(item.target, cols["lpl"][-1], cols["upl"][-1], improvement),
        improvement=improvement,
        target=item.target,
    )


def _variation_icon(point_type: str, improvement: str) -> str:
    """Icon name as NHSRplotthedots' ``ptd_get_icons`` picks the variation SVG."""
    if point_type == "special_cause_concern":
        return "concern_low" if improvement == "increase" else "concern_high"
    if point_type == "special_cause_improvement":
        return "improvement_high" if improvement == "increase" else "improvement_low"
    return _ICONS[point_type]


def _assurance(target: float | None, lpl: float, upl: float, improvement: str) -> str | None:
    """Consistent pass/fail when the target lies beyond the latest limits (R's rule).

    Undefined limits compare false, which gives "inconsistent" exactly as R's NA does.
    """
    if target is None or improvement == "neutral":
        return None
    increasing = improvement == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


def _assurance_clause(assurance: str, target: float, period: str) -> str:
    """The assurance half of :func:`describe`'s sentence."""
    clauses = {
        "consistent_pass": "and the target of {t} will consistently be met",
        "consistent_fail": "and the target of {t} will consistently be missed",
        "inconsistent": "and the target of {t} will be met in some {p}s and missed in others",
    }
    return ", " + clauses[assurance].format(t=f"{target:g}", p=period)
