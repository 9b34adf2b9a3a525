"""The national roll-ups (ADR 0012): cells kept in step with the rows, publications with cells.

* **Cells** (`NationalCell`): the current rows of each accepted return added up by category and
  staff group (`tables.cells`). `return_accepted` writes them in the return's own transaction,
  from the frame it has just loaded, and rebuilds the cells of earlier returns whose rows it
  retired. The national tables read cells (about 40 per return) instead of rows (one per member
  of staff affected).
* **Publications** (`Publication`): the published tables of one financial year, disclosure
  control applied (seconds of work for a national year). Refreshed in the background after each
  accepted return; a page finds the stored year and uses it when its `fingerprint` still
  matches the year's accepted returns and their cells' versions, and computes it again only
  when it does not.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from datetime import date

import polars as pl
from django.db import transaction
from django.db.models import Count, F, Max, Min, Sum
from django.utils import timezone

from staffsafe.collection import loading, tables
from staffsafe.collection.models import NationalCell, NationalRow, Publication, Return, cell_column
from staffsafe.core.frames import query_frame
from staffsafe.organisations.models import Trust

DB_KEYS = ("submission_id", "trust_id", "period_start", "category", "staff_group")
ROW_INPUT_SCHEMA: dict[str, type[pl.DataType]] = {
    "submission_id": pl.Int64, "trust_id": pl.Int64, "period_start": pl.Date,
    "staff_index": pl.Int64, "category": pl.Utf8, "medical_factors": pl.Boolean,
    "injury": pl.Boolean, "days_absent": pl.Int64, "police_informed": pl.Boolean,
    "police_outcome": pl.Utf8, "civil_admin_sanctions": pl.Utf8, "staff_group": pl.Utf8,
}
REBUILD_BATCH = 500  # returns per read when every return's cells are rebuilt


# --------------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------------


def _store(cell_frame: pl.DataFrame) -> int:
    frame = cell_frame.select(
        *DB_KEYS, *(pl.col(m).alias(cell_column(m)) for m in tables.CELL_MEASURES))
    return loading.load_rows(frame, NationalCell)


def _bump(submission_ids: list[int]) -> None:
    Return.objects.filter(pk__in=submission_ids).update(cells_version=F("cells_version") + 1)


def cells_of_frame(national_part: pl.DataFrame) -> pl.DataFrame:
    """The cells of a part of a return's national rows (`loading.national_parts`); pure."""
    return tables.cells(national_part, keys=DB_KEYS)


def cells_added(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """The cells of a whole return from the cells of its parts (cells add up)."""
    return tables.add_cells(parts, DB_KEYS)


def cells_store(found: pl.DataFrame) -> int:
    """Store cells made by `cells_of_frame` for returns that have none yet."""
    _bump(found["submission_id"].unique().to_list())
    return _store(found)


def _current_rows(submission_ids: list[int]) -> pl.DataFrame:
    query = (NationalRow.objects.filter(submission_id__in=submission_ids, current=True)
             .values_list(*ROW_INPUT_SCHEMA).order_by())
    return query_frame(query, ROW_INPUT_SCHEMA)


def cells_rebuild(submission_ids: Iterable[int]) -> int:
    """Replace the cells of these returns with the sum of their current rows (the caller owns
    the transaction). Superseded and rejected returns end with no cells."""
    ids = sorted(set(submission_ids))
    if not ids:
        return 0
    _bump(ids)  # first: it locks the returns, so two rebuilds of one return take turns
    NationalCell.objects.filter(submission_id__in=ids).delete()
    counting = list(Return.objects.filter(pk__in=ids, status=Return.Status.ACCEPTED)
                    .values_list("pk", flat=True))
    stored = 0
    for start in range(0, len(counting), REBUILD_BATCH):
        rows = _current_rows(counting[start:start + REBUILD_BATCH])
        stored += _store(tables.cells(rows, keys=DB_KEYS))
    return stored


def cells_rebuild_all() -> int:
    """Every accepted return's cells, from its rows: after a migration, or to check the cells."""
    with transaction.atomic():
        NationalCell.objects.all().delete()
        ids = list(Return.objects.filter(status=Return.Status.ACCEPTED)
                   .order_by("pk").values_list("pk", flat=True))
        return cells_rebuild(ids)


# --------------------------------------------------------------------------------------------
# Publications
# --------------------------------------------------------------------------------------------


def year_range(financial_year: int) -> tuple[date, date]:
    return date(financial_year, 4, 1), date(financial_year + 1, 3, 1)


def fingerprint(financial_year: int) -> str:
    """What a year's tables are computed from: its accepted returns, the versions of their
    cells and their trusts' details. A return accepted, superseded or re-counted changes it, and
    so does a trust renamed or moved to another sector or region. Two small queries."""
    first, last = year_range(financial_year)
    found = Return.objects.filter(status=Return.Status.ACCEPTED, period_start__gte=first,
                                  period_start__lte=last).aggregate(
        n=Count("pk"), top=Max("pk"), low=Min("pk"), at=Max("processed_at"),
        cells=Sum("cells_version"))
    # The trusts' names, sectors and regions group the tables: a change to any trust (a few
    # hundred rows, read whole: cheaper than finding the year's) changes them.
    trusts = list(Trust.objects.order_by("pk").values_list("pk", "ods_code", "name", "sector",
                                                           "region"))
    text = repr((tuple(found[k] for k in ("n", "top", "low", "at", "cells")), trusts))
    return hashlib.sha256(text.encode()).hexdigest()


def publication_compute(financial_year: int) -> Publication:
    """Build and protect a financial year's tables from the cells, and store them."""
    from staffsafe.collection import national

    first, last = year_range(financial_year)
    started = time.perf_counter()
    stamp = fingerprint(financial_year)
    published = tables.publications_for_year(national.national_cells(first, last),
                                             national.headcount_frame(first, last),
                                             financial_year)
    payload = {granularity: [tables.published_to_json(t) for t in found]
               for granularity, found in published.items()}
    publication, _ = Publication.objects.update_or_create(
        financial_year=financial_year, defaults={
            "fingerprint": stamp, "computed_at": timezone.now(),
            "seconds": time.perf_counter() - started, "tables": payload})
    return publication


def publication_for(financial_year: int) -> Publication:
    """The stored tables of a financial year, computed again first if the data has changed."""
    stored = Publication.objects.filter(financial_year=financial_year).first()
    if stored is not None and stored.fingerprint == fingerprint(financial_year):
        return stored
    return publication_compute(financial_year)


def financial_years_with_returns() -> list[int]:
    months = (Return.objects.filter(status=Return.Status.ACCEPTED)
              .values_list("period_start", flat=True).distinct())
    return sorted({tables.financial_year_start(m) for m in months})


def publications_refresh(financial_years: Iterable[int] | None = None, *,
                         force: bool = False) -> list[int]:
    """Recompute the stored tables of the years whose data changed (every year with ``force``,
    after a change to the disclosure rules); returns those years."""
    years = sorted(set(financial_years)) if financial_years is not None else (
        financial_years_with_returns())
    done = []
    for year in years:
        stored = Publication.objects.filter(financial_year=year).values_list(
            "fingerprint", flat=True).first()
        if force or stored != fingerprint(year):
            publication_compute(year)
            done.append(year)
    return done


def touched_years(periods: Iterable[date]) -> list[int]:
    return sorted({tables.financial_year_start(p) for p in periods})
