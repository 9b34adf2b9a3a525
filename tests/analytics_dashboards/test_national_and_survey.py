"""The national dashboard (published aggregates only) and the NHS Staff Survey upload."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from staffsafe.analytics import presenters, selectors
from staffsafe.analytics.models import StaffSurveyResult
from staffsafe.collection import tables
from tests.collection_tables.returns import add_rows, make_return
from tests.factories import TrustFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def returns(world, other_world):
    third = TrustFactory(ods_code="RCC", sector="acute", region="north_west")
    last = selectors.last_complete_month()
    for month in (last, selectors.add_months(last, -1)):
        add_rows(make_return(world.trust, month), 3, prefix="SECRET")
        add_rows(make_return(other_world.trust, month), 12, category="physical_assault")
        add_rows(make_return(third, month, headcounts={"registered_nurse_midwife": 200}), 40,
                 category="physical_assault")
    return last


def _period(last):
    return selectors.add_months(last, -23), last


def _is_protected(text: str) -> bool:
    number = text.split(" ")[0].replace(",", "")
    if text in ("*", "n/a", "0") or not number.isdigit():
        return True
    return int(number) >= 10 and int(number) % 5 == 0


def test_below_national_level_no_count_of_1_to_7_is_shown(national_analyst, returns):
    board = presenters.national_dashboard(national_analyst, *_period(returns))
    for table in board.tables[:2]:  # sectors and regions
        count_columns = [i for i, c in enumerate(table.columns)
                         if c in ("Incidents", "Physical assaults")]
        for row in table.rows:
            if not row.total:
                for i in count_columns:
                    assert _is_protected(row.cells[i]), (table.name, row.label, row.cells[i])


def test_england_trend_is_charted_with_spc(national_analyst, returns):
    board = presenters.national_dashboard(national_analyst, *_period(returns))
    trend = board.chart("trend")
    assert [p["y"] for p in trend.result.points] == [55, 55]
    assert trend.reading.startswith("The latest month shows")


def test_funnel_names_only_trusts_outside_by_ods_code(national_analyst, returns):
    board = presenters.national_dashboard(national_analyst, *_period(returns))
    funnel = board.funnel
    assert funnel is not None and set(funnel["names"]) <= {"RAA", "RBB", "RCC"}
    outside = {r.label for r in funnel["table"].rows}
    assert "RCC" in outside  # 40 assaults a month among 200 staff


def test_the_page_never_shows_a_row(national_analyst, returns, client_for):
    response = client_for(national_analyst).get("/national/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "SECRET" not in html
    assert "Which trusts stand out" in html
    assert client_for(national_analyst).get(
        "/national/dashboard/charts/funnel.svg").status_code == 200
    png = client_for(national_analyst).get("/national/dashboard/charts/trend.png")
    assert png.content.startswith(b"\x89PNG")


def test_the_page_shows_only_protected_numbers_below_england(national_analyst, returns,
                                                             client_for):
    html = client_for(national_analyst).get("/national/dashboard/").content.decode()
    sector = html.split('id="table-sector"')[1].split("</table>")[0]
    for row in re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", sector, re.S)[1:]:
        if "England" in row:
            continue
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        assert all(_is_protected(c) for c in cells[1:3]), cells


def test_bad_period_on_the_national_page(national_admin, client_for):
    response = client_for(national_admin).get("/national/dashboard/?period_from=2")
    assert response.status_code == 200
    assert "Select a first month from the list" in response.content.decode()
    assert client_for(national_admin).get(
        "/national/dashboard/charts/trend.svg?period_to=x").status_code == 400


@pytest.mark.parametrize("role", ["reporter", "manager", "lead", "trust_admin"])
def test_trust_roles_have_no_national_dashboard(world, client_for, role):
    assert client_for(getattr(world, role)).get("/national/dashboard/").status_code == 403


def _upload(client, text: str):
    return client.post("/national/staff-survey/", {
        "file": SimpleUploadedFile("survey.csv", text.encode(), content_type="text/csv")})


def test_survey_results_load_whole_and_show_as_a_gap(world, national_admin, client_for):
    response = _upload(client_for(national_admin),
                       "organisation,year,rate,base\nRAA,2024,14.3,1200\n")
    assert response.status_code == 302
    assert StaffSurveyResult.objects.get(trust=world.trust, year=2024).base == 1200
    gap = presenters.reporting_gap_table(world.lead)
    assert gap.rows[0].label == "2024" and gap.rows[0].cells[0] == pytest.approx(143.0)


def test_survey_errors_are_located_and_nothing_is_loaded(world, national_admin, client_for):
    response = _upload(client_for(national_admin),
                       "organisation,year,rate,base\nRAA,2024,14.3,1200\nZZZ,20x,120,0\n")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Row 3, column organisation: ZZZ is not the ODS code" in html
    assert "Row 3, column year" in html and "Row 3, column rate" in html
    assert "Row 3, column base" in html
    assert not StaffSurveyResult.objects.exists()


def test_survey_header_is_checked(national_admin, client_for):
    html = _upload(client_for(national_admin), "org,year\nRAA,2024\n").content.decode()
    assert "Row 1: the header needs the columns organisation, rate, base" in html


@pytest.mark.parametrize("role", ["lead", "trust_admin", "manager"])
def test_only_the_national_admin_loads_the_survey(world, client_for, role):
    assert client_for(getattr(world, role)).get("/national/staff-survey/").status_code == 403


def test_tables_module_is_what_protects(national_analyst, returns):
    """The dashboard uses the published tables; the check they pass is collection's own."""
    from staffsafe.collection import national
    first, last = _period(returns)
    for table in national.published_tables(national_analyst, first, last, "year"):
        assert tables.check_published(table) == []
