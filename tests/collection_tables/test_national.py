"""The national read model: which rows count, and who may see the published tables."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from staffsafe.collection import national, tables
from staffsafe.collection.models import Return
from tests.collection_tables.returns import add_rows, make_return
from tests.factories import TrustFactory

APRIL, MAY = date(2025, 4, 1), date(2025, 5, 1)


@pytest.fixture
def trusts(db):
    return (TrustFactory(ods_code="RAA", name="Alpha Hospitals", sector="acute",
                         region="london"),
            TrustFactory(ods_code="RBB", name="Bravo Ambulance", sector="ambulance",
                         region="midlands"))


def test_only_current_rows_of_accepted_returns_count(trusts):
    alpha, bravo = trusts
    accepted = make_return(alpha, APRIL)
    add_rows(accepted, 3, category="physical_assault", staff=2)  # 6 rows, 3 incidents
    add_rows(accepted, 2, current=False)  # replaced by a later return
    superseded = make_return(alpha, APRIL, status=Return.Status.SUPERSEDED)
    add_rows(superseded, 4)
    rejected = make_return(bravo, APRIL, status=Return.Status.REJECTED)
    add_rows(rejected, 5)
    received = make_return(bravo, MAY, status=Return.Status.RECEIVED)
    add_rows(received, 7)
    later = make_return(alpha, MAY)
    add_rows(later, 1)

    frame = national.national_frame(APRIL, MAY)
    assert frame.height == 7
    assert frame.filter(pl.col("staff_index") == 0).height == 4
    assert frame.filter(pl.col("period_start") == APRIL)["category"].unique().to_list() == [
        "physical_assault"]
    assert national.national_frame(APRIL, APRIL).height == 6


def test_the_frame_has_the_tables_columns_and_no_incident_id(trusts):
    alpha, _ = trusts
    add_rows(make_return(alpha, APRIL), 2, days_absent=3, police_informed=True,
             police_outcome="charged", civil_admin_sanctions="warning_letter|record_flag",
             medical_factors=None)
    frame = national.national_frame(APRIL, APRIL)
    assert frame.columns == list(national.ROW_SCHEMA)
    assert "incident_id" not in frame.columns
    assert dict(frame.schema) == national.ROW_SCHEMA
    first = frame.row(0, named=True)
    assert (first["trust_ods"], first["trust_name"], first["sector"], first["region"]) == (
        "RAA", "Alpha Hospitals", "acute", "london")
    assert (first["period_start"], first["days_absent"], first["police_informed"]) == (
        APRIL, 3, True)
    assert first["medical_factors"] is None and first["injury"] is False
    assert first["civil_admin_sanctions"] == "warning_letter|record_flag"


def test_an_empty_range_gives_an_empty_frame_of_the_right_shape(trusts):
    frame = national.national_frame(APRIL, MAY)
    assert frame.height == 0 and dict(frame.schema) == national.ROW_SCHEMA


def test_headcounts_come_from_accepted_returns_only(trusts):
    alpha, bravo = trusts
    make_return(alpha, APRIL, headcounts={"admin_clerical": 300, "medical_dental": 50})
    make_return(alpha, MAY, status=Return.Status.REJECTED, headcounts={"admin_clerical": 9})
    make_return(bravo, APRIL, headcounts={})
    frame = national.headcount_frame(APRIL, MAY).sort("trust_ods", "staff_group")
    assert frame.select("trust_ods", "staff_group", "headcount").rows() == [
        ("RAA", "admin_clerical", 300), ("RAA", "medical_dental", 50), ("RBB", "", 0)]
    assert frame["sector"].to_list() == ["acute", "acute", "ambulance"]


def test_published_tables_for_the_national_analyst(trusts, national_analyst):
    alpha, bravo = trusts
    add_rows(make_return(alpha, APRIL), 40, category="physical_assault", prefix="SECRET")
    add_rows(make_return(bravo, APRIL), 3, prefix="SECRET")
    published = national.published_tables(national_analyst, APRIL, APRIL, "month")
    assert [t.name for t in published] == list(tables.TABLE_NAMES)
    sectors = published[0]
    values = {r.group: r.values["incidents"] for r in sectors.rows}
    assert values["england"] == 43 and values["ambulance"] is None
    # What is served (the stored publication of the year, built from the cells) is exactly
    # what publishing the raw rows gives, and that passes the disclosure check.
    first, last = national.financial_years_around(APRIL, APRIL)
    fresh = [tables.publish(t) for t in tables.build_tables(
        national.national_frame(first, last), national.headcount_frame(first, last), "month",
        period_from=APRIL, period_to=APRIL)]
    assert published == fresh
    assert all(tables.check_published(t) == [] for t in fresh)
    assert "SECRET" not in repr(published)


def test_a_trust_submitter_sees_the_published_tables_too(world):
    assert national.may_see_published_tables(world.lead)
    assert national.may_see_published_tables(world.trust_admin)
    national.published_tables(world.lead, APRIL, APRIL, "quarter")


@pytest.mark.parametrize("role", ["reporter", "manager"])
def test_others_are_refused(world, role):
    with pytest.raises(PermissionDenied):
        national.published_tables(getattr(world, role), APRIL, APRIL, "month")


def test_whole_financial_years_are_loaded():
    assert national.financial_years_around(date(2025, 5, 1), date(2026, 1, 1)) == (
        date(2025, 4, 1), date(2026, 3, 1))
    assert national.financial_years_around(date(2025, 3, 1), date(2025, 4, 1)) == (
        date(2024, 4, 1), date(2026, 3, 1))


def test_bad_arguments_are_refused(national_analyst):
    with pytest.raises(ValueError, match="granularity"):
        national.published_tables(national_analyst, APRIL, MAY, "week")
    with pytest.raises(ValueError, match="ends before"):
        national.published_tables(national_analyst, MAY, APRIL, "month")


def test_copy_reads_the_same_frame_as_the_orm(trusts):
    if connection.vendor != "postgresql":
        pytest.skip("national_frame uses COPY only on PostgreSQL; on SQLite it reads through "
                    "the ORM, which is the reference this test compares COPY against")
    alpha, bravo = trusts
    add_rows(make_return(alpha, APRIL), 5, staff=2, days_absent=4, injury=True,
             civil_admin_sanctions="injunction", police_informed=None)
    add_rows(make_return(bravo, MAY), 3, category="remote_abuse", medical_factors=True)
    query = national._current_rows(APRIL, MAY).values_list(*(c[1] for c in national.ROW_COLUMNS))
    orm = pl.DataFrame(list(query), schema=national.ROW_SCHEMA, orient="row")
    order = ["trust_ods", "period_start", "staff_index"]
    copied = national.national_frame(APRIL, MAY)
    assert copied.height == 13
    assert copied.sort(order).equals(orm.sort(order))
