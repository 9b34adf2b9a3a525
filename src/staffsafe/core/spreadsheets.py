"""Tables people download, as CSV or XLSX, that can never run as spreadsheet formulas.

Pure (no Django), so the validator's report, the national tables and the dashboards share it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads accented names right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([formula_safe(h) for h in header])
    writer.writerows([formula_safe(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _text_cell(sheet: Any, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # stored as text: never a formula, whatever it starts with
    return cell


def xlsx_bytes(sheet_name: str, header: Sequence[Any], rows: Iterable[Sequence[Any]],
               notes: Iterable[Sequence[str]] = ()) -> bytes:
    """One sheet of values (text stored as text) and a Notes sheet."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    for values in [header, *rows]:
        sheet.append([_text_cell(sheet, v) if isinstance(v, str) else v for v in values])
    notes_sheet = book.create_sheet("Notes")
    for line in notes:
        notes_sheet.append([_text_cell(notes_sheet, v) for v in line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
