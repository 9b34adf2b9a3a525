"""Every NHSRplotthedots 0.2.2 reference case, every column of every point.

The cases live in shared/reference/spc (R output); a copy sits in ./reference_spc so the test
runs anywhere, and a drift test fails if the two ever differ.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest

from staffsafe.analytics.spc import CLOSE_LIMIT, LIMIT, MR_SCREEN, spc

HERE = Path(__file__).resolve().parent
VENDORED = HERE / "reference_spc"
SHARED = HERE.parents[2] / "shared" / "reference" / "spc"
REFERENCE = SHARED if (SHARED / "cases.json").is_file() else VENDORED

CASES: list[dict[str, Any]] = json.loads((REFERENCE / "cases.json").read_text())["cases"]
NUMERIC = ("y", "mean", "lpl", "upl")
BOOLEAN = ("outside_limits", "close_to_limits", "special_cause_flag", "short_group_warning")


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _bool(text: str) -> bool:
    assert text in ("TRUE", "FALSE"), text
    return text == "TRUE"


def _rows(case: dict[str, Any]) -> list[dict[str, str]]:
    with (REFERENCE / case["file"]).open(newline="") as handle:
        return list(csv.DictReader(handle))


def _run(case: dict[str, Any]):
    rows = _rows(case)
    options = case["options"]
    return rows, spc(
        [float(r["y"]) for r in rows],
        [dt.date.fromisoformat(r["x"]) for r in rows],
        improvement=options["improvement_direction"],
        screen_outliers=options["screen_outliers"],
    )


def test_constants_match_reference() -> None:
    constants = json.loads((REFERENCE / "cases.json").read_text())["constants"]
    assert constants == {"limit": LIMIT, "close_limit": CLOSE_LIMIT, "mr_screen": MR_SCREEN}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_column_of_every_point(case: dict[str, Any]) -> None:
    rows, result = _run(case)
    assert len(result.points) == len(rows) == case["expected"]["n"]
    for i, (row, point, label) in enumerate(
        zip(rows, result.points, result.special_cause_types, strict=True)
    ):
        where = f"{case['id']} point {i + 1}"
        assert point["x"].isoformat() == row["x"], where
        assert point["rebase_group"] == int(row["rebase_group"]), where
        expected = {"y": row["y"], "mean": row["mean_col"], "lpl": row["lpl"], "upl": row["upl"]}
        for key in NUMERIC:
            assert _close(point[key], float(expected[key])), (where, key, point[key])
        for key in BOOLEAN:
            assert point[key] is _bool(row[key]), (where, key)
        assert point["relative_to_mean"] == int(row["relative_to_mean"]), where
        assert label == row["special_cause_type"], where
        assert point["point_type"] == row["point_type"], where
        assert (point["target"] is None) == (row["target"] == "NA"), where
        if row["target"] != "NA":
            assert _close(point["target"], float(row["target"])), where


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_summary_values_and_flagged_points(case: dict[str, Any]) -> None:
    _, result = _run(case)
    expected = case["expected"]
    first = result.points[0]
    for key in ("mean", "lpl", "upl"):
        assert _close(first[key], expected[key]), key
    assert [p["y"] for p in result.points] == pytest.approx(expected["y"], rel=1e-12)
    flagged = [
        {"index_1based": i + 1, "special_cause_type": t, "point_type": p["point_type"]}
        for i, (p, t) in enumerate(zip(result.points, result.special_cause_types, strict=True))
        if p["special_cause_flag"]
    ]
    assert flagged == expected["flags"]


def test_published_vignette_rounding() -> None:
    """The deviations vignette's captions, as printed (2 decimal places)."""
    by_id = {c["id"]: c for c in CASES}
    _, screened = _run(by_id["A1"])
    _, unscreened = _run(by_id["A2"])
    first, raw = screened.points[0], unscreened.points[0]
    assert (round(first["upl"], 2), round(first["mean"], 2), round(first["lpl"], 2)) == (
        4.60,
        1.94,
        -0.72,
    )
    assert (round(raw["upl"], 2), round(raw["lpl"], 2)) == (6.95, -3.06)


def test_vendored_copy_matches_shared_reference() -> None:
    if not (SHARED / "cases.json").is_file():
        pytest.skip("shared/reference/spc is not beside this checkout")
    for source in sorted(SHARED.iterdir()):
        assert (VENDORED / source.name).read_bytes() == source.read_bytes(), source.name
