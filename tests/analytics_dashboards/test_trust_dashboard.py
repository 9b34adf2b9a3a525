"""The trust dashboard: scoping, SQL aggregates into SPC, filters, downloads, board report."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from staffsafe.analytics import presenters, selectors
from staffsafe.analytics.forms import default_period
from staffsafe.audit.models import AuditEvent
from staffsafe.organisations.models import Headcount
from tests.factories import make_incident, staff_member

pytestmark = pytest.mark.django_db


def _months_ago(n: int):
    return timezone.now() - timedelta(days=30 * n + 3)


@pytest.fixture
def incidents(world, other_world):
    """Ward A: 3 incidents (one physical assault); ward B: 1; the other trust: 2."""
    made = [
        make_incident(world.reporter, world.ward, occurred_at=_months_ago(1),
                      category="physical_assault", factors=["alcohol"],
                      staff=[staff_member(injury=True, days_absent=4)]),
        make_incident(world.reporter, world.ward, occurred_at=_months_ago(2)),
        make_incident(world.reporter, world.ward, occurred_at=_months_ago(3),
                      factors=["alcohol", "waiting_time_dissatisfaction"]),
        make_incident(world.lead, world.other_ward, occurred_at=_months_ago(2)),
        make_incident(other_world.reporter, other_world.ward, occurred_at=_months_ago(1)),
        make_incident(other_world.reporter, other_world.ward, occurred_at=_months_ago(1)),
    ]
    month = selectors.last_complete_month()
    for i in range(24):
        Headcount.objects.create(trust=world.trust, staff_group="registered_nurse_midwife",
                                 month=selectors.add_months(month, -i), headcount=500)
    return made


def _filters():
    period = default_period()
    from datetime import date
    return selectors.DashboardFilters(date.fromisoformat(period["period_from"]),
                                      date.fromisoformat(period["period_to"]))


def test_the_lead_sees_the_whole_trust(world, incidents):
    board = presenters.trust_dashboard(world.lead, _filters())
    assert board.total_incidents == 4
    assert board.total_physical_assaults == 1
    assert len(board.charts[0].result.points) == 24
    assert board.charts[0].reading.startswith("The latest month shows")
    factors = {r.label: r.cells[0] for r in board.table("factors").rows}
    assert factors["Alcohol"] == 2
    assert factors["Waiting time or dissatisfaction"] == 1
    staff = board.table("staff_group").rows[0]
    assert staff.cells[0] == 4 and staff.cells[4] == 500.0  # people, average headcount
    assert staff.cells[5] == pytest.approx(8.0)  # 4 per 500 staff = 8 per 1,000
    injuries = {r.label: r.cells[0] for r in board.table("injuries").rows}
    assert injuries["Days lost (staff absence)"] == 4
    hours = board.table("hour_weekday").rows[-1]
    assert hours.cells[-1] == 4


def test_a_manager_sees_their_units_only_and_no_rates(world, incidents):
    board = presenters.trust_dashboard(world.manager, _filters())
    assert board.total_incidents == 3  # ward A only: not ward B's
    assert {r.label for r in board.table("unit").rows} == {world.ward.name}
    assert board.table("staff_group").rows[0].cells[5] is None
    assert board.reporting_gap is None


def test_the_other_trust_counts_nothing_of_ours(other_world, world, incidents):
    other_world.lead.refresh_from_db()
    board = presenters.trust_dashboard(other_world.lead, _filters())
    assert board.total_incidents == 2
    assert world.ward.name not in {r.label for r in board.table("unit").rows}


@pytest.mark.parametrize("role", ["reporter", "trust_admin"])
def test_others_in_the_trust_have_no_dashboard(world, client_for, role):
    assert client_for(getattr(world, role)).get("/dashboard/").status_code == 403


def test_national_roles_have_no_trust_dashboard(national_analyst, client_for):
    assert client_for(national_analyst).get("/dashboard/").status_code == 403


def test_the_page_shows_readings_tables_and_drill_down(world, incidents, client_for):
    response = client_for(world.lead).get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The latest month shows" in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "/incidents/?occurred_from=" in html and "category=physical_assault" in html
    assert "/dashboard/charts/incidents.svg?" in html


@pytest.mark.parametrize("query, message", [
    ("period_from=1999-01-01", "Select a first month from the list"),
    ("period_to=nonsense", "Select a last month from the list"),
    ("unit=abc", "Select a unit from the list"),
    ("category=%3Cscript%3E", "Select a category from the list"),
    ("staff_group=x", "Select a staff group from the list"),
])
def test_bad_filters_get_a_located_error(world, client_for, query, message):
    response = client_for(world.lead).get(f"/dashboard/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()


def test_the_period_must_run_forwards(world, client_for):
    period = default_period()
    response = client_for(world.lead).get(
        f"/dashboard/?period_from={period['period_to']}&period_to={period['period_from']}")
    assert "The last month must be the same as or after the first" in response.content.decode()


def test_a_manager_cannot_filter_to_another_unit(world, client_for):
    response = client_for(world.manager).get(f"/dashboard/?unit={world.other_ward.pk}")
    assert "Select a unit from the list" in response.content.decode()


def test_bad_filters_on_a_download_are_a_400(world, client_for):
    client = client_for(world.lead)
    assert client.get("/dashboard/data/category.csv?period_from=x").status_code == 400
    assert client.get("/dashboard/data/nothing.csv").status_code == 404
    assert client.get("/dashboard/charts/incidents.gif").status_code == 404


def test_charts_download_as_svg_and_png(world, incidents, client_for):
    client = client_for(world.lead)
    svg = client.get("/dashboard/charts/incidents.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<title id=\"chart-title\">Incidents each month</title>" in svg.content
    assert b"<desc" in svg.content
    png = client.get("/dashboard/charts/physical_assaults.png?download=1")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert "attachment" in png["Content-Disposition"]


def test_data_downloads_are_formula_safe_and_audited(world, client_for):
    world.ward.name = "=HYPERLINK(\"http://x\")"
    world.ward.save()
    make_incident(world.reporter, world.ward, occurred_at=_months_ago(1))
    client = client_for(world.lead)
    response = client.get("/dashboard/data/unit.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Unit"
    assert rows[1][0].startswith("'=")
    xlsx = client.get("/dashboard/data/unit.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content))["unit"]
    assert sheet.cell(2, 1).data_type == "s"
    assert AuditEvent.objects.filter(action="export", object_type="dashboard_table").count() == 2


def test_board_report_is_a_pdf_with_the_trust_name_and_is_audited(world, incidents, client_for):
    response = client_for(world.lead).get("/dashboard/board-report.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert world.trust.name.encode() in response.content
    assert b"Hotspots" in response.content and b"Actions" in response.content
    assert AuditEvent.objects.filter(action="export", object_type="board_report").exists()


def test_only_the_lead_gets_the_board_report(world, client_for):
    assert client_for(world.manager).get("/dashboard/board-report.pdf").status_code == 403


def test_hotspots_flag_a_unit_with_special_cause_concern():
    from datetime import date
    months = [selectors.add_months(date(2024, 1, 1), i) for i in range(24)]
    units = {1: {"name": "Calm", "site": "S", "counts": [5, 6] * 12},
             2: {"name": "Hot", "site": "S", "counts": [5, 6] * 11 + [5, 40]}}
    shown = presenters.unit_hotspots(units, months)
    assert shown[0]["name"] == "Hot" and shown[0]["hotspot"]
    assert "Above UCL" in shown[0]["why"]
    assert not shown[1]["hotspot"]


def test_the_lead_sees_monthly_rates_per_1000_staff_as_spc(world, incidents):
    board = presenters.trust_dashboard(world.lead, _filters())
    rate = board.chart("incident_rate")
    counts = board.chart("incidents")
    assert len(rate.result.points) == 24
    assert [p["y"] for p in rate.result.points] == [
        1000 * p["y"] / 500 for p in counts.result.points]  # 500 staff every month
    assert max(p["y"] for p in rate.result.points) == 1000 * 2 / 500
    assert "per 1,000 staff" in rate.reading
    assert rate.table.columns[0] == "Per 1,000 staff"
    assert board.chart("physical_assault_rate").result.points[-1]["y"] in (0.0, 2.0)


def test_a_manager_has_no_rate_charts_without_a_headcount_of_their_own(world, incidents):
    board = presenters.trust_dashboard(world.manager, _filters())
    assert [c.name for c in board.charts] == ["incidents", "physical_assaults"]
