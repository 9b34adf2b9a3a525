"""National tables from accepted returns, and their publication with disclosure control.

Pure: no Django (an import-linter contract). The read model (`collection.national`) hands in two
Polars frames and gets tables back:

* ``rows``: current national rows of accepted returns, one per member of staff affected, with
  ``trust_ods``, ``trust_name``, ``sector`` and ``region`` of the trust (the trust's sector, not
  the incident's: staff headcounts, the denominators, exist only per trust), ``period_start``,
  ``staff_index``, ``category``, ``medical_factors``, ``injury``, ``days_absent``,
  ``police_informed``, ``police_outcome``, ``civil_admin_sanctions`` and ``staff_group``.
  Counting incidents is counting rows with ``staff_index = 0``.
* ``headcounts``: one row per accepted return and staff group: ``trust_ods``, ``period_start``,
  ``staff_group``, ``headcount`` (and ``trust_name``, ``sector``, ``region``, taken from ``rows``
  when absent). A trust-month with a return counts as reporting even with no incident.

Periods. ``month``: a calendar month ("2025-04"). ``quarter``: the financial-year quarters NHS
publications use, Q1 = April to June, Q2 = July to September, Q3 = October to December, Q4 =
January to March ("2025-26 Q1"). ``year``: the financial year, April to March ("2025-26").
Rows count in the month of the return that carries them (a late-reported incident in the month it
was reported, as the data standard says).

Denominators. A rate is per 1,000 staff: the staff are the average monthly headcount over the
period, each trust's headcounts averaged over the months of the period its returns were accepted
for, then added up across trusts (so rate = count / headcount x 1,000 in every row). When a
period is incomplete (a quarter still in progress, a return not yet in), its rates cover the
months reported, and the tables say so in a note. For the staff-group table the measure is staff
affected (people), per 1,000 staff of the group.
Rates use :func:`staffsafe.analytics.rates.rate_ci_array` (exact Poisson below 10, Byar from 10);
the share of physical assaults with medical factors uses the Wilson interval.

Disclosure control (:func:`publish`). England figures are national and published exact; so are
the tables by category and by staff group, which are England-wide. Everything below national
level (sector, region, trust, sector x category) follows the data standard: 0 stays 0, 1 to 7 are
suppressed ("*"), others are rounded to the nearest 5 (:func:`sdc.suppress_count`); days lost are
suppressed where 1 to 7 staff were absent. Rates, shares and intervals below national level are
computed from the *published* (rounded) counts, so they reveal nothing the count does not, and are
suppressed with their count.

Because the exact England figures sit beside the rounded ones, suppression is decided for all
published figures together (``_protect``): every figure is a key, and every additive relation a
reader can use is a *line* (trusts of a sector add up to the sector, sectors and regions to
England, months to the quarter and quarters to the year, categories to the sector total, police
outcomes to police informed). A reader knows a suppressed count is 1 to 7, a rounded one is within
2, a zero or an England figure exactly; repeated subtraction along the lines (bounds propagation
to a fixed point, ``_Bounds``) is the attack, and a suppressed figure it pins to one value is
recoverable (a count of 1 to 7, or any days lost). Then, until nothing is recoverable:

* the smallest published count of a line that gives a figure away is suppressed too (lines that
  do so from published values alone, the roots of any chain, are dealt with first);
* where a line has nothing left to suppress (its other figures are zeros, suppressed or
  England's), its figures are *withheld*: shown as "*" too, zeros included, and read as
  unknown. The standard keeps zeros, but it also says no suppressed cell may be recoverable;
  where the two collide (a tiny England count sitting in one group), the second wins.
* a figure that England's exact figures alone give away (the only sector that reported has
  England's figures) is published exact: suppressing it would hide nothing. The tables say so.

Suppression is decided per financial year with all three granularities at once, so the same cell
looks the same in the monthly, quarterly and yearly tables and whatever range is asked for:
callers should pass whole financial years. Inequalities (physical assaults <= incidents) are not
used by the check; they can only narrow a figure towards one already known exactly.

Limits of the check. Repeated subtraction is stronger than :func:`sdc.recoverable_cells` (one
line at a time, no exact England figures) and, for the sector x category table on its own
published totals, the tests find it as strong as linear programming. Across linked tables, a
reader solving the whole linear system at once can, rarely and only with very small England
counts, pin a figure that subtraction cannot (a region's total less the *sum* of two withheld
cells that England's exact count bounds together). A full linear-programming audit of a national
year (thousands of suppressed figures) is too slow for a page; it belongs in an offline audit.

The sector x category table is first protected with :func:`sdc.protect_table` (its suppression is
kept as a starting point) and, once published, must pass :func:`sdc.recoverable_cells` with no
recoverable cell; a period whose block cannot be protected that way is not published. The check
of both kinds is :func:`check_published`; :func:`publish` raises :class:`DisclosureError` if it
finds anything.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl

from staffsafe.analytics import rates, sdc
from staffsafe.datastandard import codes

__all__ = [
    "CELL_KEYS",
    "CELL_MEASURES",
    "GRANULARITIES",
    "NATIONAL",
    "SUBNATIONAL",
    "TABLE_NAMES",
    "Column",
    "DisclosureError",
    "Period",
    "PublishedTable",
    "Row",
    "Table",
    "build_tables",
    "build_tables_from_cells",
    "cells",
    "check_published",
    "display_columns",
    "display_row",
    "display_value",
    "export_rows",
    "financial_year_start",
    "period_of",
    "publications_for_year",
    "publish",
    "published_from_json",
    "published_to_json",
    "suppressed",
]

GRANULARITIES = ("month", "quarter", "year")
NATIONAL = "national"
SUBNATIONAL = "subnational"
ENGLAND = "england"
ENGLAND_LABEL = "England"
PHYSICAL_ASSAULT = "physical_assault"

ROWS_COLUMNS = ("trust_ods", "period_start", "staff_index", "category", "medical_factors",
                "injury", "days_absent", "police_informed", "police_outcome",
                "civil_admin_sanctions", "staff_group")
TRUST_COLUMNS = ("trust_ods", "trust_name", "sector", "region")
HEADCOUNT_COLUMNS = ("trust_ods", "period_start", "staff_group", "headcount")


class DisclosureError(ValueError):
    """A table about to be published would let a suppressed figure be worked out."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("disclosure check failed: " + "; ".join(problems[:5]))
        self.problems = problems


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    start: date
    granularity: str
    key: str
    label: str
    months: int
    financial_year: int  # the calendar year the financial year starts in

    @property
    def end(self) -> date:
        """The first day of the last month of the period."""
        month = self.start.month - 1 + self.months - 1
        return date(self.start.year + month // 12, month % 12 + 1, 1)


def financial_year_start(day: date) -> int:
    """The year the financial year holding ``day`` starts in (April to March)."""
    return day.year if day.month >= 4 else day.year - 1


def _fy_key(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def period_of(day: date, granularity: str) -> Period:
    """The month, financial-year quarter or financial year holding ``day``."""
    year = financial_year_start(day)
    if granularity == "month":
        start = day.replace(day=1)
        return Period(start, "month", f"{start:%Y-%m}", f"{start:%B %Y}", 1, year)
    if granularity == "quarter":
        quarter = (day.month - 4) % 12 // 3 + 1
        month = (quarter - 1) * 3 + 4
        start = date(year + (month > 12), (month - 1) % 12 + 1, 1)
        key = f"{_fy_key(year)} Q{quarter}"
        return Period(start, "quarter", key, key, 3, year)
    if granularity == "year":
        return Period(date(year, 4, 1), "year", _fy_key(year), _fy_key(year), 12, year)
    raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}, not {granularity!r}")


# --------------------------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------------------------

CATEGORIES = codes.CATEGORY.values
OUTCOMES = codes.POLICE_OUTCOME.values
SANCTIONS = codes.CIVIL_ADMIN_SANCTION.values


def _incident() -> pl.Expr:
    return pl.col("staff_index") == 0


def _true(name: str) -> pl.Expr:
    return pl.col(name).fill_null(False)


def _days() -> pl.Expr:
    return pl.col("days_absent").fill_null(0)


def _police_measures() -> list[pl.Expr]:
    informed = _incident() & _true("police_informed")
    return [informed.sum().alias("police")] + [
        (informed & (pl.col("police_outcome") == o)).sum().alias(f"police:{o}") for o in OUTCOMES
    ]


def _sanction_measures() -> list[pl.Expr]:
    listed = pl.col("civil_admin_sanctions").fill_null("").str.split("|")
    return [(_incident() & listed.list.contains(c)).sum().alias(f"sanction:{c}")
            for c in SANCTIONS]


def _cell_measures() -> list[pl.Expr]:
    """Every count the tables publish, per cell of rows: all add up across cells."""
    physical = _incident() & (pl.col("category") == PHYSICAL_ASSAULT)
    return [
        pl.len().alias("staff"),
        _incident().sum().alias("incidents"),
        (physical & _true("medical_factors")).sum().alias("medical"),
        _true("injury").sum().alias("injured"),
        _days().sum().alias("days"),
        (_days() > 0).sum().alias("days_contributors"),
        *_police_measures(), *_sanction_measures(),
    ]


# The roll-up of national rows that every table is built from: one cell per trust, month,
# category and staff group, holding the counts of :data:`CELL_MEASURES`. Cells add up, so the
# cells of many returns (or of one return computed in parts) sum to the cells of all their rows.
CELL_KEYS = ("trust_ods", "period_start", "category", "staff_group")
MEASURE_INPUTS = ("staff_index", "category", "medical_factors", "injury", "days_absent",
                  "police_informed", "police_outcome", "civil_admin_sanctions", "staff_group")
CELL_MEASURES = tuple(e.meta.output_name() for e in _cell_measures())


def cells(rows: pl.DataFrame, keys: Sequence[str] = CELL_KEYS) -> pl.DataFrame:
    """National rows (one per member of staff affected) rolled up into cells.

    ``keys`` must include ``category`` and ``staff_group``; the read model keeps one cell per
    return as well. Trust attributes (``trust_name``, ``sector``, ``region``) are kept when
    present. The result has the keys, those attributes and :data:`CELL_MEASURES` (Int64).
    """
    _require(rows, (*keys, *MEASURE_INPUTS), "rows")
    keys = [*keys, *(c for c in TRUST_COLUMNS[1:] if c in rows.columns and c not in keys)]
    frame = rows.with_columns(pl.col("category", "staff_group").cast(pl.Utf8).fill_null(""))
    return _counts(frame, keys, _cell_measures())


def add_cells(parts: Sequence[pl.DataFrame], keys: Sequence[str]) -> pl.DataFrame:
    """Cells made from parts of the same rows (by ``cells`` with these ``keys``), added up into
    the cells of all of them."""
    frame = pl.concat([p.select(*keys, *CELL_MEASURES) for p in parts])
    return _counts(frame, list(keys), [pl.col(list(CELL_MEASURES)).sum()])


def _sum_cells(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Cells added up by ``by``, with incidents by category as ``incidents:<category>``."""
    split = [pl.col("incidents").filter(pl.col("category") == c).sum().alias(f"incidents:{c}")
             for c in CATEGORIES]
    return _counts(frame, by, [pl.col(list(CELL_MEASURES)).sum(), *split])


def _counts(frame: pl.DataFrame, by: list[str], measures: list[pl.Expr]) -> pl.DataFrame:
    out = frame.group_by(by, maintain_order=True).agg(measures)
    return out.with_columns(pl.exclude(by).cast(pl.Int64))


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------


def _require(frame: pl.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the {name} frame lacks column(s): {', '.join(missing)}")


def _trusts(rows: pl.DataFrame, headcounts: pl.DataFrame) -> pl.DataFrame:
    frames = [f.select(TRUST_COLUMNS) for f in (headcounts, rows)
              if all(c in f.columns for c in TRUST_COLUMNS)]
    if not frames:
        raise ValueError("trust_name, sector and region are needed in rows or headcounts")
    both = pl.concat([f.cast(dict.fromkeys(TRUST_COLUMNS, pl.Utf8)) for f in frames])
    return both.unique("trust_ods", keep="first", maintain_order=True).sort("trust_ods")


@dataclass(frozen=True)
class _Input:
    rows: pl.DataFrame  # cells, with period keys
    headcounts: pl.DataFrame  # with period keys
    trusts: pl.DataFrame
    periods: dict[str, Period]


def _prepare(rows: pl.DataFrame, headcounts: pl.DataFrame) -> _Input:
    """``rows`` are cells (see :func:`cells`)."""
    _require(rows, (*CELL_KEYS, *CELL_MEASURES), "cells")
    _require(headcounts, HEADCOUNT_COLUMNS, "headcounts")
    rows = rows.with_columns(pl.col("period_start").cast(pl.Date),
                             pl.col("trust_ods").cast(pl.Utf8))
    headcounts = headcounts.with_columns(
        pl.col("period_start").cast(pl.Date), pl.col("trust_ods").cast(pl.Utf8),
        pl.col("headcount").cast(pl.Float64).fill_null(0.0),
        pl.col("staff_group").cast(pl.Utf8).fill_null(""))
    trusts = _trusts(rows, headcounts)
    months = sorted(set(rows["period_start"].to_list()) | set(headcounts["period_start"].to_list()))
    periods: dict[str, Period] = {}
    mapping = []
    for month in months:
        found = [period_of(month, g) for g in GRANULARITIES]
        periods.update((p.key, p) for p in found)
        mapping.append({"period_start": month, **{g: p.key for g, p in zip(GRANULARITIES, found,
                                                                          strict=True)}})
    schema = {"period_start": pl.Date, **dict.fromkeys(GRANULARITIES, pl.Utf8)}
    period_map = pl.DataFrame(mapping, schema=schema)
    rows = rows.drop([c for c in ("trust_name", "sector", "region") if c in rows.columns])
    rows = rows.join(trusts, on="trust_ods", how="left").join(period_map, on="period_start")
    headcounts = headcounts.select(HEADCOUNT_COLUMNS).join(trusts, on="trust_ods", how="left")
    return _Input(rows, headcounts.join(period_map, on="period_start"), trusts, periods)


def _reporting(data: _Input) -> pl.DataFrame:
    """Trusts and months with an accepted return (incidents or headcounts), with periods."""
    columns = ["trust_ods", "period_start", *GRANULARITIES]
    return pl.concat([data.rows.select(columns), data.headcounts.select(columns)]).unique()


def _incomplete(data: _Input, periods: list[Period]) -> list[str]:
    """Notes on periods with returns for only some of their months so far."""
    present: dict[str, set[date]] = defaultdict(set)
    for row in _reporting(data).iter_rows(named=True):
        for granularity in GRANULARITIES:
            present[row[granularity]].add(row["period_start"])
    return [f"{p.label}: returns for {len(present[p.key])} of its {p.months} months so far; "
            "its figures and rates cover those months." for p in periods
            if len(present[p.key]) < p.months]


def _trust_months(data: _Input) -> pl.DataFrame:
    """One row per trust and month with a return: the additive counts and the headcount."""
    keys = ["trust_ods", "period_start"]
    counts = _sum_cells(data.rows, keys)
    staff = data.headcounts.group_by(keys).agg(pl.col("headcount").sum())
    frame = _reporting(data).join(counts, on=keys, how="left").join(staff, on=keys, how="left")
    frame = frame.with_columns(pl.exclude(*keys, *GRANULARITIES).fill_null(0))
    return frame.join(data.trusts, on="trust_ods", how="left").sort(keys)


# --------------------------------------------------------------------------------------------
# Figures: every count published below national level, with its exact value and its lines
# --------------------------------------------------------------------------------------------

# (family, sub, period key, level, group): family "incidents" (sub "" or a category), "medical"
# (physical assaults with medical factors), "injured", "days", "police" (sub "" = informed, or
# an outcome), "sanction" (sub = a sanction code).
FigureKey = tuple[str, str, str, str, str]
Line = tuple[tuple[FigureKey, ...], FigureKey]
LEVELS = ("trust", "sector", "region", ENGLAND)
_GROUP_COLUMN = {"trust": "trust_ods", "sector": "sector", "region": "region"}
INF = math.inf

# What the sub-national tables publish at every level, as (family, sub).
_EVERY_LEVEL = [("incidents", ""), ("incidents", PHYSICAL_ASSAULT), ("medical", ""),
                ("injured", ""), ("days", ""), ("police", ""),
                *[("police", o) for o in OUTCOMES], *[("sanction", c) for c in SANCTIONS]]
# Published only for sectors and England (the sector x category table).
_CATEGORY_SPLIT = [("incidents", c) for c in CATEGORIES if c != PHYSICAL_ASSAULT]


def _column_of(family: str, sub: str) -> str:
    return family if not sub else f"{family}:{sub}"


@dataclass
class _Figures:
    """Exact counts by key, the lines between them, and what is needed to protect them."""

    truth: dict[FigureKey, int] = field(default_factory=dict)
    contributors: dict[FigureKey, int] = field(default_factory=dict)  # staff absent, for days
    periods: dict[str, Period] = field(default_factory=dict)
    trust_attrs: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    blocks: dict[str, list[str]] = field(default_factory=dict)  # period -> sectors (2-D table)
    unpublished_blocks: set[str] = field(default_factory=set)
    dropped: set[FigureKey] = field(default_factory=set)  # figures of unpublished blocks

    @cached_property
    def publication(self) -> _Publication:
        return _protect(self)


def _aggregate(trust_months: pl.DataFrame, granularity: str, level: str) -> pl.DataFrame:
    """Counts added up by period and group; headcount as each trust's monthly average over the
    months it reported in the period, added up across trusts."""
    measures = [c for c in trust_months.columns if c == "headcount" or ":" in c
                or c in ("incidents", "medical", "injured", "days", "days_contributors",
                         "police")]
    group = [pl.col(_GROUP_COLUMN[level]).alias("group")] if level != ENGLAND else [
        pl.lit(ENGLAND).alias("group")]
    reported = pl.len().over("trust_ods", granularity)
    return (trust_months.with_columns(pl.col("headcount") / reported)
            .group_by([pl.col(granularity).alias("period"), *group])
            .agg(pl.col(measures).sum()).sort("period", "group"))


def _figures(data: _Input) -> tuple[_Figures, dict[tuple[str, str, str], dict[str, Any]]]:
    """The exact figures, and per (period, level, group) the aggregated measures."""
    trust_months = _trust_months(data)
    figures = _Figures(periods=data.periods)
    figures.trust_attrs = {r["trust_ods"]: (r["trust_name"], r["sector"], r["region"])
                           for r in data.trusts.iter_rows(named=True)}
    aggregates: dict[tuple[str, str, str], dict[str, Any]] = {}
    for granularity in GRANULARITIES:
        for level in LEVELS:
            for record in _aggregate(trust_months, granularity, level).iter_rows(named=True):
                aggregates[(record["period"], level, record["group"])] = record
                _add_figures(figures, record, level)
    return figures, aggregates


def _add_figures(figures: _Figures, record: dict[str, Any], level: str) -> None:
    period, group = record["period"], record["group"]
    published = _EVERY_LEVEL + (_CATEGORY_SPLIT if level in ("sector", ENGLAND) else [])
    for family, sub in published:
        key = (family, sub, period, level, group)
        figures.truth[key] = int(record[_column_of(family, sub)])
        if family == "days":
            figures.contributors[key] = int(record["days_contributors"])
    if level == "sector":
        figures.blocks.setdefault(period, []).append(group)


def _is_exact(key: FigureKey) -> bool:
    return key[3] == ENGLAND


def _kind(key: FigureKey) -> str:
    return "days" if key[0] == "days" else "count"


# ---- lines -----------------------------------------------------------------------------------


def _lines(figures: _Figures) -> list[Line]:
    """Every additive relation between published figures that a reader could use."""
    index: dict[tuple[str, str, str, str], dict[str, FigureKey]] = defaultdict(dict)
    for key in figures.truth:
        family, sub, period, level, group = key
        index[(family, sub, period, level)][group] = key
    lines: list[Line] = []
    lines += _geography_lines(figures, index)
    lines += _period_lines(figures)
    lines += _split_lines(figures, "incidents", list(CATEGORIES))
    lines += _split_lines(figures, "police", list(OUTCOMES))
    return lines


def _geography_lines(figures: _Figures, index: dict) -> Iterator[Line]:
    """Trusts add up to their sector and their region; sectors and regions to England."""
    for (family, sub, period, level), groups in sorted(index.items()):
        if level == "trust":
            for parent, position in (("sector", 1), ("region", 2)):
                totals = index.get((family, sub, period, parent), {})
                members: dict[str, list[FigureKey]] = defaultdict(list)
                for ods, key in sorted(groups.items()):
                    members[figures.trust_attrs[ods][position]].append(key)
                yield from ((tuple(ms), totals[g]) for g, ms in sorted(members.items())
                            if g in totals)
        elif level in ("sector", "region"):
            england = index.get((family, sub, period, ENGLAND), {}).get(ENGLAND)
            if england:
                yield tuple(groups[g] for g in sorted(groups)), england


def _period_lines(figures: _Figures) -> Iterator[Line]:
    """Months add up to their quarter, quarters to their financial year."""
    coarser = {p.key: period_of(p.start, "quarter" if p.granularity == "month" else "year").key
               for p in figures.periods.values() if p.granularity != "year"}
    finer: dict[FigureKey, list[FigureKey]] = defaultdict(list)
    for key in sorted([*figures.truth, *figures.dropped]):
        family, sub, period_key, level, group = key
        if period_key in coarser:
            finer[(family, sub, coarser[period_key], level, group)].append(key)
    for total, members in finer.items():
        # A line with a figure no longer published is not one a reader can use.
        if total in figures.truth and not any(m in figures.dropped for m in members):
            yield tuple(members), total


def _split_lines(figures: _Figures, family: str, subs: list[str]) -> Iterator[Line]:
    """Categories add up to all incidents; outcomes to police informed (where they do)."""
    for key in sorted(figures.truth):
        if key[0] != family or key[1] != "":
            continue
        members = tuple((family, s, *key[2:]) for s in subs)
        if not all(m in figures.truth for m in members):
            continue
        if sum(figures.truth[m] for m in members) == figures.truth[key]:
            yield members, key


# --------------------------------------------------------------------------------------------
# Protection
# --------------------------------------------------------------------------------------------

EXACT, SHOWN, HIDDEN, WITHHELD = "exact", "shown", "hidden", "withheld"


@dataclass
class _Publication:
    """What is published: a value (None when suppressed) and a status per figure, and the lines.

    Holds nothing a reader of the tables does not see (statuses aside): the exact counts stay
    in ``_Figures``.
    """

    value: dict[FigureKey, int | None]
    status: dict[FigureKey, str]
    lines: list[Line]
    unpublished_blocks: frozenset[str] = frozenset()
    _recoverable: frozenset[FigureKey] | None = field(default=None, repr=False)

    def recoverable(self) -> frozenset[FigureKey]:
        """Suppressed figures a reader can work out along every published line; computed
        afresh from the published values once protection is over, then kept."""
        if self._recoverable is None:
            self._recoverable = frozenset(_Bounds(self.lines, self.reading).leaks(self))
        return self._recoverable

    def reading(self, key: FigureKey) -> tuple[float, float]:
        """What a reader knows of a figure: an interval."""
        status, value = self.status[key], self.value[key]
        if status == WITHHELD:
            return 0, INF
        if status == HIDDEN:
            return (sdc.SUPPRESS_MIN, sdc.SUPPRESS_MAX) if _kind(key) == "count" else (1, INF)
        assert value is not None
        if status == EXACT or value == 0:
            return value, value
        return value - sdc.ROUND_TO // 2, value + sdc.ROUND_TO // 2


def _primary_reading(figures: _Figures, key: FigureKey) -> tuple[int | None, str]:
    """England exact; below it, the standard's rule (days lost: hidden if 1 to 7 were off)."""
    count = figures.truth[key]
    if _is_exact(key):
        return count, EXACT
    if _kind(key) == "days" and sdc.suppress_count(figures.contributors[key]) is None:
        return None, HIDDEN
    value = sdc.suppress_count(count)
    return value, HIDDEN if value is None else SHOWN


def _primary(figures: _Figures) -> _Publication:
    value: dict[FigureKey, int | None] = {}
    status: dict[FigureKey, str] = {}
    for key in figures.truth:
        value[key], status[key] = _primary_reading(figures, key)
    return _Publication(value, status, [])


def _seed_blocks(figures: _Figures, publication: _Publication) -> None:
    """The sector x category blocks through sdc.protect_table; unprotectable ones are dropped."""
    for period, sectors in figures.blocks.items():
        body = [[figures.truth[("incidents", c, period, "sector", s)] for c in CATEGORIES]
                for s in sectors]
        try:
            protected = sdc.protect_table(body)
        except sdc.UnprotectableTableError:
            _drop_block(figures, publication, period)
            continue
        for i, sector in enumerate(sectors):
            cells = [(c, protected.cells[i][j]) for j, c in enumerate(CATEGORIES)]
            for sub, cell in [*cells, ("", protected.row_totals[i])]:
                if cell is None:
                    _hide(publication, ("incidents", sub, period, "sector", sector))


def _drop_block(figures: _Figures, publication: _Publication, period: str) -> None:
    """Stop publishing a period's sector x category cells (the sector table keeps its own)."""
    figures.unpublished_blocks.add(period)
    for sector in figures.blocks[period]:
        for family, sub in _CATEGORY_SPLIT:
            key = (family, sub, period, "sector", sector)
            figures.dropped.add(key)
            figures.truth.pop(key, None)
            publication.value.pop(key, None)
            publication.status.pop(key, None)


def _hide(publication: _Publication, key: FigureKey) -> None:
    if publication.status[key] == SHOWN:
        publication.value[key], publication.status[key] = None, HIDDEN


def _protect(figures: _Figures) -> _Publication:
    """Primary suppression, the sector x category seeds, then secondary suppression until no
    suppressed figure can be recovered; a sector x category period that still fails
    sdc.recoverable_cells is dropped and the rest protected again without it."""
    publication = _primary(figures)
    _seed_blocks(figures, publication)
    while True:
        publication.lines = _lines(figures)
        _equal_to_england(figures, publication)
        _secondary(figures, publication)
        failing = [period for period in sorted(figures.blocks)
                   if period not in figures.unpublished_blocks
                   and _block_problems(publication, figures, period)]
        if not failing:
            break
        for period in failing:
            _drop_block(figures, publication, period)
    publication.unpublished_blocks = frozenset(figures.unpublished_blocks)
    publication._recoverable = None
    return publication


def _unknown_but_england(publication: _Publication) -> Any:
    """The reading of a reader who sees nothing but England's exact figures."""
    def reading(key: FigureKey) -> tuple[float, float]:
        if _is_exact(key):
            value = publication.value[key]
            assert value is not None
            return value, value
        return 0, INF
    return reading


def _given_by_england(publication: _Publication) -> dict[FigureKey, int]:
    """Sub-national figures that England's exact figures alone already give away (the only
    sector that reported has England's figures; a month with none in England has none
    anywhere), with their values."""
    if not publication.lines:
        return {}
    bounds = _Bounds(publication.lines).solve(_unknown_but_england(publication))
    return {k: int(bounds.low[j]) for k, j in bounds.position.items()
            if not _is_exact(k) and bounds.low[j] == bounds.high[j]}


def _equal_to_england(figures: _Figures, publication: _Publication) -> None:
    """Publish exact what England's figures give away: suppressing it would hide nothing.
    (A figure given away only through lines no longer published goes back to the rule.)"""
    given = _given_by_england(publication)
    for key, status in publication.status.items():
        if status == EXACT and not _is_exact(key) and key not in given:
            publication.value[key], publication.status[key] = _primary_reading(figures, key)
    for key, value in given.items():
        assert value == figures.truth[key]
        publication.value[key], publication.status[key] = value, EXACT


def _exact_is_england(publication: _Publication, keys: set[FigureKey]) -> list[FigureKey]:
    """Sub-national figures published exact that England's figures do not give away."""
    given = _given_by_england(publication)
    return sorted(k for k in keys if publication.status.get(k) == EXACT and not _is_exact(k)
                  and given.get(k) != publication.value[k])


def _component(figures: _Figures, line: Line) -> tuple[int, str]:
    """Lines never cross a financial year or a family (each sanction is its own family)."""
    family, sub, period, _, _ = line[1]
    return figures.periods[period].financial_year, family + (":" + sub if family == "sanction"
                                                             else "")


def _secondary(figures: _Figures, publication: _Publication) -> None:
    by_component: dict[tuple[int, str], list[Line]] = defaultdict(list)
    for line in publication.lines:
        by_component[_component(figures, line)].append(line)
    for component in sorted(by_component):
        _protect_component(figures, publication, by_component[component])


def _protect_component(figures: _Figures, publication: _Publication, lines: list[Line]) -> None:
    """Hide more until bounds propagation recovers no suppressed figure in these lines.

    Each round fixes the leaks a line gives away *directly* (its other figures known only from
    their own published values), the roots of any chain of subtraction; only when no leak is
    direct does it fix the others.
    """
    bounds = _Bounds(lines)
    for _ in range(len(figures.truth) + 1):
        leaks = bounds.solve(publication.reading).leaks(publication)
        if not leaks:
            return
        direct = {k: bounds.tight_lines(k, direct=True) for k in leaks}
        todo = [(k, ls) for k, ls in direct.items() if ls] or [
            (k, bounds.tight_lines(k)) for k in leaks]
        fixed: set[int] = set()
        changed = False
        for key, tight in todo:
            changed |= _fix(figures, publication, bounds, key, tight, fixed)
        if not changed:
            break
    raise sdc.UnprotectableTableError([_describe(k, figures.periods) for k in leaks])


def _fix(figures: _Figures, publication: _Publication, bounds: _Bounds, key: FigureKey,
         tight: list[int], fixed: set[int]) -> bool:
    """Suppress the smallest published count of a line that gives ``key`` away. Failing that
    (the lines' other figures are zeros, suppressed or England's), withhold every
    figure, zeros too, of ever wider groups until something changes: the line, the other lines
    through ``key``, the breakdown of that measure in that period, then in the year."""
    tight = [i for i in tight if i not in fixed]
    if not tight:
        return False
    for index in tight:
        members, total = bounds.lines[index]
        candidates = [k for k in (*members, total)
                      if publication.status[k] == SHOWN and figures.truth[k] > 0]
        if candidates:
            fixed.add(index)
            _hide(publication, min(candidates, key=lambda k: (figures.truth[k], k)))
            return True
    fixed.add(tight[0])
    for group in _widening(bounds, key, tight[0]):
        todo = [k for k in group if publication.status[k] in (SHOWN, HIDDEN)]
        for k in todo:
            publication.value[k], publication.status[k] = None, WITHHELD
        if todo:
            return True
    return False


def _widening(bounds: _Bounds, key: FigureKey, line_index: int) -> Iterator[list[FigureKey]]:
    members, total = bounds.lines[line_index]
    yield [*members, total]
    for index in bounds.lines_of(key):
        yield [*bounds.lines[index][0], bounds.lines[index][1]]
    family, sub, period = key[:3]
    yield [k for k in bounds.keys if k[:3] == (family, sub, period)]
    yield [k for k in bounds.keys if k[:2] == (family, sub)]
    yield list(bounds.keys)


class _Bounds:
    """What a reader can work out: each figure's interval after repeated subtraction.

    Every line says ``sum(members) - total = 0``. Each round, every figure of every line gets the
    interval the rest of its line allows, and keeps the intersection with what it had; rounds
    repeat (vectorised over all lines at once) until nothing narrows. A line that contradicts a
    figure's interval (a secondarily suppressed count above 7 read as 1 to 7) teaches nothing.
    """

    MAX_ROUNDS = 1000

    def __init__(self, lines: Sequence[Line], reading: Any = None) -> None:
        self.lines = list(lines)
        position: dict[FigureKey, int] = {}
        pair_line: list[int] = []
        pair_key: list[int] = []
        pair_sign: list[bool] = []  # True for a member, False for the total
        for index, (members, total) in enumerate(self.lines):
            for key, member in [*((m, True) for m in members), (total, False)]:
                pair_line.append(index)
                pair_key.append(position.setdefault(key, len(position)))
                pair_sign.append(member)
        self.keys = list(position)
        self.position = position
        self._line = np.array(pair_line, dtype=np.int64)
        self._key = np.array(pair_key, dtype=np.int64)
        self._member = np.array(pair_sign, dtype=bool)
        self._order = np.argsort(self._key, kind="stable")
        self._starts = np.flatnonzero(np.diff(self._key[self._order], prepend=-1))
        if reading is not None:
            self.solve(reading)

    def solve(self, reading: Any) -> _Bounds:
        """Start from what each figure reads as, and subtract until nothing narrows."""
        read = np.array([reading(k) for k in self.keys], dtype=float).reshape(-1, 2)
        self.read_low, self.read_high = read[:, 0], read[:, 1]
        self.low, self.high = read[:, 0].copy(), read[:, 1].copy()
        self._propagate()
        return self

    def _candidates(self) -> tuple[np.ndarray, np.ndarray]:
        """For every (line, figure) pair, the interval the rest of the line allows."""
        low, high = self.low[self._key], self.high[self._key]
        term_low = np.where(self._member, low, -high)
        term_high = np.where(self._member, high, -low)
        rest_low = self._rest(term_low, -INF)
        rest_high = self._rest(term_high, INF)
        # member = total - other members; total = sum of members: one formula for both
        cand_low = np.where(self._member, -rest_high, rest_low)
        cand_high = np.where(self._member, -rest_low, rest_high)
        return np.ceil(cand_low), np.floor(cand_high)

    def _rest(self, terms: np.ndarray, infinite: float) -> np.ndarray:
        """Per pair: the sum of the other terms of its line (infinite if any other is)."""
        finite = np.isfinite(terms)
        count = len(self.lines)
        sums = np.bincount(self._line, np.where(finite, terms, 0.0), count)
        unbounded = np.bincount(self._line, ~finite, count)
        others_unbounded = unbounded[self._line] - ~finite
        rest = sums[self._line] - np.where(finite, terms, 0.0)
        return np.where(others_unbounded > 0, infinite, rest)

    def _propagate(self) -> None:
        """Rounds until nothing narrows (a handful in practice); failing to settle fails closed,
        since a check cut short could miss a recoverable figure."""
        self._cand = (np.empty(0), np.empty(0))
        for _ in range(self.MAX_ROUNDS):
            cand_low, cand_high = self._candidates()
            self._cand = (cand_low, cand_high)
            fits = (cand_low <= self.high[self._key]) & (cand_high >= self.low[self._key])
            cand_low = np.where(fits, cand_low, -INF)[self._order]
            cand_high = np.where(fits, cand_high, INF)[self._order]
            low = np.maximum(self.low, np.maximum.reduceat(cand_low, self._starts))
            high = np.minimum(self.high, np.minimum.reduceat(cand_high, self._starts))
            clash = low > high
            low[clash], high[clash] = self.low[clash], self.high[clash]
            if np.array_equal(low, self.low) and np.array_equal(high, self.high):
                return
            self.low, self.high = low, high
        raise RuntimeError("bounds propagation did not settle: the tables cannot be checked")

    def tight_lines(self, key: FigureKey, *, direct: bool = False) -> list[int]:
        """The lines that give the figure its present interval, in line order; ``direct``:
        only those that pin it from the published values of their other figures alone."""
        j = self.position[key]
        pairs = np.flatnonzero(self._key == j)
        cand_low, cand_high = self._cand
        tight = (cand_low[pairs] == self.low[j]) | (cand_high[pairs] == self.high[j])
        lines = sorted(set(self._line[pairs[tight] if tight.any() else pairs].tolist()))
        return [i for i in lines if self._pins_as_read(i, key)] if direct else lines

    def _pins_as_read(self, index: int, key: FigureKey) -> bool:
        """Does this line alone, read from published values, pin ``key``?"""
        members, total = self.lines[index]
        read = {k: (self.read_low[self.position[k]], self.read_high[self.position[k]])
                for k in (*members, total)}
        others = [read[m] for m in members if m != key]
        if key == total:
            low, high = sum(o[0] for o in others), sum(o[1] for o in others)
        else:
            low = read[total][0] - sum(o[1] for o in others)
            high = read[total][1] - sum(o[0] for o in others)
        own = read[key]
        return max(low, own[0]) == min(high, own[1])

    def lines_of(self, key: FigureKey) -> list[int]:
        return sorted(set(self._line[self._key == self.position[key]].tolist()))

    def leaks(self, publication: _Publication) -> list[FigureKey]:
        """Suppressed or withheld figures worked out exactly: a count of 1 to 7, or any days."""
        pinned = np.flatnonzero(self.low == self.high)
        found = []
        for j in pinned.tolist():
            key = self.keys[j]
            if publication.status[key] not in (HIDDEN, WITHHELD):
                continue
            value = self.low[j]
            small = sdc.SUPPRESS_MIN <= value <= sdc.SUPPRESS_MAX
            if small or (_kind(key) == "days" and value >= 1):
                found.append(key)
        return sorted(found)


def _block_problems(publication: _Publication, figures: _Figures, period: str) -> list[str]:
    """sdc.recoverable_cells on one period of the published sector x category table."""
    sectors = figures.blocks[period]
    cells = [[publication.value[("incidents", c, period, "sector", s)] for c in CATEGORIES]
             for s in sectors]
    row_totals = [publication.value[("incidents", "", period, "sector", s)] for s in sectors]
    col_totals = [publication.value[("incidents", c, period, ENGLAND, ENGLAND)]
                  for c in CATEGORIES]
    grand = publication.value[("incidents", "", period, ENGLAND, ENGLAND)]
    found = sdc.recoverable_cells(cells, row_totals, col_totals, grand)
    names = [*sectors, ENGLAND]
    columns = [*CATEGORIES, "all"]
    return [f"{period}: {names[i]} x {columns[j]} can be worked out from published totals"
            for i, j in found]


def _describe(key: FigureKey, periods: dict[str, Period]) -> str:
    family, sub, period, level, group = key
    what = _column_of(family, sub)
    return f"{periods[period].label}, {level} {group}, {what}"


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` is count, days, headcount, rate, share, lower or upper.

    ``figure`` names the protected figure (family, sub) behind a count; ``estimate`` ties a
    lower/upper limit to its rate or share column.
    """

    name: str
    label: str
    kind: str
    figure: tuple[str, str] | None = None
    estimate: str = ""


@dataclass(frozen=True)
class Row:
    period: Period
    level: str  # trust, sector, region, category, staff_group or england
    group: str
    group_label: str
    values: dict[str, Any]


@dataclass(frozen=True)
class _Spec:
    name: str
    title: str
    group_label: str
    level: str


TABLE_SPECS = {
    "sector": _Spec("sector", "Incidents by sector of the trust", "Sector", SUBNATIONAL),
    "region": _Spec("region", "Incidents by NHS England region", "Region", SUBNATIONAL),
    "trust": _Spec("trust", "Incidents by trust", "Trust", SUBNATIONAL),
    "category": _Spec("category", "Incidents by category, England", "Category", NATIONAL),
    "staff_group": _Spec("staff_group", "Staff affected by staff group, England", "Staff group",
                         NATIONAL),
    "sector_category": _Spec("sector_category", "Incidents by sector and category",
                             "Sector", SUBNATIONAL),
}
TABLE_NAMES = tuple(TABLE_SPECS)


@dataclass(frozen=True)
class Table:
    """Exact figures (not for publication: see :func:`publish`)."""

    name: str
    title: str
    granularity: str
    level: str
    group_label: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    _figures: _Figures | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class PublishedTable:
    """A table ready to show or download: suppressed values are None (shown "*")."""

    name: str
    title: str
    granularity: str
    level: str
    group_label: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    _publication: _Publication | None = field(default=None, repr=False, compare=False)
    # Passed :func:`check_published` when published (a stored publication keeps only such), and
    # the figures shown exact below national level (kept so a stored table can be checked again).
    checked: bool = field(default=False, repr=False, compare=False)
    exact: frozenset[FigureKey] = field(default=frozenset(), repr=False, compare=False)


def _rate_columns(name: str, label: str) -> list[Column]:
    return [Column(name, label, "rate"),
            Column(f"{name}_lower", f"{label}: lower 95% limit", "lower", estimate=name),
            Column(f"{name}_upper", f"{label}: upper 95% limit", "upper", estimate=name)]


def _share_columns(name: str, label: str) -> list[Column]:
    return [Column(name, f"{label} (%)", "share"),
            Column(f"{name}_lower", f"{label}: lower 95% limit (%)", "lower", estimate=name),
            Column(f"{name}_upper", f"{label}: upper 95% limit (%)", "upper", estimate=name)]


def _response_columns() -> list[Column]:
    outcomes = [Column(f"police_{o}", f"Police outcome: {codes.POLICE_OUTCOME.label(o)}",
                       "count", ("police", o)) for o in OUTCOMES]
    sanctions = [Column(f"sanction_{c}", f"Sanction: {codes.CIVIL_ADMIN_SANCTION.label(c)}",
                        "count", ("sanction", c)) for c in SANCTIONS]
    return [Column("police_informed", "Police informed", "count", ("police", "")),
            *outcomes, *sanctions]


def _area_columns() -> tuple[Column, ...]:
    return (
        Column("incidents", "Incidents", "count", ("incidents", "")),
        Column("physical_assaults", "Physical assaults", "count",
               ("incidents", PHYSICAL_ASSAULT)),
        Column("headcount", "Staff (average monthly headcount)", "headcount"),
        *_rate_columns("incident_rate", "Incidents per 1,000 staff"),
        *_rate_columns("physical_assault_rate", "Physical assaults per 1,000 staff"),
        Column("medical_factors", "Physical assaults with medical factors", "count",
               ("medical", "")),
        *_share_columns("medical_factors_share", "Share of physical assaults with medical "
                        "factors"),
        Column("staff_injured", "Staff injured", "count", ("injured", "")),
        Column("days_lost", "Days lost (staff absence)", "days", ("days", "")),
        *_response_columns(),
    )


def _category_columns() -> tuple[Column, ...]:
    return (
        Column("incidents", "Incidents", "count"),
        Column("headcount", "Staff (average monthly headcount)", "headcount"),
        *_rate_columns("incident_rate", "Incidents per 1,000 staff"),
        Column("staff_affected", "Staff affected", "count"),
        Column("staff_injured", "Staff injured", "count"),
        Column("days_lost", "Days lost (staff absence)", "days"),
        *[replace(c, figure=None) for c in _response_columns()],
    )


def _staff_group_columns() -> tuple[Column, ...]:
    return (
        Column("staff_affected", "Staff affected", "count"),
        Column("staff_affected_physical_assault", "Staff affected by physical assault", "count"),
        Column("headcount", "Staff in the group (average monthly headcount)", "headcount"),
        *_rate_columns("staff_affected_rate", "Staff affected per 1,000 staff in the group"),
        *_rate_columns("physical_assault_rate",
                       "Staff physically assaulted per 1,000 staff in the group"),
        Column("staff_injured", "Staff injured", "count"),
        Column("days_lost", "Days lost (staff absence)", "days"),
    )


def _block_columns() -> tuple[Column, ...]:
    return (*[Column(c, codes.CATEGORY.label(c), "count", ("incidents", c)) for c in CATEGORIES],
            Column("incidents", "All incidents", "count", ("incidents", "")))


# Derived columns: rate = count / denominator; share = numerator / denominator.
_RATES = {"incident_rate": ("incidents", "headcount"),
          "physical_assault_rate": ("physical_assaults", "headcount"),
          "staff_affected_rate": ("staff_affected", "headcount")}
_STAFF_GROUP_RATES = {"staff_affected_rate": ("staff_affected", "headcount"),
                      "physical_assault_rate": ("staff_affected_physical_assault", "headcount")}
_SHARES = {"medical_factors_share": ("medical_factors", "physical_assaults")}


def _derive(columns: Sequence[Column], rows: list[dict[str, Any]], staff_group: bool) -> None:
    """Fill rates, shares and their intervals in place from the counts already in ``rows``."""
    names = {c.name for c in columns}
    rate_specs = _STAFF_GROUP_RATES if staff_group else _RATES
    for name, (count, denominator) in rate_specs.items():
        if name in names:
            _fill(rows, name, count, denominator, rates.rate_ci_array)
    for name, (count, denominator) in _SHARES.items():
        if name in names:
            _fill(rows, name, count, denominator, rates.proportion_ci_array)


def _fill(rows: list[dict[str, Any]], name: str, count: str, denominator: str,
          method: Any) -> None:
    if not rows:
        return
    x = np.array([np.nan if r[count] is None else r[count] for r in rows], dtype=float)
    n = np.array([np.nan if r[denominator] is None else r[denominator] for r in rows],
                 dtype=float)
    usable = np.isfinite(x) & np.isfinite(n) & (n > 0)
    if method is rates.proportion_ci_array:
        usable &= np.where(usable, x, 0) <= np.where(usable, n, 0)
    value = np.full(x.shape, np.nan)
    lower, upper = value.copy(), value.copy()
    if usable.any():
        value[usable], lower[usable], upper[usable] = method(x[usable], n[usable])
    for i, row in enumerate(rows):
        ok = bool(usable[i])
        row[name] = float(value[i]) if ok else None
        row[f"{name}_lower"] = float(lower[i]) if ok else None
        row[f"{name}_upper"] = float(upper[i]) if ok else None


# ---- building -----------------------------------------------------------------------------


def build_tables(rows: pl.DataFrame, headcounts: pl.DataFrame, granularity: str, *,
                 period_from: date | None = None, period_to: date | None = None) -> list[Table]:
    """Every national table, exact, for the periods of ``granularity`` that overlap the range
    (a quarter or year is always shown whole). Order: as :data:`TABLE_NAMES`."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}")
    return build_tables_from_cells(cells(rows), headcounts, granularity,
                                   period_from=period_from, period_to=period_to)


def build_tables_from_cells(cell_frame: pl.DataFrame, headcounts: pl.DataFrame,
                            granularity: str, *, period_from: date | None = None,
                            period_to: date | None = None) -> list[Table]:
    """:func:`build_tables` from rows already rolled up by :func:`cells` (the read model's
    roll-up), which gives the same tables."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}")
    data = _prepare(cell_frame, headcounts)
    figures, aggregates = _figures(data)
    return _build(data, figures, aggregates, granularity, period_from, period_to)


def _build(data: _Input, figures: _Figures, aggregates: dict, granularity: str,
           period_from: date | None, period_to: date | None) -> list[Table]:
    periods = [p for p in sorted(data.periods.values(), key=lambda p: p.start)
               if p.granularity == granularity and _overlaps(p, period_from, period_to)]
    wanted = {p.key for p in periods}
    built = [
        _area_table("sector", granularity, periods, aggregates, figures),
        _area_table("region", granularity, periods, aggregates, figures),
        _area_table("trust", granularity, periods, aggregates, figures),
        _category_table(granularity, data, aggregates, wanted),
        _staff_group_table(granularity, data, aggregates, wanted),
        _block_table(granularity, periods, aggregates, figures),
    ]
    notes = tuple(_incomplete(data, periods))
    return [replace(t, notes=notes) for t in built]


def _overlaps(period: Period, start: date | None, end: date | None) -> bool:
    return (end is None or period.start <= end) and (start is None or period.end >= start)


def _group_label(level: str, group: str, figures: _Figures | None = None) -> str:
    if level == ENGLAND:
        return ENGLAND_LABEL
    if level == "trust" and figures is not None:
        return figures.trust_attrs[group][0] or group
    code_list = {"sector": codes.SECTOR, "region": codes.REGION, "category": codes.CATEGORY,
                 "staff_group": codes.STAFF_GROUP}[level]
    return code_list.label(group) if group else "Not recorded"


def _spec_table(name: str, granularity: str, columns: tuple[Column, ...], rows: list[Row],
                figures: _Figures | None) -> Table:
    spec = TABLE_SPECS[name]
    return Table(name, spec.title, granularity, spec.level, spec.group_label, columns,
                 tuple(rows), _figures=figures)


def _area_values(columns: Sequence[Column], record: dict[str, Any], period: Period) -> dict:
    values: dict[str, Any] = {c.name: int(record[_column_of(*c.figure)])
                              for c in columns if c.figure}
    values["headcount"] = record["headcount"]
    return values


def _area_table(level: str, granularity: str, periods: list[Period], aggregates: dict,
                figures: _Figures) -> Table:
    columns = _area_columns()
    rows: list[Row] = []
    for period in periods:
        groups = sorted((g for (p, lv, g) in aggregates if p == period.key and lv == level),
                        key=lambda g: _sort_key(level, g, figures))
        for lv, group in [*((level, g) for g in groups), (ENGLAND, ENGLAND)]:
            values = _area_values(columns, aggregates[(period.key, lv, group)], period)
            rows.append(Row(period, lv, group, _group_label(lv, group, figures), values))
    _derive_rows(columns, rows, staff_group=False)
    return _spec_table(level, granularity, columns, rows, figures)


def _sort_key(level: str, group: str, figures: _Figures) -> tuple[Any, ...]:
    order = {"sector": codes.SECTOR.values, "region": codes.REGION.values}.get(level)
    if order is not None:
        return (order.index(group) if group in order else len(order), group)
    return (_group_label(level, group, figures).lower(), group)


def _derive_rows(columns: Sequence[Column], rows: list[Row], staff_group: bool) -> None:
    _derive(columns, [r.values for r in rows], staff_group)


def _block_table(granularity: str, periods: list[Period], aggregates: dict,
                 figures: _Figures) -> Table:
    columns = _block_columns()
    rows: list[Row] = []
    for period in periods:
        sectors = sorted(figures.blocks.get(period.key, []),
                         key=lambda g: _sort_key("sector", g, figures))
        for level, group in [*(("sector", s) for s in sectors), (ENGLAND, ENGLAND)]:
            record = aggregates[(period.key, level, group)]
            values = {c.name: int(record[_column_of(*c.figure)]) for c in columns if c.figure}
            rows.append(Row(period, level, group, _group_label(level, group), values))
    return _spec_table("sector_category", granularity, columns, rows, figures)


def _national_rows(frame: pl.DataFrame, level: str, periods: dict[str, Period],
                   staff: dict[tuple[str, str], float]) -> list[Row]:
    """Rows of an England-wide table from a frame of (period, group, counts...)."""
    rows = []
    for record in frame.sort("period", "group").iter_rows(named=True):
        period = periods[record["period"]]
        group = record["group"]
        values = {k: v for k, v in record.items() if k not in ("period", "group")}
        values["headcount"] = staff.get((period.key, group), 0.0)
        lv = ENGLAND if group == ENGLAND else level
        rows.append(Row(period, lv, group, _group_label(lv, group), values))
    return rows


def _complete(counts: pl.DataFrame, periods: list[str], groups: list[str]) -> pl.DataFrame:
    """Every group in every period with a return, zeros where nothing happened."""
    grid = pl.DataFrame({"period": periods}, schema={"period": pl.Utf8}).join(
        pl.DataFrame({"group": groups}, schema={"group": pl.Utf8}), how="cross")
    counts = counts.with_columns(pl.col("period", "group").cast(pl.Utf8))
    out = grid.join(counts, on=["period", "group"], how="left")
    return out.with_columns(pl.exclude("period", "group").fill_null(0))


def _national_table(frame: pl.DataFrame, by: str, measures: list[pl.Expr],
                    groups: list[str], periods: list[str]) -> pl.DataFrame:
    """England-wide counts by ``by`` and for England, for every period with a return."""
    by_group = _counts(frame.with_columns(pl.col(by).fill_null("").alias("group")),
                       ["period", "group"], measures)
    england = _counts(frame, ["period"], measures).with_columns(pl.lit(ENGLAND).alias("group"))
    return pl.concat([_complete(by_group, periods, groups),
                      _complete(england.select(by_group.columns), periods, [ENGLAND])])


def _category_table(granularity: str, data: _Input, aggregates: dict, wanted: set[str]) -> Table:
    """England by category; every category's rate uses all staff as the denominator."""
    columns = _category_columns()
    frame = data.rows.filter(pl.col(granularity).is_in(sorted(wanted))).rename(
        {granularity: "period"})
    responses = [m for m in CELL_MEASURES if m.startswith(("police", "sanction"))]
    measures = [
        pl.col("incidents").sum(), pl.col("staff").sum().alias("staff_affected"),
        pl.col("injured").sum().alias("staff_injured"), pl.col("days").sum().alias("days_lost"),
        *[pl.col(m).sum().alias(_response_name(m)) for m in responses],
    ]
    periods = sorted(p for p in wanted if (p, ENGLAND, ENGLAND) in aggregates)
    groups = [*CATEGORIES, *sorted(set(frame["category"].to_list()) - set(CATEGORIES))]
    both = _national_table(frame, "category", measures, groups, periods)
    staff = {(p, g): aggregates[(p, ENGLAND, ENGLAND)]["headcount"]
             for p, g in both.select("period", "group").iter_rows()}
    rows = _national_rows(both, "category", data.periods, staff)
    rows.sort(key=lambda r: (r.period.start, r.level == ENGLAND, _category_order(r.group)))
    _derive_rows(columns, rows, staff_group=False)
    return _spec_table("category", granularity, columns, rows, None)


def _category_order(code: str) -> int:
    return CATEGORIES.index(code) if code in CATEGORIES else len(CATEGORIES)


def _response_name(measure: str) -> str:
    family, _, sub = measure.partition(":")
    if family == "police":
        return f"police_{sub}" if sub else "police_informed"
    return f"sanction_{sub}"


def _staff_group_table(granularity: str, data: _Input, aggregates: dict,
                       wanted: set[str]) -> Table:
    """England by staff group: people affected, per 1,000 staff of their own group."""
    columns = _staff_group_columns()
    frame = data.rows.filter(pl.col(granularity).is_in(sorted(wanted))).rename(
        {granularity: "period"})
    measures = [pl.col("staff").sum().alias("staff_affected"),
                pl.col("staff").filter(pl.col("category") == PHYSICAL_ASSAULT).sum().alias(
                    "staff_affected_physical_assault"),
                pl.col("injured").sum().alias("staff_injured"),
                pl.col("days").sum().alias("days_lost")]
    reported = _reporting(data).group_by("trust_ods", granularity).len("reported")
    heads = (data.headcounts.filter(pl.col(granularity).is_in(sorted(wanted)))
             .join(reported, on=["trust_ods", granularity])
             .with_columns(pl.col("headcount") / pl.col("reported"))
             .rename({granularity: "period"}))
    staff = {(p, g): h for p, g, h in heads.group_by("period", "staff_group").agg(
        pl.col("headcount").sum()).iter_rows()}
    for p, h in heads.group_by("period").agg(pl.col("headcount").sum()).iter_rows():
        staff[(p, ENGLAND)] = h
    order = codes.STAFF_GROUP.values
    present = set(frame["staff_group"].fill_null("").to_list()) | {
        g for (_, g), h in staff.items() if h > 0 and g != ENGLAND}
    groups = sorted(present, key=lambda g: (order.index(g) if g in order else len(order), g))
    periods = sorted(p for p in wanted if (p, ENGLAND, ENGLAND) in aggregates)
    both = _national_table(frame, "staff_group", measures, groups, periods)
    rows = _national_rows(both, "staff_group", data.periods, staff)
    rows.sort(key=lambda r: (r.period.start, r.level == ENGLAND,
                             order.index(r.group) if r.group in order else len(order)))
    _derive_rows(columns, rows, staff_group=True)
    return _spec_table("staff_group", granularity, columns, rows, None)


# --------------------------------------------------------------------------------------------
# Publishing and the check
# --------------------------------------------------------------------------------------------


def publish(table: Table, level: str | None = None) -> PublishedTable:
    """The table as it may be published: exact at national level, protected below it.

    ``level`` defaults to the table's own; publishing a sub-national table at national level
    (which would skip disclosure control) is refused. Raises :class:`DisclosureError` when the
    published table fails :func:`check_published`.
    """
    level = level or table.level
    if level not in (NATIONAL, SUBNATIONAL):
        raise ValueError(f"level must be {NATIONAL!r} or {SUBNATIONAL!r}, not {level!r}")
    if level != table.level:
        raise ValueError(f"the {table.name} table is {table.level}: it cannot be published "
                         f"as {level}")
    if level == NATIONAL:
        published = PublishedTable(table.name, table.title, table.granularity, level,
                                   table.group_label, table.columns, table.rows, table.notes)
    else:
        published = _publish_subnational(table)
    problems = check_published(published)
    if problems:
        raise DisclosureError(problems)
    return replace(published, checked=True)


def _publish_subnational(table: Table) -> PublishedTable:
    assert table._figures is not None
    publication = table._figures.publication
    rows: list[Row] = []
    notes = list(table.notes)
    for row in table.rows:
        if table.name == "sector_category" and row.period.key in publication.unpublished_blocks:
            note = (f"{row.period.label}: not published by sector and category, because small "
                    "counts could not be protected; see the sector and category tables.")
            if note not in notes:
                notes.append(note)
            continue
        rows.append(_published_row(table, row, publication))
    if any(publication.status[(*c.figure, r.period.key, r.level, r.group)] == EXACT
           for r in rows if r.level != ENGLAND for c in table.columns if c.figure):
        notes.append("Figures that England's exact figures already give away (for example "
                     "where only one group reported) are shown exact.")
    _derive_rows(table.columns, [r for r in rows if r.level != ENGLAND], staff_group=False)
    return PublishedTable(table.name, table.title, table.granularity, SUBNATIONAL,
                          table.group_label, table.columns, tuple(rows), tuple(notes),
                          publication)


def _published_row(table: Table, row: Row, publication: _Publication) -> Row:
    if row.level == ENGLAND:
        return row
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.figure:
            key = (*column.figure, row.period.key, row.level, row.group)
            values[column.name] = publication.value[key]
        elif column.kind == "headcount":
            values[column.name] = row.values[column.name]
    return replace(row, values=values)


def check_published(table: PublishedTable) -> list[str]:
    """Everything wrong with a table about to be published; empty when it is safe.

    Below national level: every count is 0, None ("*") or a multiple of 5 from 10; no rate,
    share or interval is shown without its count; bounds propagation over all published figures
    (with England's exact) recovers no suppressed figure of this table; and each period of the
    sector x category table passes :func:`sdc.recoverable_cells`.
    """
    if table.level == NATIONAL:
        return [f"{r.group_label}, {r.period.label}: {c.label} is missing"
                for r in table.rows for c in table.columns
                if c.kind in ("count", "days") and r.values.get(c.name) is None]
    publication = table._publication
    if publication is None:
        if not table.checked:
            return ["the table carries no record of its protection"]
        # Read back from a stored publication: what can be checked without the record of the
        # protection (which was checked in full when it was published) is checked again.
        problems = _rule_problems(table, set(table.exact))
        if table.name == "sector_category":
            problems += _published_block_problems(table)
        return problems
    mine = {(*c.figure, r.period.key, r.level, r.group)
            for r in table.rows for c in table.columns if c.figure and r.level != ENGLAND}
    problems = _rule_problems(table, {k for k in mine if publication.status.get(k) == EXACT})
    problems += [f"{_label(k, table)} is shown exact but is not England's figure"
                 for k in _exact_is_england(publication, mine)]
    problems += [f"{_label(k, table)} can be worked out from published totals"
                 for k in sorted(publication.recoverable() & mine)]
    if table.name == "sector_category":
        problems += _published_block_problems(table)
    return problems


def _label(key: FigureKey, table: PublishedTable) -> str:
    family, sub, period, level, group = key
    column = next((c.label for c in table.columns if c.figure == (family, sub)),
                  _column_of(family, sub))
    row = next((r for r in table.rows if (r.period.key, r.level, r.group) == (period, level,
                                                                                group)), None)
    return f"{row.group_label if row else group}, {row.period.label if row else period}: {column}"


def _rule_problems(table: PublishedTable, exact: set[FigureKey]) -> list[str]:
    """Counts follow the primary rule (unless equal to England's); rates go with counts."""
    problems = []
    for row in table.rows:
        if row.level == ENGLAND:
            continue
        for column in table.columns:
            value = row.values.get(column.name)
            where = f"{row.group_label}, {row.period.label}: {column.label}"
            key = (*column.figure, row.period.key, row.level, row.group) if column.figure else None
            if column.kind in ("count", "days") and key not in exact and not _protected_value(
                    value):
                problems.append(f"{where} is not a protected value")
            derived = column.kind in ("rate", "share", "lower", "upper")
            if derived and value is not None and suppressed(table, row, column):
                problems.append(f"{where} is shown although its count is suppressed")
    return problems


def _protected_value(value: Any) -> bool:
    if value is None or value == 0:
        return True
    return isinstance(value, int) and value >= 10 and value % sdc.ROUND_TO == 0


def _published_block_problems(table: PublishedTable) -> list[str]:
    problems = []
    categories = [c for c in table.columns if c.figure and c.figure[1]]
    by_period: dict[str, list[Row]] = defaultdict(list)
    for row in table.rows:
        by_period[row.period.key].append(row)
    for rows in by_period.values():
        body = [r for r in rows if r.level != ENGLAND]
        england = next((r for r in rows if r.level == ENGLAND), None)
        if not body or england is None:
            continue
        found = sdc.recoverable_cells(
            [[r.values[c.name] for c in categories] for r in body],
            [r.values["incidents"] for r in body],
            [england.values[c.name] for c in categories], england.values["incidents"])
        names = [r.group_label for r in body] + [ENGLAND_LABEL]
        labels = [c.label for c in categories] + ["All incidents"]
        problems += [f"{names[i]}, {rows[0].period.label}: {labels[j]} can be worked out from "
                     "the table's totals" for i, j in found]
    return problems


# --------------------------------------------------------------------------------------------
# Display
# --------------------------------------------------------------------------------------------

NOT_AVAILABLE = "n/a"


def suppressed(table: Table | PublishedTable, row: Row, column: Column) -> bool:
    """Is this cell hidden by disclosure control (rather than merely not available)?"""
    if column.kind in ("count", "days"):
        return row.values.get(column.name) is None
    if column.kind == "headcount":
        return False
    estimate = column.estimate or column.name
    spec = {**_RATES, **_STAFF_GROUP_RATES, **_SHARES}.get(estimate)
    if spec is None:
        return False
    names = {c.name for c in table.columns}
    parts = [p for p in spec if p in names and p != "headcount"]
    return any(row.values.get(p) is None for p in parts)


def display_value(column: Column, value: Any, *, hidden: bool = False) -> str:
    """Text for one cell: "*" when suppressed, "n/a" when there is nothing to show."""
    if value is None:
        return sdc.SUPPRESSED_DISPLAY if hidden else NOT_AVAILABLE
    if column.kind in ("count", "days"):
        return f"{int(value):,}"
    if column.kind == "headcount":
        return f"{round(value):,}"
    if column.kind == "share" or (column.kind in ("lower", "upper")
                                  and column.estimate.endswith("share")):
        return f"{value * 100:.1f}%"
    return f"{value:,.1f}"


def display_columns(table: Table | PublishedTable) -> list[Column]:
    """The columns a page shows: a rate or share carries its interval in the same cell."""
    return [c for c in table.columns if c.kind not in ("lower", "upper")]


def display_row(table: Table | PublishedTable, row: Row) -> list[str]:
    """One row's cells as text, in the order of :func:`display_columns`."""
    cells = []
    for column in display_columns(table):
        hidden = suppressed(table, row, column)
        text = display_value(column, row.values.get(column.name), hidden=hidden)
        if column.kind in ("rate", "share") and row.values.get(column.name) is not None:
            low, high = (row.values.get(f"{column.name}_{end}") for end in ("lower", "upper"))
            limit = replace(column, kind="rate" if column.kind == "rate" else "share")
            text += f" ({display_value(limit, low)} to {display_value(limit, high)})"
        cells.append(text)
    return cells


EXPORT_PREFIX = ["period", "group_level", "group_code", "group"]


def export_rows(table: PublishedTable) -> tuple[list[str], list[list[Any]]]:
    """Header and rows for a download: numbers stay numbers (rates to 2 decimal places, shares
    as percentages), "*" where suppressed, "" where there is nothing to show."""
    header = [*EXPORT_PREFIX, *(c.name for c in table.columns)]
    rows = []
    for row in table.rows:
        cells: list[Any] = [row.period.key, row.level, row.group, row.group_label]
        for column in table.columns:
            cells.append(_export_value(table, row, column))
        rows.append(cells)
    return header, rows


def _export_value(table: PublishedTable, row: Row, column: Column) -> Any:
    value = row.values.get(column.name)
    if value is None:
        return sdc.SUPPRESSED_DISPLAY if suppressed(table, row, column) else ""
    if column.kind in ("count", "days"):
        return int(value)
    if column.kind == "headcount":
        return round(float(value), 1)
    share = column.kind == "share" or column.estimate.endswith("share")
    return round(float(value) * (100 if share else 1), 2)


# --------------------------------------------------------------------------------------------
# Stored publications: a published table as plain JSON and back
# --------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def published_to_json(table: PublishedTable) -> dict[str, Any]:
    """A published table as JSON-ready data: only one :func:`publish` checked (its protection
    record is not kept)."""
    if not table.checked:
        raise DisclosureError(["only a table that passed the disclosure check is stored"])
    return {
        "name": table.name, "title": table.title, "granularity": table.granularity,
        "level": table.level, "group_label": table.group_label, "notes": list(table.notes),
        "columns": [[c.name, c.label, c.kind, list(c.figure) if c.figure else None,
                     c.estimate] for c in table.columns],
        "rows": [[r.period.granularity, r.period.start.isoformat(), r.level, r.group,
                  r.group_label, {k: _plain(v) for k, v in r.values.items()}]
                 for r in table.rows],
        "checked": True,
        "exact": sorted(list(k) for k in _exact_keys(table)),
    }


def _exact_keys(table: PublishedTable) -> set[FigureKey]:
    if table._publication is None:
        return set(table.exact)
    status = table._publication.status
    return {key for r in table.rows if r.level != ENGLAND for c in table.columns if c.figure
            for key in [(*c.figure, r.period.key, r.level, r.group)]
            if status.get(key) == EXACT}


def published_from_json(data: dict[str, Any]) -> PublishedTable:
    columns = tuple(Column(name, label, kind, tuple(figure) if figure else None, estimate)
                    for name, label, kind, figure, estimate in data["columns"])
    rows = tuple(Row(period_of(date.fromisoformat(start), granularity), level, group, label,
                     values)
                 for granularity, start, level, group, label, values in data["rows"])
    return PublishedTable(data["name"], data["title"], data["granularity"], data["level"],
                          data["group_label"], columns, rows, tuple(data["notes"]),
                          checked=data.get("checked") is True,
                          exact=frozenset(tuple(k) for k in data.get("exact", [])))


def publications_for_year(cell_frame: pl.DataFrame, headcounts: pl.DataFrame,
                          financial_year: int) -> dict[str, list[PublishedTable]]:
    """Every published table of one financial year, by granularity: what the hub stores.

    ``cell_frame`` and ``headcounts`` hold that financial year only (suppression is decided
    per financial year, so a year's tables need nothing from any other year).
    """
    first = date(financial_year, 4, 1)
    last = date(financial_year + 1, 3, 1)
    data = _prepare(cell_frame, headcounts)
    figures, aggregates = _figures(data)  # protected once for all three granularities
    return {granularity: [publish(t) for t in _build(data, figures, aggregates, granularity,
                                                      first, last)]
            for granularity in GRANULARITIES}
