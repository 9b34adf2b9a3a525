"""Reading a catalogue file: a valid file in CSV and JSON, and every problem located by row and
column (CSV) or indicator and field (JSON). No database."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffsafe.standard import editions
from staffsafe.standard.catalogue_file import (
    STARTER_FILES,
    CatalogueRejected,
    read_catalogue,
    write_catalogue_csv,
)
from staffsafe.standard.services import STARTER_DIR

HEADER = "edition,domain,indicator_id,text,evidence_guidance,maps_from\r\n"
DOMAINS_2024 = [d.code for d in editions.edition("2024").domains]


def csv_2024(*extra: str, skip: str = "") -> bytes:
    """A valid 2024 catalogue (one indicator per domain), with extra lines appended."""
    lines = [f"2024,{domain},V{n},Text for {domain},Guidance {n},"
             for n, domain in enumerate(DOMAINS_2024, start=1) if domain != skip]
    return (HEADER + "\r\n".join([*lines, *extra]) + "\r\n").encode()


def problems(content: bytes, name: str = "catalogue.csv", **kwargs) -> list[str]:
    with pytest.raises(CatalogueRejected) as rejected:
        read_catalogue(content, name, **kwargs)
    return [str(p) for p in rejected.value.problems]


def test_a_valid_csv_gives_every_indicator_in_order_with_domain_codes():
    rows = read_catalogue(csv_2024('2024,Data,DX,"Reports, analysed monthly",,'))
    assert [r.code for r in rows] == [f"V{n}" for n in range(1, 8)] + ["DX"]
    assert rows[-1].domain == "data"  # named by its name, stored by its code
    assert rows[-1].text == "Reports, analysed monthly"
    assert rows[-1].row == 9  # the header is row 1


def test_the_starter_catalogues_are_valid_and_map_every_2021_indicator_once():
    old = read_catalogue((STARTER_DIR / STARTER_FILES["2021"]).read_bytes(), "starter-2021.csv")
    new = read_catalogue((STARTER_DIR / STARTER_FILES["2024"]).read_bytes(), "starter-2024.csv",
                         known_2021_codes={r.code for r in old})
    mapped = [code for row in new for code in row.maps_from]
    assert sorted(mapped) == sorted(r.code for r in old)
    assert {r.domain for r in old} == {d.code for d in editions.edition("2021").domains}
    assert {r.domain for r in new} == set(DOMAINS_2024)


def test_a_json_list_and_a_json_object_are_read_alike():
    items = [{"edition": 2024, "domain": d, "indicator id": f"J{n}", "text": "T",
              "evidence guidance": ""} for n, d in enumerate(DOMAINS_2024)]
    as_list = read_catalogue(json.dumps(items).encode(), "c.json")
    as_object = read_catalogue(json.dumps({"indicators": items}).encode(), "c.json")
    assert [r.code for r in as_list] == [r.code for r in as_object] == [f"J{n}" for n in
                                                                        range(7)]


def test_every_problem_is_located_by_row_and_column():
    found = problems(csv_2024("2023,data,X1,Text,,",
                              "2024,Weather,X2,Text,,",
                              "2024,data,,Text,,",
                              "2024,data,X 4,Text,,",
                              "2024,data,X5,,,",
                              "2024,data,V1,Duplicate id,,"))
    assert found == [
        "Row 9, column 'edition': Use 2021 or 2024.",
        "Row 10, column 'domain': Not a domain of the 2024 edition: use one of Leadership and "
        "accountability; Governance and assurance; Collaboration; Data; Workforce; "
        "Interventions; Evaluation.",
        "Row 11, column 'indicator_id': Enter the indicator id.",
        "Row 12, column 'indicator_id': Use up to 30 letters, digits, dots, hyphens or "
        "underscores, starting with a letter or digit.",
        "Row 13, column 'text': Enter the indicator's text.",
        "Row 14, column 'indicator_id': The 2024 edition already has this indicator id (row 2).",
    ]


def test_json_problems_are_located_by_indicator_and_field():
    items = [{"edition": "2024", "domain": "data", "indicator_id": "A", "text": ""}]
    assert problems(json.dumps(items).encode(), "c.json") == [
        "Indicator 1, field 'text': Enter the indicator's text."]
    assert problems(b'[{"edition": "2024",}]', "c.json")[0].startswith(
        "The file: The JSON cannot be read: Expecting property name")


def test_columns_are_checked_before_rows():
    content = b"edition,domain,indicator,text\r\n2024,data,A,T\r\n"
    assert problems(content) == [
        "Column 'indicator': Unknown column: use edition, domain, indicator_id, text, "
        "evidence_guidance, maps_from.",
        "Column 'indicator_id': The file has no such column; it is required.",
        "Column 'evidence_guidance': The file has no such column; it is required.",
    ]


def test_a_catalogue_missing_a_domain_is_refused():
    assert problems(csv_2024(skip="evaluation")) == [
        "Column 'domain': The 2024 edition has no indicator in the domain 'Evaluation'."]


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "The file: The file is empty."),
    (HEADER.encode(), "The file: The file has no indicators."),
    (HEADER.encode() + b"2024,data,A,caf\xe9,,\r\n",
     "Row 2: The file is not UTF-8 text: save it as 'CSV UTF-8' or UTF-8 JSON."),
    (HEADER.encode() + b"2024,data,A,T,,,extra\r\n",
     "Row 2: The row has 7 values but the header has 6 columns."),
    (b"x" * (2 * 1024 * 1024 + 1), "The file: The file is larger than 2 MB."),
    (HEADER.encode() + b'2024,data,A,"' + b"x" * 200_000 + b'",,\r\n',
     "Row 2: The CSV cannot be read: field larger than field limit (131072)."),
])
def test_unreadable_files_say_why(content, expected):
    assert problems(content) == [expected]


def test_json_nested_too_deeply_is_refused_not_a_crash():
    assert problems(b"[" * 100_000, "c.json") == [
        "The file: The JSON is nested too deeply to be a catalogue."]


def test_a_formula_in_the_text_is_refused():
    assert problems(csv_2024('2024,data,F1,"=HYPERLINK(""http://x"")",,')) == [
        "Row 9, column 'text': The value starts like a spreadsheet formula; remove the first "
        "character."]


def test_the_2021_to_2024_mapping_is_checked():
    old = ("2021,{d},{c},Old text,,\r\n")
    lines_2021 = "".join(old.format(d=d.code, c=f"O{n}")
                         for n, d in enumerate(editions.edition("2021").domains))
    content = (HEADER + lines_2021).encode() + csv_2024(
        "2024,data,M1,Mapped,,O1;O2", "2024,data,M2,Mapped again,,O2",
        "2024,data,M3,Unknown,,O99")[len(HEADER):]
    assert problems(content) == [
        "Row 17, column 'maps_from': 2021 indicator O2 already carries over to M1: each 2021 "
        "indicator maps to one 2024 indicator at most."]
    content = content.replace(b"2024,data,M2,Mapped again,,O2\r\n", b"")
    assert problems(content) == [
        "Row 17, column 'maps_from': This file has no 2021 indicator O99."]
    assert problems(csv_2024("2024,data,M1,Mapped,,O1")) == [
        "Row 9, column 'maps_from': No 2021 catalogue is loaded: load it first, or include its "
        "rows in this file."]
    assert problems(csv_2024("2024,data,M1,Mapped,,O1"), known_2021_codes={"O2"}) == [
        "Row 9, column 'maps_from': The current 2021 catalogue has no 2021 indicator O1."]
    assert read_catalogue(csv_2024("2024,data,M1,Mapped,,O2"), known_2021_codes={"O2"})[
        -1].maps_from == ("O2",)


def test_only_a_2024_indicator_can_carry_on_2021_ones():
    rows = "".join(f"2021,{d.code},O{n},Old,,{'X' if n == 0 else ''}\r\n"
                   for n, d in enumerate(editions.edition("2021").domains))
    assert problems((HEADER + rows).encode()) == [
        "Row 2, column 'maps_from': Only a 2024 indicator can carry on 2021 indicators."]


def test_the_csv_written_out_reads_back_the_same():
    rows = read_catalogue(csv_2024('2024,data,Q,"Line one\nline two, with a comma",Guide,'))
    again = read_catalogue(write_catalogue_csv(rows))
    assert [(r.code, r.domain, r.text, r.evidence_guidance) for r in again] == \
        [(r.code, r.domain, r.text, r.evidence_guidance) for r in rows]


@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode),
       st.sampled_from(["c.csv", "c.json", "c.txt"]))
@settings(max_examples=300, deadline=None)
def test_any_file_is_either_read_or_refused_with_located_problems(content, name):
    try:
        rows = read_catalogue(HEADER.encode() + content if name == "c.csv" else content, name)
    except CatalogueRejected as rejected:
        assert rejected.problems and all(str(p) for p in rejected.problems)
    else:
        assert all(r.code and r.text for r in rows)
