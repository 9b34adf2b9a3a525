"""Publishing the national tables: the data standard's disclosure control (no Django)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from scipy.sparse import lil_array

from staffsafe.analytics import rates, sdc
from staffsafe.collection import tables
from tests.collection_tables.builders import (
    APRIL,
    TRUSTS,
    headcount_frame,
    incidents,
    row_of,
    rows_frame,
    staff,
    staff_row,
    table,
)


def build(rows, counts, granularity="month"):
    return tables.build_tables(rows_frame(rows), headcount_frame(counts), granularity)


def published(rows, counts, name, granularity="month"):
    return tables.publish(table(build(rows, counts, granularity), name))


def one_of_each_size():
    """Six trusts, one per sector: 0, 5, 8, 12, 13 and 100 incidents; 138 in England."""
    rows = incidents(5, "RBB") + incidents(8, "RCC") + incidents(12, "RDD") + \
        incidents(13, "REE") + incidents(100, "RFF")
    return rows, staff(list(TRUSTS), [APRIL])


def test_counts_below_national_level_follow_the_standard():
    sectors = published(*one_of_each_size(), "sector")
    shown = {r.group: r.values["incidents"] for r in sectors.rows}
    assert shown == {"acute": 0, "ambulance": None, "community": 10,
                     "mental_health_learning_disability": 10, "primary_care": 15, "other": 100,
                     "england": 138}
    assert tables.check_published(sectors) == []


@pytest.mark.parametrize(("count", "text"), [(0, "0"), (5, "*"), (8, "10"), (12, "10"),
                                             (13, "15"), (100, "100")])
def test_what_each_count_looks_like_below_national_level(count, text):
    trusts = published(*one_of_each_size(), "trust")
    ods = {0: "RAA", 5: "RBB", 8: "RCC", 12: "RDD", 13: "REE", 100: "RFF"}[count]
    row = row_of(trusts, ods)
    column = next(c for c in trusts.columns if c.name == "incidents")
    assert tables.display_row(trusts, row)[tables.display_columns(trusts).index(column)] == text


def test_a_rate_is_suppressed_with_its_count_and_otherwise_uses_the_published_count():
    sectors = published(*one_of_each_size(), "sector")
    ambulance = row_of(sectors, "ambulance")
    assert ambulance.values["incident_rate"] is None
    assert ambulance.values["incident_rate_lower"] is None
    rate_column = next(c for c in sectors.columns if c.name == "incident_rate")
    assert tables.suppressed(sectors, ambulance, rate_column)
    cells = dict(zip([c.name for c in tables.display_columns(sectors)],
                     tables.display_row(sectors, ambulance), strict=True))
    assert cells["incidents"] == cells["incident_rate"] == "*"
    community = row_of(sectors, "community").values  # 8 incidents, published as 10
    assert (community["incident_rate"], community["incident_rate_lower"],
            community["incident_rate_upper"]) == pytest.approx(rates.rate_ci(10, 1000))


def test_a_share_is_suppressed_when_its_numerator_is():
    rows = incidents(20, "RAA", category="physical_assault", medical_factors=False) + \
        incidents(3, "RAA", category="physical_assault", medical_factors=True) + \
        incidents(40, "RFF", category="physical_assault", medical_factors=True)
    sectors = published(rows, staff(["RAA", "RFF"], [APRIL]), "sector")
    acute = row_of(sectors, "acute").values
    assert acute["physical_assaults"] == 25 and acute["medical_factors"] is None
    assert acute["medical_factors_share"] is None
    other = row_of(sectors, "other").values
    assert other["medical_factors_share"] == pytest.approx(1.0)


def test_national_figures_are_exact():
    rows, counts = one_of_each_size()
    rows += incidents(5, "RAA", category="sexual_assault")
    built = build(rows, counts)
    england = row_of(tables.publish(table(built, "sector")), "england").values
    assert england["incidents"] == 143
    assert england["incident_rate"] == pytest.approx(143 / 6000 * 1000)
    categories = tables.publish(table(built, "category"))
    assert row_of(categories, "sexual_assault").values["incidents"] == 5
    assert tables.check_published(categories) == []
    people = tables.publish(table(built, "staff_group"))
    assert row_of(people, "england").values["staff_affected"] == 143


def test_a_sub_national_table_cannot_be_published_as_national():
    built = build(*one_of_each_size())
    with pytest.raises(ValueError, match="cannot be published"):
        tables.publish(table(built, "trust"), tables.NATIONAL)
    with pytest.raises(ValueError, match="cannot be published"):
        tables.publish(table(built, "category"), tables.SUBNATIONAL)


def test_the_check_catches_a_raw_count_and_a_rate_beside_a_suppressed_count():
    sectors = published(*one_of_each_size(), "sector")
    rows = list(sectors.rows)
    at = rows.index(row_of(sectors, "community"))
    rows[at] = replace(rows[at], values={**rows[at].values, "incidents": 8})
    at = rows.index(row_of(sectors, "ambulance"))
    rows[at] = replace(rows[at], values={**rows[at].values, "incident_rate": 5.0})
    problems = tables.check_published(replace(sectors, rows=tuple(rows)))
    assert any("Community" in p and "not a protected value" in p for p in problems)
    assert any("Ambulance" in p and "count is suppressed" in p for p in problems)


def test_a_count_that_englands_exact_total_gives_away_is_protected():
    # England 49 exact; acute 48 would round to 50, so ambulance's 1 = 49 - 48..52 = 1.
    rows = incidents(48, "RAA") + incidents(1, "RBB")
    built = build(rows, staff(["RAA", "RBB"], [APRIL]))
    sectors = tables.publish(table(built, "sector"))
    assert row_of(sectors, "england").values["incidents"] == 49
    assert row_of(sectors, "ambulance").values["incidents"] is None
    assert row_of(sectors, "acute").values["incidents"] is None  # secondary suppression
    trusts = tables.publish(table(built, "trust"))
    assert row_of(trusts, "RAA").values["incidents"] is None
    assert tables.check_published(sectors) == tables.check_published(trusts) == []


def test_zeros_beside_a_small_exact_england_total_are_withheld():
    # One member of staff off for 40 days: England shows 40; the sector with it must not.
    rows = [staff_row("RAA", days_absent=40), *incidents(30, "RFF"), *incidents(30, "RCC")]
    built = build(rows, staff(["RAA", "RCC", "RFF"], [APRIL]))
    sectors = tables.publish(table(built, "sector"))
    assert row_of(sectors, "england").values["days_lost"] == 40
    assert {r.group: r.values["days_lost"] for r in sectors.rows if r.level != "england"} == {
        "acute": None, "community": None, "other": None}
    assert row_of(sectors, "other").values["incidents"] == 30
    assert tables.check_published(sectors) == []


def test_when_only_one_sector_reports_its_figures_are_englands():
    sectors = published(incidents(3, "RAA"), staff(["RAA"], [APRIL]), "sector")
    assert row_of(sectors, "acute").values["incidents"] == 3 == \
        row_of(sectors, "england").values["incidents"]
    assert any("England's" in note for note in sectors.notes)
    assert tables.check_published(sectors) == []


def test_sector_by_category_is_protected_with_protect_table_and_passes_its_check():
    rows = incidents(3, "RAA", category="physical_assault") + incidents(40, "RAA") + \
        incidents(30, "RFF", category="physical_assault") + incidents(9, "RFF") + \
        incidents(25, "RCC", category="remote_abuse") + incidents(2, "RCC")
    block = published(rows, staff(["RAA", "RCC", "RFF"], [APRIL]), "sector_category")
    acute = row_of(block, "acute").values
    assert acute["physical_assault"] is None  # 3
    assert acute["verbal_abuse_threat"] is None  # its partner, by protect_table's rule
    assert acute["incidents"] == 45
    assert row_of(block, "england").values["physical_assault"] == 33  # exact
    assert tables.check_published(block) == []
    for problems in _block_checks(block):
        assert problems == []


def test_a_block_that_cannot_be_protected_is_not_published():
    # Seven categories with one incident each: the sector's total (7) is suppressed and every
    # cell is then known to be 1 (sdc.protect_table cannot protect it).
    rows = [r for c in tables.CATEGORIES[:7] for r in incidents(1, "RAA", category=c)] + \
        incidents(60, "RFF") + incidents(45, "RCC", category="physical_assault")
    built = build(rows, staff(["RAA", "RCC", "RFF"], [APRIL]))
    block = tables.publish(table(built, "sector_category"))
    assert block.rows == ()
    assert any("not published by sector and category" in note for note in block.notes)
    sectors = tables.publish(table(built, "sector"))
    assert row_of(sectors, "acute").values["incidents"] is None
    assert tables.check_published(sectors) == []


def test_months_cannot_be_worked_out_from_their_quarter():
    months = [date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)]
    rows = [r for m in months for r in incidents(4, "RBB", m) + incidents(30, "RFF", m)]
    counts = staff(["RBB", "RFF"], months)
    monthly = published(rows, counts, "sector", "month")
    quarterly = published(rows, counts, "sector", "quarter")
    assert row_of(quarterly, "ambulance").values["incidents"] == 10  # 12, rounded
    # 3 months of * can't be worked out from the quarter's 10 and each other
    assert all(r.values["incidents"] is None for r in monthly.rows if r.group == "ambulance")
    assert tables.check_published(monthly) == tables.check_published(quarterly) == []


def test_display_of_values():
    count = tables.Column("n", "N", "count")
    rate = tables.Column("r", "R", "rate")
    share = tables.Column("s", "S", "share")
    assert tables.display_value(count, None, hidden=True) == "*"
    assert tables.display_value(rate, None) == "n/a"
    assert tables.display_value(count, 12345) == "12,345"
    assert tables.display_value(rate, 3.14159) == "3.1"
    assert tables.display_value(share, 0.4567) == "45.7%"


def test_exports_keep_numbers_and_mark_suppression():
    sectors = published(*one_of_each_size(), "sector")
    header, rows = tables.export_rows(sectors)
    assert header[:5] == ["period", "group_level", "group_code", "group", "incidents"]
    ambulance = next(r for r in rows if r[2] == "ambulance")
    assert ambulance[4] == "*" and ambulance[header.index("incident_rate")] == "*"
    england = next(r for r in rows if r[2] == "england")
    assert england[4] == 138 and isinstance(england[header.index("incident_rate")], float)


# ---- property: no published sector x category table gives a suppressed cell away -----------


def _block_checks(block):
    """sdc.recoverable_cells on each period of a published sector x category table."""
    categories = [c.name for c in block.columns if c.name != "incidents"]
    by_period: dict[str, list] = {}
    for row in block.rows:
        by_period.setdefault(row.period.key, []).append(row)
    for rows in by_period.values():
        body = [r for r in rows if r.level != "england"]
        england = next(r for r in rows if r.level == "england")
        yield sdc.recoverable_cells(
            [[r.values[c] for c in categories] for r in body],
            [r.values["incidents"] for r in body],
            [england.values[c] for c in categories], england.values["incidents"])


def _block_lines(publication):
    """The sector x category table's own additive lines: categories to each sector's total,
    sectors to England's (exact) category totals, sector totals to England's total."""
    def in_block(key):
        return key[0] == "incidents" and key[3] in ("sector", "england") \
            and key[2] not in publication.unpublished_blocks
    return [line for line in publication.lines
            if all(in_block(k) for k in (*line[0], line[1]))
            and len({k[2] for k in (*line[0], line[1])}) == 1]


def _lp_recoverable(publication, truth, targets):
    """Independent audit by linear programming over the sector x category table's published
    totals: the suppressed targets whose minimum and maximum meet at the true value (a count
    of 1 to 7; a zero that is worked out gives nothing away)."""
    lines = _block_lines(publication)
    keys = sorted({k for members, total in lines for k in (*members, total)})
    position = {k: i for i, k in enumerate(keys)}
    if not keys:
        return []
    matrix = lil_array((len(lines), len(keys)))
    for r, (members, total) in enumerate(lines):
        for k in members:
            matrix[r, position[k]] = 1
        matrix[r, position[total]] = -1
    matrix = matrix.tocsr()
    bounds = [(low, None if high == math.inf else high)
              for low, high in (publication.reading(k) for k in keys)]
    found = []
    for key in targets:
        if key not in position or publication.value[key] is not None:
            continue
        objective = np.zeros(len(keys))
        objective[position[key]] = 1
        ends = [linprog(sign * objective, A_eq=matrix, b_eq=np.zeros(matrix.shape[0]),
                        bounds=bounds, method="highs") for sign in (1, -1)]
        if any(end.status != 0 for end in ends):
            continue  # a secondary cell above 7 read as 1 to 7: the reader is misled, not helped
        low, high = math.ceil(ends[0].fun - 1e-7), math.floor(-ends[1].fun + 1e-7)
        small = sdc.SUPPRESS_MIN <= low <= sdc.SUPPRESS_MAX
        if low == high == truth[key] and small:
            found.append(key)
    return found


def test_the_audit_finds_what_primary_suppression_alone_gives_away():
    built = build(incidents(48, "RAA") + incidents(1, "RBB"), staff(["RAA", "RBB"], [APRIL]))
    figures = table(built, "sector")._figures
    targets = [k for k in figures.truth if k[0] == "incidents" and k[3] == "sector"]
    primary_only = tables._primary(figures)
    primary_only.lines = tables._lines(figures)
    assert ("incidents", "", "2025-04", "sector", "ambulance") in _lp_recoverable(
        primary_only, figures.truth, targets)
    assert _lp_recoverable(figures.publication, figures.truth, targets) == []


CATEGORY_CHOICE = st.sampled_from(["physical_assault", "verbal_abuse_threat", "remote_abuse",
                                   "sexual_assault"])


# (trust, month 0-2, category, incidents): compact, so a failing example reads well.
RETURNS = st.lists(st.tuples(st.sampled_from(sorted(TRUSTS)), st.integers(0, 2), CATEGORY_CHOICE,
                             st.integers(0, 14)), min_size=1, max_size=14)


def _frames(cells):
    rows = [r for trust, month, category, count in cells
            for r in incidents(count, trust, date(2025, 4 + month, 1), category=category)]
    reporting = {(trust, date(2025, 4 + month, 1)) for trust, month, _, _ in cells}
    return rows, {key: {"registered_nurse_midwife": 1000} for key in sorted(reporting)}


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(RETURNS, st.sampled_from(tables.GRANULARITIES))
def test_published_sector_by_category_tables_never_give_a_suppressed_cell_away(cells, grain):
    built = build(*_frames(cells), grain)
    block = tables.publish(table(built, "sector_category"))  # raises if its check fails
    assert tables.check_published(block) == []
    for problems in _block_checks(block):
        assert problems == []
    for name in ("sector", "region", "trust"):
        assert tables.check_published(tables.publish(table(built, name))) == []
    figures = table(built, "sector")._figures
    publication = figures.publication
    targets = [k for k in figures.truth if k[0] == "incidents" and k[3] == "sector"]
    assert _lp_recoverable(publication, figures.truth, targets) == []
    for key, value in publication.value.items():  # nothing published but the standard's values
        if value is not None and publication.status[key] == "shown":
            assert value == sdc.suppress_count(figures.truth[key])
