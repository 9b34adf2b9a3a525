"""Disclosure control: primary rule, secondary suppression and the recoverability check."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffsafe.analytics.sdc import (
    NOT_PUBLISHED,
    UnprotectableTableError,
    display,
    protect_table,
    recoverable_cells,
    suppress_count,
    suppress_rate,
)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, 0),
        (1, None),
        (5, None),
        (7, None),
        (8, 10),
        (10, 10),
        (12, 10),
        (13, 15),
        (17, 15),
        (18, 20),
        (22, 20),
        (23, 25),
        (1002, 1000),
        (1003, 1005),
    ],
)
def test_suppress_count(n: int, expected: int | None) -> None:
    assert suppress_count(n) == expected
    assert suppress_count(np.int64(n)) == expected


def test_rounding_is_to_nearest_five_for_every_count() -> None:
    for n in range(8, 2000):
        published = suppress_count(n)
        assert published % 5 == 0 and abs(published - n) <= 2


def test_display() -> None:
    assert [display(n) for n in (0, 3, 8, 17, None)] == ["0", "*", "10", "15", "*"]
    assert display(suppress_count(13)) == display(13) == "15"


def test_suppress_rate() -> None:
    assert suppress_rate(5, 1.25) is None
    assert suppress_rate(0, 0.0) == 0.0
    assert suppress_rate(9, 2.25) == 2.25


@pytest.mark.parametrize(
    ("value", "error"),
    [(-1, ValueError), (2.0, TypeError), (True, TypeError), ("3", TypeError), (None, TypeError)],
)
def test_suppress_count_refuses_non_counts(value, error: type[Exception]) -> None:
    with pytest.raises(error):
        suppress_count(value)


def test_lone_suppressed_cell_gets_a_partner() -> None:
    table = protect_table([[3, 20, 15], [10, 0, 40], [12, 30, 0]])
    assert table.primary == {(0, 0)}  # only the 3: every other count and total is 0 or >= 8
    # Row 0 hides 15 (its smallest non-zero cell), column 0 hides 10, and column 2, now with
    # the 15 alone, hides the 40; every line then has 0 or at least 2 hidden cells.
    assert table.cells == [[None, 20, None], [None, 0, None], [10, 30, 0]]
    assert table.secondary == {(0, 2), (1, 0), (1, 2)}
    assert table.row_totals == [40, 50, 40] and table.col_totals == [25, 50, 55]
    assert table.grand_total == 130
    assert table.recoverable() == []


def test_zero_cells_are_never_suppressed_and_need_no_partner() -> None:
    table = protect_table([[3, 0, 0], [0, 0, 0]])
    assert table.cells == [[None, 0, 0], [0, 0, 0]]
    assert table.row_totals == [None, 0] and table.col_totals == [None, 0, 0]
    assert table.secondary == frozenset()
    assert table.display() == [["*", "0", "0"], ["0", "0", "0"]]


def test_recoverable_cells_finds_a_subtraction_leak() -> None:
    """[1, 8, 8] totals 17: published [*, 10, 10] with total 15 (15..17 in truth 13..17),
    so the hidden cell is at most 17 - 8 - 8 = 1."""
    assert recoverable_cells([[None, 10, 10]], [15], [None, 10, 10]) == [(0, 0)]
    protected = protect_table([[1, 8, 8]])
    assert protected.cells == [[None, None, 10]]
    assert protected.recoverable() == []


def test_recoverable_cells_with_two_hidden_cells_is_not_fooled() -> None:
    assert recoverable_cells([[None, None, 10]], [15], [None, None, 10]) == []


def test_recoverable_cells_checks_margins_with_a_grand_total() -> None:
    # Row totals [*, 10, 10] and grand total 15: the first row total is pinned to 1.
    table = [[None, 0], [10, 0], [10, 0]]
    assert recoverable_cells(table, [None, 10, 10], [15, 0]) == [(0, 0)]
    assert (0, 2) in recoverable_cells(table, [None, 10, 10], [15, 0], 15)
    assert recoverable_cells(table, [None, 10, 10], [15, 0], NOT_PUBLISHED) == [(0, 0)]


def test_totals_are_validated_and_shapes_checked() -> None:
    assert protect_table([[9, 9]], row_totals=[18], col_totals=[9, 9]).row_totals == [20]
    with pytest.raises(ValueError, match="row totals"):
        protect_table([[9, 9]], row_totals=[19])
    with pytest.raises(ValueError, match="rectangular"):
        protect_table([[1, 2], [3]])
    with pytest.raises(ValueError, match="empty"):
        protect_table([])
    with pytest.raises(ValueError, match="row totals and"):
        recoverable_cells([[1, 2]], [3, 4], [1, 2])


def test_seven_ones_cannot_be_protected() -> None:
    with pytest.raises(UnprotectableTableError, match="merge categories") as caught:
        protect_table([[1, 1, 1, 1, 0, 1, 1, 1]])
    assert "row 0" in caught.value.lines


def test_twelve_ones_are_protected_by_hiding_the_total() -> None:
    table = protect_table([[1] * 12], publish_grand_total=False)
    assert table.row_totals == [None] and (0, 12) in table.secondary
    assert table.recoverable() == []


def _seven_ones(values: list[int]) -> bool:
    return values.count(1) == 7 and set(values) <= {0, 1}


def _intrinsic_leak(rows: list[list[int]], grand: bool) -> bool:
    """A line of exactly seven 1s and zeros gives its cells away whatever is hidden."""
    columns = [list(c) for c in zip(*rows, strict=True)]
    lines = rows + columns
    if grand:
        lines += [[sum(r) for r in rows], [sum(c) for c in columns]]
    return any(_seven_ones(line) for line in lines)


cell = st.one_of(
    st.sampled_from([0, 0, 1, 1, 2, 3, 5, 7, 8]),
    st.integers(0, 30),
    st.integers(0, 400),
)
tables = st.integers(1, 5).flatmap(
    lambda cols: st.lists(st.lists(cell, min_size=cols, max_size=cols), min_size=1, max_size=5)
)
ones_tables = st.integers(6, 9).flatmap(
    lambda cols: st.lists(
        st.lists(st.sampled_from([0, 1, 1, 1, 2]), min_size=cols, max_size=cols),
        min_size=1,
        max_size=3,
    )
)


@settings(max_examples=400, deadline=None)
@given(rows=st.one_of(tables, ones_tables), grand=st.booleans())
def test_protected_tables_leak_nothing(rows: list[list[int]], grand: bool) -> None:
    try:
        table = protect_table(rows, publish_grand_total=grand)
    except UnprotectableTableError:
        assert _intrinsic_leak(rows, grand)
        return
    assert not _intrinsic_leak(rows, grand)
    assert table.recoverable() == []
    grand_total = table.grand_total if grand else NOT_PUBLISHED
    assert recoverable_cells(table.cells, table.row_totals, table.col_totals, grand_total) == []
    for i, row in enumerate(rows):
        for j, true in enumerate(row):
            published = table.cells[i][j]
            if true == 0:
                assert published == 0
            elif true <= 7:
                assert published is None and (i, j) in table.primary
            elif published is not None:
                assert published == suppress_count(true)
            else:
                assert (i, j) in table.secondary
    assert table.primary.isdisjoint(table.secondary)
