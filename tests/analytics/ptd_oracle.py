"""A slow, loop-for-loop port of the NHSRplotthedots 0.2.2 R functions, used as a test oracle.

Why: the production module vectorises every rule with NumPy windows; this file keeps the R
package's own shape (padding, ``vapply`` over indices, ``case_when`` order) so a property test
can compare the two on thousands of random series. It is deliberately naive: plain lists,
1-based thinking translated index by index, no NumPy.
"""

from __future__ import annotations

LIMIT = 2.66
CLOSE_LIMIT = 2 * (LIMIT / 3)


def sign(v: float) -> int:
    return (v > 0) - (v < 0)


def limits(y: list[float], screen: bool) -> tuple[float, float | None]:
    """Mean and mean moving range (None for a single point), with R's one-pass screen."""
    mean = sum(y) / len(y)
    mr = [abs(y[i] - y[i - 1]) for i in range(1, len(y))]
    if not mr:
        return mean, None
    amr = sum(mr) / len(mr)
    if screen and amr > 0:
        kept = [m for m in mr if m < 3.267 * amr]
        amr = sum(kept) / len(kept)
    return mean, amr


def seven_point_one_side_mean(v: list[int]) -> list[int]:
    vp = [0] * 6 + v
    out = []
    for i in range(6, len(vp)):
        out.append(int(all(vp[i] == vp[i - k] for k in range(1, 7)) and vp[i] != 0))
    return out


def part_of_seven_trend(v: list[int]) -> list[int]:
    vp = v + [0] * 6
    return [int(any(abs(vp[i + k]) == 1 for k in range(7))) for i in range(len(v))]


def seven_point_trend(y: list[float]) -> list[int]:
    if len(y) < 7:
        return [0] * len(y)
    out = [0] * 6
    for i in range(6, len(y)):
        window = [y[i - k] for k in range(7)]  # y[i - 0:6] in R: newest first
        d = [-sign(window[k + 1] - window[k]) for k in range(6)]
        if all(s == 1 for s in d):
            out.append(1)
        elif all(s == -1 for s in d):
            out.append(-1)
        else:
            out.append(0)
    return out


def two_in_three(v: list[int], rtm: list[int]) -> list[int]:
    vp = [0, 0, *v, 0, 0]
    rp = [0, 0, *rtm, 0, 0]
    out = []
    for i in range(len(v)):
        hit = False
        for start in (i, i + 1, i + 2):
            window = range(start, start + 3)
            if sum(vp[j] for j in window) >= 2 and abs(sum(rp[j] for j in window)) == 3:
                hit = True
        out.append(int(hit))
    return out


def special_cause_type(
    y: list[float], rtm: list[int], close: list[int], outside: list[bool]
) -> list[str]:
    trend = part_of_seven_trend(seven_point_trend(y))
    tit = [
        int(t == 1 and abs(c) == 1) for t, c in zip(two_in_three(close, rtm), close, strict=True)
    ]
    shift = part_of_seven_trend(seven_point_one_side_mean(rtm))
    sdy = [sign(y[i + 1] - y[i]) for i in range(len(y) - 1)]
    n = len(y)
    step = []
    for i in range(n):
        nxt = trend[i + 1] if i + 1 < n else 0
        if nxt and trend[i]:
            step.append(sdy[i] if i < len(sdy) else sdy[-1])
        else:
            step.append(0 if i == 0 else sdy[i - 1])
    labels = []
    for i in range(n):
        side = "Above" if rtm[i] > 0 else "Below"
        if outside[i]:
            labels.append("Above UCL" if rtm[i] == 1 else "Below LCL")
        elif trend[i]:
            labels.append("7 Point Trend (" + ("In" if step[i] == 1 else "De") + "creasing)")
        elif tit[i]:
            labels.append(f"2 in 3 {side} CL")
        elif shift[i]:
            labels.append(f"7 Points {side} CL")
        else:
            labels.append("Common Cause")
    return labels


def point_type(label: str, direction: int) -> str:
    if "Above" in label or "Increasing" in label:
        v = 1
    elif "Below" in label or "Decreasing" in label:
        v = -1
    else:
        v = 0
    if direction == 0:
        return {1: "special_cause_neutral_high", -1: "special_cause_neutral_low"}.get(
            v, "common_cause"
        )
    v *= direction
    return {1: "special_cause_improvement", -1: "special_cause_concern"}.get(v, "common_cause")


def group(y: list[float], direction: int, screen: bool) -> list[dict]:
    """Every column for one rebase group, as the R pipeline would produce it."""
    mean, amr = limits(y, screen)
    if amr is None:
        lpl = upl = nlpl = nupl = float("nan")
    else:
        lpl, upl = mean - (LIMIT * amr), mean + (LIMIT * amr)
        nlpl, nupl = mean - (CLOSE_LIMIT * amr), mean + (CLOSE_LIMIT * amr)
    outside = [v > upl or v < lpl for v in y]
    rtm = [sign(v - mean) for v in y]
    close = [int(not o and (v < nlpl or v > nupl)) for v, o in zip(y, outside, strict=True)]
    labels = special_cause_type(y, rtm, close, outside)
    return [
        {
            "mean": mean,
            "lpl": lpl,
            "upl": upl,
            "outside_limits": outside[i],
            "relative_to_mean": rtm[i],
            "close_to_limits": bool(close[i]),
            "special_cause_type": labels[i],
            "special_cause_flag": labels[i] != "Common Cause",
            "point_type": point_type(labels[i], direction),
            "short_group_warning": len(y) < 13,
        }
        for i in range(len(y))
    ]
