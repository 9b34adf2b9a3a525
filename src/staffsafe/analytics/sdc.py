"""Statistical disclosure control for tables published below national level.

Why: a count of 1 to 7 incidents against named staff groups in one organisation can identify
the people involved, so the data standard's rule for any published table below national level:

* 0 is shown as 0 (an absence reveals nobody);
* 1 to 7 are suppressed: held as None, displayed "*";
* every other count is rounded to the nearest 5 (8 -> 10, 12 -> 10, 13 -> 15, 17 -> 15,
  18 -> 20; no integer is ever exactly half-way, so the half-up tie rule never bites);
* a rate is suppressed whenever its count is.

Primary suppression alone is not enough when margins are published: a hidden cell can be
worked back from its row or column total, so :func:`protect_table` adds secondary suppression
and :func:`recoverable_cells` is the automated check that nothing can be worked back.

National totals are the exception: they are published exact (neither rounded nor suppressed),
because at national level primary suppression does not apply. Never pass a national table to
these functions, and never publish an exact national total beside a sub-national table that
could be differenced against it.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = [
    "NOT_PUBLISHED",
    "SUPPRESSED_DISPLAY",
    "ProtectedTable",
    "UnprotectableTableError",
    "display",
    "protect_table",
    "recoverable_cells",
    "suppress_count",
    "suppress_rate",
]

SUPPRESS_MIN = 1
SUPPRESS_MAX = 7
ROUND_TO = 5
SUPPRESSED_DISPLAY = "*"

Position = tuple[int, int]
Interval = tuple[int, int]


class _NotPublished(Enum):
    MARK = "not published"


NOT_PUBLISHED = _NotPublished.MARK
"""Marks a grand total that is not published at all (as opposed to None, suppressed)."""


class UnprotectableTableError(ValueError):
    """No suppression pattern can hide the cells: the categories must be merged instead.

    Happens when a line holds exactly seven 1s and zeros: its total (7) is itself suppressed,
    yet "seven cells of at least 1 adding up to at most 7" gives every cell away.
    """

    def __init__(self, lines: list[str]) -> None:
        super().__init__(
            "table cannot be protected by suppression; merge categories in: " + ", ".join(lines)
        )
        self.lines = lines


# --------------------------------------------------------------------------------------------
# Primary suppression
# --------------------------------------------------------------------------------------------


def suppress_count(n: int) -> int | None:
    """0 stays 0, 1-7 become None (suppressed), anything else is rounded to the nearest 5."""
    value = _count(n)
    if value == 0:
        return 0
    if value <= SUPPRESS_MAX:
        return None
    return (value + ROUND_TO // 2) // ROUND_TO * ROUND_TO


def display(n: int | None) -> str:
    """Text for a published cell: "*" for a suppressed count, else the protected number.

    Accepts a raw count or an already protected value (None is suppressed); protection is
    idempotent, so both give the same text.
    """
    if n is None:
        return SUPPRESSED_DISPLAY
    protected = suppress_count(n)
    return SUPPRESSED_DISPLAY if protected is None else str(protected)


def suppress_rate(count: int, rate: float | None) -> float | None:
    """The rate, or None when its count would be suppressed (a rate can reveal its count)."""
    return None if suppress_count(count) is None else rate


def _count(n: Any) -> int:
    """Counts are non-negative integers; bools and floats are refused rather than guessed."""
    if isinstance(n, bool):
        raise TypeError("a count must be an integer, not a bool")
    try:
        value = operator.index(n)
    except TypeError:
        raise TypeError(f"a count must be an integer, not {type(n).__name__}") from None
    if value < 0:
        raise ValueError(f"a count cannot be negative: {value}")
    return value


# --------------------------------------------------------------------------------------------
# Recoverability check
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    """A row or column: its members add up to its total (positions in the augmented grid)."""

    name: str
    members: tuple[Position, ...]
    total: Position
    margin: bool = False  # totals against the grand total, rather than a row or column


def _interval(value: int | None) -> Interval:
    """What a reader knows from a published value: suppressed is 1-7, 0 is exact, and a
    rounded v is v-2..v+2."""
    if value is None:
        return (SUPPRESS_MIN, SUPPRESS_MAX)
    if value == 0:
        return (0, 0)
    half = ROUND_TO // 2
    return (value - half, value + half)


def _derived(line: _Line, target: Position, grid: dict[Position, int | None]) -> Interval:
    """Interval for ``target`` from the rest of its line (total minus members, or sum)."""
    if target == line.total:
        spans = [_interval(grid[m]) for m in line.members]
        return sum(s[0] for s in spans), sum(s[1] for s in spans)
    total = _interval(grid[line.total])
    others = [_interval(grid[m]) for m in line.members if m != target]
    return total[0] - sum(s[1] for s in others), total[1] - sum(s[0] for s in others)


def _leaks(
    lines: Iterable[_Line], grid: dict[Position, int | None]
) -> list[tuple[Position, _Line]]:
    """Suppressed entries whose line pins them to a single value within 1-7."""
    found: list[tuple[Position, _Line]] = []
    for line in lines:
        for target in (*line.members, line.total):
            if grid[target] is not None:
                continue
            low, high = _derived(line, target, grid)
            if max(low, SUPPRESS_MIN) == min(high, SUPPRESS_MAX):
                found.append((target, line))
    return found


def recoverable_cells(
    published_table: Sequence[Sequence[int | None]],
    published_row_totals: Sequence[int | None],
    published_col_totals: Sequence[int | None],
    published_grand_total: int | _NotPublished | None = NOT_PUBLISHED,
) -> list[Position]:
    """Suppressed cells that a reader could work out exactly by subtraction.

    Rounded values are read as v-2..v+2, zeros as exact and suppressed values as 1..7; a
    suppressed cell is recovered when its row or column total minus the other cells (each as an
    interval) leaves a single value in 1..7. Positions are (row, column); when a grand total is
    given, suppressed margins are checked too and reported as (row, n_cols) for a row total and
    (n_rows, column) for a column total. Sorted, without duplicates.
    """
    grid, lines = _published_grid(
        published_table, published_row_totals, published_col_totals, published_grand_total
    )
    return sorted({position for position, _ in _leaks(lines, grid)})


def _published_grid(
    table: Sequence[Sequence[int | None]],
    row_totals: Sequence[int | None],
    col_totals: Sequence[int | None],
    grand_total: int | _NotPublished | None,
) -> tuple[dict[Position, int | None], list[_Line]]:
    """The augmented grid of published values and its additive lines."""
    rows, cols = _shape(table)
    if len(row_totals) != rows or len(col_totals) != cols:
        raise ValueError(
            f"a {rows}x{cols} table needs {rows} row totals and {cols} column totals, got "
            f"{len(row_totals)} and {len(col_totals)}"
        )
    grid: dict[Position, int | None] = {
        (i, j): table[i][j] for i in range(rows) for j in range(cols)
    }
    grid.update({(i, cols): row_totals[i] for i in range(rows)})
    grid.update({(rows, j): col_totals[j] for j in range(cols)})
    with_grand = grand_total is not NOT_PUBLISHED
    if with_grand:
        grid[(rows, cols)] = grand_total  # type: ignore[assignment]
    return grid, _lines(rows, cols, with_grand)


def _lines(rows: int, cols: int, with_grand: bool) -> list[_Line]:
    """Rows and columns of the body; with a grand total, the two margins as lines too."""
    lines = [_Line(f"row {i}", tuple((i, j) for j in range(cols)), (i, cols)) for i in range(rows)]
    lines += [
        _Line(f"column {j}", tuple((i, j) for i in range(rows)), (rows, j)) for j in range(cols)
    ]
    if with_grand:
        row_totals = tuple((i, cols) for i in range(rows))
        col_totals = tuple((rows, j) for j in range(cols))
        lines.append(_Line("row totals", row_totals, (rows, cols), margin=True))
        lines.append(_Line("column totals", col_totals, (rows, cols), margin=True))
    return lines


def _shape(table: Sequence[Sequence[Any]]) -> tuple[int, int]:
    """Rows and columns of a non-empty rectangular table."""
    rows = len(table)
    if rows == 0 or len(table[0]) == 0:
        raise ValueError("the table is empty")
    cols = len(table[0])
    if any(len(row) != cols for row in table):
        raise ValueError("the table is not rectangular: every row needs the same length")
    return rows, cols


# --------------------------------------------------------------------------------------------
# Secondary suppression
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProtectedTable:
    """A table ready to publish. Suppressed values are None (display "*").

    ``primary`` and ``secondary`` hold the suppressed positions in the augmented grid: (i, j)
    for body cells, (i, n_cols) for row totals, (n_rows, j) for column totals and
    (n_rows, n_cols) for the grand total; ``grand_total`` is meaningful only when
    ``grand_total_published``.
    """

    cells: list[list[int | None]]
    row_totals: list[int | None]
    col_totals: list[int | None]
    grand_total: int | None
    grand_total_published: bool
    primary: frozenset[Position]
    secondary: frozenset[Position]

    def display(self) -> list[list[str]]:
        """The body as text, "*" for suppressed cells."""
        return [[display(v) for v in row] for row in self.cells]

    def recoverable(self) -> list[Position]:
        """Run :func:`recoverable_cells` on this table (empty when protection held)."""
        grand = self.grand_total if self.grand_total_published else NOT_PUBLISHED
        return recoverable_cells(self.cells, self.row_totals, self.col_totals, grand)


def protect_table(
    rows: Sequence[Sequence[int]],
    row_totals: Sequence[int] | None = None,
    col_totals: Sequence[int] | None = None,
    *,
    publish_grand_total: bool = True,
) -> ProtectedTable:
    """Primary then secondary suppression, until no suppressed value can be worked back.

    Totals default to the sums of the counts; if given they must equal those sums (the check
    relies on the table adding up). Totals get the same primary rule as cells. Secondary
    suppression then repeats until stable: (1) any row or column with exactly one suppressed
    cell gets its smallest non-zero published cell suppressed too; (2) any suppressed value that
    :func:`recoverable_cells` could still recover gets one more value of the line that gives it
    away suppressed: of that line's non-zero published members and its total, the one that
    leaves the fewest leaks, smallest count first. Raises UnprotectableTableError when a line
    leaks whatever is suppressed (a line of exactly seven 1s and zeros).
    """
    truth, lines = _true_grid(rows, row_totals, col_totals, publish_grand_total)
    grid: dict[Position, int | None] = {pos: suppress_count(v) for pos, v in truth.items()}
    primary = frozenset(pos for pos, v in grid.items() if v is None)
    while _single_suppression_pass(lines, truth, grid) or _leak_pass(lines, truth, grid):
        pass
    n_rows, n_cols = len(rows), len(rows[0])
    return ProtectedTable(
        cells=[[grid[(i, j)] for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[grid[(i, n_cols)] for i in range(n_rows)],
        col_totals=[grid[(n_rows, j)] for j in range(n_cols)],
        grand_total=grid.get((n_rows, n_cols)),
        grand_total_published=publish_grand_total,
        primary=primary,
        secondary=frozenset(pos for pos, v in grid.items() if v is None) - primary,
    )


def _true_grid(
    rows: Sequence[Sequence[int]],
    row_totals: Sequence[int] | None,
    col_totals: Sequence[int] | None,
    with_grand: bool,
) -> tuple[dict[Position, int], list[_Line]]:
    """Validated true counts on the augmented grid, and its lines."""
    n_rows, n_cols = _shape(rows)
    body = [[_count(v) for v in row] for row in rows]
    sums_r = [sum(row) for row in body]
    sums_c = [sum(body[i][j] for i in range(n_rows)) for j in range(n_cols)]
    _check_totals(row_totals, sums_r, "row")
    _check_totals(col_totals, sums_c, "column")
    truth = {(i, j): body[i][j] for i in range(n_rows) for j in range(n_cols)}
    truth.update({(i, n_cols): sums_r[i] for i in range(n_rows)})
    truth.update({(n_rows, j): sums_c[j] for j in range(n_cols)})
    if with_grand:
        truth[(n_rows, n_cols)] = sum(sums_r)
    return truth, _lines(n_rows, n_cols, with_grand)


def _check_totals(given: Sequence[int] | None, sums: list[int], kind: str) -> None:
    """Given totals must be exactly the sums of the cells they total."""
    if given is None:
        return
    values = [_count(v) for v in given]
    if values != sums:
        raise ValueError(f"{kind} totals {values} do not equal the {kind} sums {sums}")


def _candidates(
    line: _Line, truth: dict[Position, int], grid: dict[Position, int | None]
) -> list[Position]:
    """Non-zero published members of a line, smallest true count first."""
    members = [m for m in line.members if grid[m] is not None and truth[m] > 0]
    return sorted(members, key=lambda m: (truth[m], m))


def _single_suppression_pass(
    lines: list[_Line], truth: dict[Position, int], grid: dict[Position, int | None]
) -> bool:
    """Rule (1) on body rows and columns: a lone suppressed cell gets the smallest non-zero
    published cell of its line as a partner. True if anything changed.

    The margin lines (totals against the grand total) are left to the leak check: hiding a
    total there as a reflex can make its own row read as "seven cells of 1-7 adding to 1-7".
    """
    changed = False
    for line in lines:
        if line.margin:
            continue
        hidden = sum(grid[m] is None for m in line.members)
        candidates = _candidates(line, truth, grid)
        if hidden == 1 and candidates:
            grid[candidates[0]] = None
            changed = True
    return changed


def _leak_pass(
    lines: list[_Line], truth: dict[Position, int], grid: dict[Position, int | None]
) -> bool:
    """Rule (2): close the first remaining leak. True if something was suppressed.

    Every candidate in the leaking line (its non-zero published members, then its total) is
    tried, and the one that leaves the fewest leaks anywhere wins, smallest count first.
    """
    leaks = _leaks(lines, grid)
    if not leaks:
        return False
    for _, line in leaks:
        options = _candidates(line, truth, grid)
        if grid[line.total] is not None and truth[line.total] > 0:
            options.append(line.total)
        if options:
            grid[_least_leaky(options, lines, truth, grid)] = None
            return True
    raise UnprotectableTableError(sorted({line.name for _, line in leaks}))


def _least_leaky(
    options: list[Position],
    lines: list[_Line],
    truth: dict[Position, int],
    grid: dict[Position, int | None],
) -> Position:
    """The option whose suppression leaves the fewest leaks; the smallest count on a tie."""
    return min(options, key=lambda pos: (_leaks_if_hidden(pos, lines, grid), truth[pos]))


def _leaks_if_hidden(
    position: Position, lines: list[_Line], grid: dict[Position, int | None]
) -> int:
    """How many leaks would remain if ``position`` were suppressed too."""
    trial = dict(grid)
    trial[position] = None
    return len(_leaks(lines, trial))
