"""The national hub's read model: accepted returns as Polars frames, and the published tables.

`national_frame` and `headcount_frame` are the inputs of `collection.tables`: the current rows of
accepted returns (only the columns the tables need; no incident id, no free text) and the
headcounts those returns declared. `published_tables` is the only way out to people: aggregate
tables with disclosure control applied, never a row.

Suppression is decided per financial year (see `collection.tables`), so the frames are always
loaded for whole financial years around the range asked for.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
from django.core.exceptions import PermissionDenied

from staffsafe.accounts import scoping
from staffsafe.collection import tables
from staffsafe.collection.models import NationalCell, NationalRow, Return, cell_column
from staffsafe.core.frames import query_frame

# (column, ORM lookup, type) for the national frame, in order.
ROW_COLUMNS: tuple[tuple[str, str, type[pl.DataType]], ...] = (
    ("trust_ods", "trust__ods_code", pl.Utf8),
    ("trust_name", "trust__name", pl.Utf8),
    ("sector", "trust__sector", pl.Utf8),
    ("region", "trust__region", pl.Utf8),
    ("period_start", "period_start", pl.Date),
    ("staff_index", "staff_index", pl.Int64),
    ("category", "category", pl.Utf8),
    ("medical_factors", "medical_factors", pl.Boolean),
    ("injury", "injury", pl.Boolean),
    ("days_absent", "days_absent", pl.Int64),
    ("police_informed", "police_informed", pl.Boolean),
    ("police_outcome", "police_outcome", pl.Utf8),
    ("civil_admin_sanctions", "civil_admin_sanctions", pl.Utf8),
    ("staff_group", "staff_group", pl.Utf8),
)
ROW_SCHEMA = {name: dtype for name, _, dtype in ROW_COLUMNS}
CELL_SCHEMA: dict[str, type[pl.DataType]] = {
    "trust_ods": pl.Utf8, "trust_name": pl.Utf8, "sector": pl.Utf8, "region": pl.Utf8,
    "period_start": pl.Date, "category": pl.Utf8, "staff_group": pl.Utf8,
    **dict.fromkeys(tables.CELL_MEASURES, pl.Int64)}
HEADCOUNT_SCHEMA = {"trust_ods": pl.Utf8, "trust_name": pl.Utf8, "sector": pl.Utf8,
                    "region": pl.Utf8, "period_start": pl.Date, "staff_group": pl.Utf8,
                    "headcount": pl.Int64}


def may_see_published_tables(user) -> bool:
    """National roles, and trusts' submitters: published tables are aggregate."""
    return scoping.is_national(user) or scoping.can_submit_returns(user)


def _month(day: date) -> date:
    return day.replace(day=1)


def _current_rows(period_from: date, period_to: date):
    return NationalRow.objects.filter(
        current=True, submission__status=Return.Status.ACCEPTED,
        period_start__gte=_month(period_from), period_start__lte=_month(period_to))


def national_frame(period_from: date, period_to: date) -> pl.DataFrame:
    """Current rows of accepted returns for the months from ``period_from`` to ``period_to``,
    with the trust's ODS code, name, sector and region: see `tables.ROWS_COLUMNS`."""
    query = _current_rows(period_from, period_to).values_list(*(c[1] for c in ROW_COLUMNS))
    return query_frame(query, ROW_SCHEMA)


def headcount_frame(period_from: date, period_to: date) -> pl.DataFrame:
    """Staff headcount by trust, month and staff group, from the accepted returns; a return
    without headcounts still marks its trust and month as reporting (staff group "")."""
    returns = (Return.objects.filter(status=Return.Status.ACCEPTED,
                                     period_start__gte=_month(period_from),
                                     period_start__lte=_month(period_to))
               .order_by("trust_id", "period_start", "-submitted_at")
               .values_list("trust_id", "trust__ods_code", "trust__name", "trust__sector",
                            "trust__region", "period_start", "headcounts"))
    records = []
    seen: set[tuple[int, date]] = set()
    for trust_id, ods, name, sector, region, period_start, headcounts in returns:
        if (trust_id, period_start) in seen:
            continue  # two accepted returns for one month: the latest counts
        seen.add((trust_id, period_start))
        trust = (ods, name, sector, region, period_start)
        groups = _headcounts(headcounts) or [("", 0)]
        records += [(*trust, group, count) for group, count in groups]
    return pl.DataFrame(records, schema=HEADCOUNT_SCHEMA, orient="row")


def _headcounts(value: object) -> list[tuple[str, int]]:
    if not isinstance(value, dict):
        return []
    found = []
    for group, count in sorted(value.items()):
        try:
            number = int(count)
        except (TypeError, ValueError):
            continue
        if number >= 0:
            found.append((str(group), number))
    return found


def financial_years_around(period_from: date, period_to: date) -> tuple[date, date]:
    """The first and last months of the whole financial years holding the range."""
    first = tables.financial_year_start(period_from)
    last = tables.financial_year_start(period_to)
    return date(first, 4, 1), date(last + 1, 3, 1)


def national_cells(period_from: date, period_to: date) -> pl.DataFrame:
    """The roll-up of `national_frame` (`tables.cells` of the same rows, one set per return),
    read from the cells kept with each accepted return: what the tables are built from."""
    query = (NationalCell.objects.filter(
        submission__status=Return.Status.ACCEPTED, period_start__gte=_month(period_from),
        period_start__lte=_month(period_to))
        .values_list("trust__ods_code", "trust__name", "trust__sector", "trust__region",
                     "period_start", "category", "staff_group",
                     *(cell_column(m) for m in tables.CELL_MEASURES)).order_by())
    return query_frame(query, CELL_SCHEMA)


def published_tables(user, period_from: date, period_to: date,
                     granularity: str) -> list[tables.PublishedTable]:
    """Every national table for the range, as it may be published (see `collection.tables`).

    For national roles and trusts' submitters; anyone else is refused. Quarters and years that
    overlap the range are shown whole. Read from the stored publication of each financial year
    (`collection.rollups`), computed again first when its data has changed.
    """
    return published_tables_by_granularity(user, period_from, period_to, (granularity,))[
        granularity]


def published_tables_by_granularity(user, period_from: date, period_to: date,
                                    granularities: tuple[str, ...]
                                    ) -> dict[str, list[tables.PublishedTable]]:
    """`published_tables` for several granularities, reading each year's publication once."""
    from staffsafe.collection import rollups

    if not may_see_published_tables(user):
        raise PermissionDenied
    for granularity in granularities:
        if granularity not in tables.GRANULARITIES:
            raise ValueError(
                f"granularity must be one of {', '.join(tables.GRANULARITIES)}")
    if period_to < period_from:
        raise ValueError("the range ends before it starts")
    first, last = _month(period_from), _month(period_to)
    years = range(tables.financial_year_start(first), tables.financial_year_start(last) + 1)
    stored = [rollups.publication_for(year).tables for year in years]
    found = {}
    for granularity in granularities:
        parts = [[tables.published_from_json(t) for t in year[granularity]] for year in stored]
        found[granularity] = [_join_years([year[i] for year in parts], first, last)
                              for i in range(len(tables.TABLE_NAMES))]
    return found


def _join_years(parts: list[tables.PublishedTable], first: date,
                last: date) -> tables.PublishedTable:
    """One table from the same table of consecutive financial years, cut to the range; notes
    about periods outside the range are left out."""
    granularity = parts[0].granularity
    outside = set()
    for year in {r.period.financial_year for part in parts for r in part.rows}:
        for month in range(12):
            period = tables.period_of(date(year + (3 + month) // 12, (3 + month) % 12 + 1, 1),
                                      granularity)
            if period.start > last or period.end < first:
                outside.add(period.label)
    rows = tuple(r for part in parts for r in part.rows
                 if r.period.start <= last and r.period.end >= first)
    notes: list[str] = []
    for part in parts:
        notes += [n for n in part.notes if n not in notes and n.split(":", 1)[0] not in outside]
    return replace(parts[0], rows=rows, notes=tuple(notes))
