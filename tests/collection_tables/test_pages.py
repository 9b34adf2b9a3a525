"""The national tables page and its downloads: who may see them, what they hold."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from staffsafe.audit.models import AuditEvent
from staffsafe.collection import tables
from staffsafe.collection.selectors import recent_periods
from staffsafe.core.spreadsheets import formula_safe as safe_text
from tests.collection_tables.returns import add_rows, make_return
from tests.factories import TrustFactory

pytestmark = pytest.mark.urls("tests.collection_tables.urls")

PAGE = "/national/tables/"
SECRET = "SECRET-7731"


@pytest.fixture
def month():
    return recent_periods(1)[0]


@pytest.fixture
def query(month):
    return {"period_from": month.isoformat(), "period_to": month.isoformat(),
            "granularity": "month"}


@pytest.fixture
def returns(world, other_world, month):
    """Two trusts' accepted returns for last month; their incident ids must never show."""
    add_rows(make_return(world.trust, month), 40, category="physical_assault", prefix=SECRET)
    add_rows(make_return(world.trust, month), 0)
    add_rows(make_return(other_world.trust, month), 3, prefix=SECRET, days_absent=12)
    return world, other_world


def download(client, table, fmt, query):
    return client.get(f"/national/tables/{table}.{fmt}", query)


def test_a_national_user_sees_the_published_tables(returns, national_analyst, client_for,
                                                    query):
    response = client_for(national_analyst).get(PAGE, query)
    assert response.status_code == 200
    html = response.content.decode()
    for title in ("Incidents by sector of the trust", "Incidents by trust",
                  "Incidents by sector and category", "Staff affected by staff group, England"):
        assert f'<caption class="nhsuk-table__caption">{title}</caption>' in html
    assert 'scope="col"' in html and 'scope="row"' in html
    assert 'class="staffsafe-table-wrap"' in html
    assert ">*</td>" in html  # the ambulance trust's 3 incidents
    assert ">43</td>" in html  # England, exact
    assert "rounded to the nearest 5" in html
    assert SECRET not in html


def test_the_page_starts_at_the_last_complete_month(returns, national_analyst, client_for,
                                                     month):
    html = client_for(national_analyst).get(PAGE).content.decode()
    assert f'value="{month.isoformat()}" selected' in html


def test_a_trust_lead_sees_the_page_too(returns, client_for, query):
    world, _ = returns
    assert client_for(world.lead).get(PAGE, query).status_code == 200


@pytest.mark.parametrize("role", ["reporter", "manager"])
def test_other_trust_staff_are_refused(world, client_for, query, role):
    client = client_for(getattr(world, role))
    assert client.get(PAGE, query).status_code == 403
    assert download(client, "sector", "csv", query).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(db, client, query):
    assert client.get(PAGE, query).status_code == 302
    assert download(client, "sector", "csv", query).status_code == 302


def test_a_range_that_ends_before_it_starts_is_an_error(national_analyst, client_for, query,
                                                        month):
    earlier = recent_periods(2)[1]
    bad = {**query, "period_from": month.isoformat(), "period_to": earlier.isoformat()}
    client = client_for(national_analyst)
    html = client.get(PAGE, bad).content.decode()
    assert "There is a problem" in html and "must be the same as or after" in html
    assert download(client, "sector", "csv", bad).status_code == 400


def test_at_most_three_years_at_once(national_analyst, client_for, query, month):
    first = recent_periods(37)[36]
    html = client_for(national_analyst).get(PAGE, {**query, "period_from": first.isoformat()}
                                            ).content.decode()
    assert "Choose at most 36 months at once" in html


def test_unknown_tables_and_formats_are_not_found(national_analyst, client_for, query):
    client = client_for(national_analyst)
    assert download(client, "incidents", "csv", query).status_code == 404
    assert download(client, "sector", "json", query).status_code == 404


@pytest.mark.parametrize("table", tables.TABLE_NAMES)
def test_csv_download(returns, national_analyst, client_for, query, table):
    response = download(client_for(national_analyst), table, "csv", query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="staffsafe-{table}-month-')
    text = response.content.decode("utf-8-sig")
    assert SECRET not in text
    header = next(csv.reader(io.StringIO(text)))
    assert header[:4] == ["period", "group_level", "group_code", "group"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.object_type, event.object_id) == (
        national_analyst, "national_table", table)
    assert "csv" in event.detail


@pytest.mark.parametrize("table", tables.TABLE_NAMES)
def test_xlsx_download_holds_values_not_formulas(returns, national_analyst, client_for, query,
                                                 table):
    response = download(client_for(national_analyst), table, "xlsx", query)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert not any(SECRET in str(c.value) for c in cells)
    assert book.worksheets[1].title == "Notes"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_id=table).exists()


def test_sector_csv_shows_suppression_and_exact_england(returns, national_analyst, client_for,
                                                        query):
    text = download(client_for(national_analyst), "sector", "csv", query).content.decode(
        "utf-8-sig")
    rows = {r["group_code"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["england"]["incidents"] == "43"
    assert rows["ambulance"]["incidents"] == "*"
    assert rows["ambulance"]["incident_rate"] == "*"
    assert rows["acute"]["incidents"] == "40"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_that_a_spreadsheet_would_run_are_defused(national_analyst, client_for,
                                                            query, month, start):
    name = f"{start}HYPERLINK(\"http://example.com\",\"x\")"
    trust = TrustFactory(ods_code="RZZ", name=name, sector="acute")
    other = TrustFactory(ods_code="RYY", name="Plain Trust", sector="community")
    add_rows(make_return(trust, month), 30)
    add_rows(make_return(other, month), 30)
    client = client_for(national_analyst)
    text = download(client, "trust", "csv", query).content.decode("utf-8-sig")
    names = [r["group"] for r in csv.DictReader(io.StringIO(text))]
    assert "'" + name in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)
    book = load_workbook(io.BytesIO(download(client, "trust", "xlsx", query).content))
    cell = next(c for row in book.worksheets[0].iter_rows() for c in row if c.value == name)
    assert cell.data_type == "s"


def test_safe_text_leaves_numbers_and_plain_text_alone():
    assert safe_text(-3) == -3
    assert safe_text("Acute") == "Acute"
    assert safe_text("\tx") == "'\tx"
