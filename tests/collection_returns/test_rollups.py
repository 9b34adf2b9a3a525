"""The national roll-ups (ADR 0012) stay in step with the rows they add up, and the stored
publication is used until the data behind it changes."""

from __future__ import annotations

import polars as pl
import pytest

from staffsafe.collection import national, rollups, services, tables
from staffsafe.collection.models import NationalCell, NationalRow, Publication, Return
from tests.collection_returns.conftest import MARCH, generated_at, headcounts

KEYS = ["trust_ods", "period_start", "category", "staff_group"]


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    def send(world, content, header, *, name="march.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            return services.return_submit(
                actor=world.lead, trust=world.trust, period_start=MARCH, file_name=name,
                content=content, source=Return.Source.UPLOAD,
                generated_at=generated_at(header), headcounts=headcounts(header)).submission

    return send


def _from_cells() -> pl.DataFrame:
    cells = national.national_cells(MARCH, MARCH)
    return cells.group_by(KEYS).agg(pl.col(list(tables.CELL_MEASURES)).sum()).sort(KEYS)


def _from_rows() -> pl.DataFrame:
    return tables.cells(national.national_frame(MARCH, MARCH)).select(
        *KEYS, *tables.CELL_MEASURES).sort(KEYS)


def test_accepting_a_return_writes_cells_that_add_up_to_its_rows(world, return_file, submit):
    content, header = return_file(60)
    submission = submit(world, content, header)
    cells = NationalCell.objects.filter(submission=submission)
    assert cells.exists()
    assert sum(c.staff for c in cells) == 60
    assert sum(c.incidents for c in cells) == NationalRow.objects.filter(
        submission=submission, staff_index=0).count()
    assert _from_cells().equals(_from_rows())


def test_a_correction_moves_the_cells_to_the_new_return(world, return_file, submit):
    first = submit(world, *return_file(20, seed=1))
    content, header = return_file(35, seed=2)
    second = submit(world, content, header, name="corrected.csv")
    assert not NationalCell.objects.filter(submission=first).exists()
    assert sum(c.staff for c in NationalCell.objects.filter(submission=second)) == 35
    assert _from_cells().equals(_from_rows())


def test_rows_retired_by_a_later_return_leave_the_earlier_cells(world, return_file, submit):
    submission = submit(world, *return_file(30))
    retired = list(NationalRow.objects.filter(submission=submission, staff_index=0)
                   .values_list("incident_id", flat=True)[:4])
    NationalRow.objects.filter(incident_id__in=retired).update(current=False)
    before = rollups.fingerprint(2025)
    rollups.cells_rebuild([submission.pk])
    assert _from_cells().equals(_from_rows())
    assert sum(c.incidents for c in NationalCell.objects.all()) == NationalRow.objects.filter(
        current=True, staff_index=0).count()
    assert rollups.fingerprint(2025) != before  # the year's tables are computed again


def test_every_cell_can_be_rebuilt_from_the_rows(world, return_file, submit):
    submit(world, *return_file(25))
    expected = _from_cells()
    NationalCell.objects.all().delete()
    rollups.cells_rebuild_all()
    assert _from_cells().equals(expected)


def test_the_stored_publication_is_used_until_the_data_changes(world, return_file, submit,
                                                               national_analyst):
    submit(world, *return_file(40))
    stored = Publication.objects.get(financial_year=2025)  # computed after the accept
    national.published_tables(national_analyst, MARCH, MARCH, "month")
    assert Publication.objects.get(financial_year=2025).computed_at == stored.computed_at
    content, header = return_file(45, seed=3)
    submit(world, content, header, name="corrected.csv")
    refreshed = Publication.objects.get(financial_year=2025)
    assert refreshed.computed_at > stored.computed_at
    sectors = national.published_tables(national_analyst, MARCH, MARCH, "month")[0]
    england = next(r for r in sectors.rows if r.level == tables.ENGLAND)
    assert england.values["incidents"] == NationalRow.objects.filter(
        current=True, staff_index=0).count()


def test_only_checked_tables_are_stored(world, return_file, submit):
    submit(world, *return_file(40))
    published = Publication.objects.get(financial_year=2025).tables["month"]
    restored = [tables.published_from_json(t) for t in published]
    assert all(t.checked and tables.check_published(t) == [] for t in restored)
    assert [tables.published_to_json(t) for t in restored] == published
    unchecked = tables.PublishedTable(*(getattr(restored[0], f) for f in (
        "name", "title", "granularity", "level", "group_label", "columns", "rows", "notes")))
    assert tables.check_published(unchecked) == ["the table carries no record of its protection"]
    with pytest.raises(tables.DisclosureError):
        tables.published_to_json(unchecked)
    # A stored table is checked again when it is read back: a small count that should have been
    # suppressed (say a corrupted row) is caught before it can be shown or downloaded.
    # (One trust reported, so its sector's figures are England's and shown exact; the record of
    # which figures are exact is part of what is stored, and is dropped here too.)
    sectors = next(t for t in published if t["name"] == "sector")
    assert tables.check_published(tables.published_from_json(sectors)) == []
    sectors["exact"] = []
    row = next(r for r in sectors["rows"] if r[2] != tables.ENGLAND)
    row[5]["incidents"] = 3
    assert any("not a protected value" in p
               for p in tables.check_published(tables.published_from_json(sectors)))
