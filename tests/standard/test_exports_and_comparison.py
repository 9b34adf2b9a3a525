"""Two reviews side by side, the XLSX workbook (opens, holds the ratings as values) and the
board's PDF (a real PDF naming the trust, with its summary, overdue actions and sign-off)."""

from __future__ import annotations

import base64
import io
import re
import zlib
from datetime import date

import openpyxl
import pytest

from staffsafe.audit.models import AuditEvent
from staffsafe.standard import editions, selectors, services
from tests.standard.data import rate_all, sign_off, start


def pdf_text(content: bytes) -> str:
    """The text drawn on a reportlab PDF's pages, without a PDF library: every content stream
    is ASCII85 and Flate encoded; a line is the `(...) Tj` strings up to the next `T*` or `ET`.
    """
    text = []
    for stream in re.finditer(rb"/Filter \[ /ASCII85Decode /FlateDecode \].*?stream\r?\n"
                              rb"(.*?)endstream", content, re.DOTALL):
        raw = zlib.decompress(base64.a85decode(stream.group(1).strip(), adobe=True))
        for shown, end in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj|(T\*|ET)", raw):
            text.append("\n" if end else _unescape(shown).decode("cp1252"))
    return "".join(text)


def _unescape(text: bytes) -> bytes:
    """A PDF literal string's escapes: \\( \\) \\\\ and octal codes like \\267."""
    return re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m[1], 8)]) if m[1].isdigit()
                  else m[1], text)


def rate(lead, review, code: str, rating: str) -> None:
    item = review.assessments.get(indicator__code=code)
    services.assessment_update(actor=lead, review=review, assessment=item, rating=rating,
                               note=item.note, owner_id=lead.pk)


@pytest.fixture
def two_reviews(world, catalogues):
    first = start(world.lead, title="Autumn 2025")
    rate_all(world.lead, first, editions.AMBER)
    rate(world.lead, first, "DA2", editions.RED)
    first = sign_off(world.lead, first, date(2025, 10, 20))
    second = start(world.lead, title="Spring 2026")
    rate(world.lead, second, "DA2", editions.GREEN)  # better
    rate(world.lead, second, "LA1", editions.RED)  # worse
    return first, second


def test_the_comparison_highlights_every_change(two_reviews):
    first, second = two_reviews
    result = selectors.comparison(second, first)  # either order: older first
    assert (result.before, result.after) == (first, second)
    changes = {row.code: (row.before, row.after, row.change) for row in result.rows}
    assert changes["DA2"] == ("red", "green", "improved")
    assert changes["LA1"] == ("amber", "red", "worse")
    assert changes["GA1"] == ("amber", "amber", "same")
    assert result.counts == {"improved": 1, "worse": 1, "same": 21}


def test_reviews_of_different_editions_are_not_compared(world, two_reviews):
    first, second = two_reviews
    rate_all(world.lead, second, editions.GREEN)
    sign_off(world.lead, second, date(2026, 3, 1))
    old = start(world.lead, "2021")
    with pytest.raises(ValueError, match="same trust and edition"):
        selectors.comparison(first, old)
    assert list(selectors.comparable_reviews(world.lead, old)) == []


def test_the_comparison_page_shows_both_reviews_side_by_side(client_for, world, two_reviews):
    _first, second = two_reviews
    page = client_for(world.manager).get(f"/self-assessment/{second.pk}/compare/").content
    text = page.decode()
    assert "Autumn 2025 compared with Spring 2026" in text
    assert "1 better, 1 worse, 21 unchanged." in text
    assert text.count("staffsafe-changed") == 2
    row = re.search(r"<tr[^>]*staffsafe-changed[^>]*>.*?DA2.*?</tr>", text, re.DOTALL).group(0)
    assert "Red" in row and "Green" in row and "Better" in row


def test_a_comparison_with_a_review_that_is_not_on_the_list_is_a_located_error(
        client_for, world, other_world, two_reviews, catalogues):
    _first, second = two_reviews
    theirs = start(other_world.lead)
    for value in (str(theirs.pk), "not-a-number", ""):
        response = client_for(world.lead).get(f"/self-assessment/{second.pk}/compare/",
                                              {"other": value})
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page and 'href="#id_other"' in page
        assert other_world.trust.name not in page


# XLSX ---------------------------------------------------------------------------------------------


def test_the_workbook_opens_and_holds_the_ratings_as_values(client_for, world, two_reviews):
    _first, second = two_reviews
    item = second.assessments.get(indicator__code="DA2")
    services.assessment_update(actor=world.lead, review=second, assessment=item, rating="green",
                               note='=HYPERLINK("http://evil.example","Click")', owner_id=None)
    services.assessment_update(actor=world.lead, review=second,
                               assessment=second.assessments.get(indicator__code="DA1"),
                               rating="amber", note="Tab\there, bell\x07 and \x0b gone",
                               owner_id=None)
    services.action_create(actor=world.lead, review=second, assessment=item,
                           description="=1+1", owner_id=world.lead.pk, due_on=date(2020, 1, 1))
    response = client_for(world.lead).get(f"/self-assessment/{second.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Indicators", "Action plan", "Evidence",
                               "Live evidence"]
    indicators = {row[1]: row for row in book["Indicators"].iter_rows(min_row=2,
                                                                    values_only=True)}
    assert indicators["DA2"][3] == "Green" and indicators["LA1"][3] == "Red"
    assert indicators["GA1"][3] == "Amber"  # carried over within the edition
    assert indicators["DA2"][5] == '=HYPERLINK("http://evil.example","Click")'
    assert indicators["DA1"][5] == "Tab\there, bell and  gone"
    note_cell = book["Indicators"].cell(row=list(indicators).index("DA2") + 2, column=6)
    assert note_cell.data_type == "s"  # text, never a formula
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert ("Trust", world.trust.name) in [row[:2] for row in summary]
    assert ("All domains", 1, 21, 1, 0, 23) in [row[:6] for row in summary]
    assert any(row[0] == "Not the official text" for row in summary)
    plan = list(book["Action plan"].iter_rows(min_row=2, values_only=True))
    assert ("DA2", "=1+1") in [row[:2] for row in plan]
    assert [row[5] for row in plan if row[1] == "=1+1"] == ["Yes"]  # overdue
    assert not any(cell.data_type == "f" for sheet in book for row in sheet.iter_rows()
                   for cell in row)
    assert AuditEvent.objects.filter(action="export", object_type="standard_review",
                                     detail="xlsx").exists()


# PDF ----------------------------------------------------------------------------------------------


def test_the_board_pdf_names_the_trust_and_summarises_the_review(client_for, world, two_reviews):
    first, _second = two_reviews
    response = client_for(world.manager).get(f"/self-assessment/{first.pk}/board-report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="vpr-standard-RAA-review-{first.pk}-board.pdf"')
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert world.trust.name in text
    assert "Summary by domain" in text and "All domains" in text
    assert "Overdue actions (0)" in text
    assert "Live evidence from StaffSafe" in text
    assert "BM/26/041" in text and "Dr A Patel, Chair" in text
    assert "Not the official text" in text
    assert "Due by 20 April 2026 (every six months)." in text


def test_the_pdf_lists_overdue_actions_and_survives_any_text(client_for, world, review):
    item = review.assessments.get(indicator__code="DA1")
    services.action_create(actor=world.lead, review=review, assessment=item,
                           description="Fix <b>the</b> & (rota) – 😀 汉字", owner_id=None,
                           due_on=date(2020, 1, 1))
    response = client_for(world.lead).get(f"/self-assessment/{review.pk}/board-report.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Overdue actions (1)" in text
    assert "Fix <b>the</b> & (rota)" in text
