"""Properties: no file crashes the validator; valid returns are valid; one spoiled cell is found
at its row and column."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staffsafe.collection.validation import validate_file
from staffsafe.datastandard import codes
from staffsafe.datastandard.fields import COLUMNS, FIELDS_BY_NAME, INCIDENT_COLUMNS
from tests.collection.returns import (
    CSV_ARGS,
    NOW,
    csv_bytes,
    json_bytes,
    table_rows,
    xlsx_bytes,
)

EXAMPLES = int(os.environ.get("STAFFSAFE_HYPOTHESIS_EXAMPLES", "60"))  # more for a long soak
SETTINGS = settings(deadline=None, max_examples=EXAMPLES,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def codes_of(code_list, *, at_least=1):
    return st.lists(st.sampled_from(code_list.values), min_size=at_least, max_size=3,
                    unique=True)


def optional(strategy):
    return st.none() | strategy


@st.composite
def members(draw, category):
    injured = draw(st.booleans())
    member = {
        "staff_group": draw(st.sampled_from(codes.STAFF_GROUP.values)),
        "employment_type": draw(optional(st.sampled_from(codes.EMPLOYMENT_TYPE.values))),
        "patient_facing": draw(optional(st.booleans())),
        "lone_working": draw(st.booleans()),
        "activity": draw(optional(st.sampled_from(codes.ACTIVITY.values))),
        "injury": injured,
        "injury_severity": (draw(st.sampled_from(codes.INJURY_SEVERITY.values))
                            if injured else None),
        "treatment": draw(optional(st.sampled_from(codes.TREATMENT.values))),
        "psychological_impact": draw(optional(st.booleans())),
        "days_absent": draw(optional(st.integers(0, 60))),
    }
    return member


@st.composite
def incidents(draw, number):
    category = draw(st.sampled_from(codes.CATEGORY.values))
    assault = category == "physical_assault"
    late = draw(st.booleans())
    if late:
        occurred = datetime(2026, 2, 1) + timedelta(minutes=draw(st.integers(0, 26 * 1440)))
        reported = datetime(2026, 3, 2) + timedelta(minutes=draw(st.integers(0, 20 * 1440)))
    else:
        occurred = datetime(2026, 3, 2) + timedelta(minutes=draw(st.integers(0, 26 * 1440)))
        reported = occurred + timedelta(minutes=draw(st.integers(0, 2 * 1440)))
    offset = draw(st.sampled_from(["+00:00", "Z"]))
    hate = draw(st.sampled_from(codes.YES_NO_UNKNOWN.values))
    informed = draw(st.booleans())
    staff = draw(st.lists(members(category), min_size=1, max_size=3))
    qualifies = any(m["injury"] and (m["injury_severity"] in ("severe", "death")
                                     or (m["days_absent"] or 0) > 7) for m in staff)
    injured = any(m["injury"] for m in staff)
    if assault and injured:
        riddor = draw(st.booleans()) and qualifies
    else:
        riddor = draw(st.sampled_from([None, False]))
    return {
        "incident_id": f"H-{number}",
        "site_ods": draw(optional(st.sampled_from(["RX9AB", "RX901", "RX9"]))),
        "sector": draw(st.sampled_from(codes.SECTOR.values)),
        "setting": draw(st.sampled_from(codes.SETTING.values)),
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M:%S") + offset,
        "reported_at": reported.strftime("%Y-%m-%dT%H:%M:%S") + offset,
        "late": late if late or draw(st.booleans()) else None,
        "reporter_role": draw(st.sampled_from(codes.REPORTER_ROLE.values)),
        "category": category,
        "method": draw(codes_of(codes.METHOD)) if assault else None,
        "hate_motivated": hate,
        "hate_characteristics": draw(codes_of(codes.HATE_CHARACTERISTIC)) if hate == "yes"
        else None,
        "perpetrator_count": draw(optional(st.integers(1, 9))),
        "perpetrator_type": draw(st.sampled_from(codes.PERPETRATOR_TYPE.values)),
        "perpetrator_age_band": draw(optional(st.sampled_from(codes.PERPETRATOR_AGE_BAND.values))),
        "mental_health_act_detained": draw(optional(st.sampled_from(codes.YES_NO_UNKNOWN.values))),
        "medical_factors": draw(st.booleans()),
        "factors": draw(optional(codes_of(codes.FACTOR))),
        "security_attended": draw(optional(st.booleans())),
        "police_informed": informed,
        "police_outcome": draw(st.sampled_from(codes.POLICE_OUTCOME.values)) if informed
        else None,
        "civil_admin_sanctions": draw(optional(codes_of(codes.CIVIL_ADMIN_SANCTION))),
        "body_worn_camera_footage": draw(optional(st.sampled_from(
            codes.BODY_WORN_CAMERA_FOOTAGE.values))),
        "riddor_reportable": riddor,
        "riddor_reported_on": (reported + timedelta(days=1)).strftime("%Y-%m-%d")
        if riddor else None,
        "debrief_offered": draw(optional(st.booleans())),
        "staff": staff,
    }


@st.composite
def valid_returns(draw, max_incidents=6):
    count = draw(st.integers(1, max_incidents))
    return [draw(incidents(n)) for n in range(1, count + 1)]


def clean(record):
    out = {k: v for k, v in record.items() if v is not None}
    out["staff"] = [{k: v for k, v in m.items() if v is not None} for m in record["staff"]]
    return out


# -- nothing crashes it -----------------------------------------------------------------------


@SETTINGS
@given(data=st.binary(max_size=3000), fmt=st.sampled_from([None, "csv", "json", "xlsx"]))
def test_arbitrary_bytes_never_raise(data, fmt):
    result = validate_file(data, format=fmt, now=NOW, **CSV_ARGS)
    assert result.readable or result.problems
    assert result.readable or not result.valid


CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@SETTINGS
@given(rows=st.lists(st.lists(CELL, max_size=8), max_size=12),
       delimiter=st.sampled_from([",", ";", "\t", "|"]),
       header=st.lists(st.sampled_from([*COLUMNS[:12], "x", "", "Incident Ref", "Type"]),
                       max_size=10),
       profile=st.sampled_from([None, "datix"]),
       encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_arbitrary_text_tables_never_raise(rows, delimiter, header, profile, encoding):
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    data = "\n".join(lines).encode(encoding, errors="replace")
    result = validate_file(data, profile=profile, now=NOW, **CSV_ARGS)
    assert result.readable or result.problems


@SETTINGS
@given(document=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | CELL,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["header", "incidents", "staff", *COLUMNS[:10], "staff_headcount"]),
        inner, max_size=6),
    max_leaves=30))
def test_arbitrary_json_never_raises(document):
    import json

    data = json.dumps({"incidents": document} if isinstance(document, list) else document)
    result = validate_file(data.encode(), format="json", now=NOW)
    assert result.readable or result.problems


# -- valid returns are valid ------------------------------------------------------------------


@SETTINGS
@given(valid_returns())
def test_arbitrary_valid_returns_validate_clean_as_csv_and_json(records):
    records = [clean(r) for r in records]
    for data, args in ((csv_bytes(records), CSV_ARGS), (json_bytes(records), {})):
        result = validate_file(data, now=NOW, **args)
        assert result.valid, [p.message for p in result.problems]
        assert result.problems == []
        assert result.row_count == sum(len(r["staff"]) for r in records)
        assert result.incident_count == len(records)


@settings(deadline=None, max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(valid_returns(max_incidents=3))
def test_arbitrary_valid_returns_validate_clean_as_xlsx(records):
    result = validate_file(xlsx_bytes([clean(r) for r in records]), now=NOW)
    assert result.valid, [p.message for p in result.problems]


# -- one spoiled cell is found where it is ----------------------------------------------------

BAD = {"code": "not_a_code", "codes": "not_a_code", "boolean": "maybe", "integer": "-1",
       "datetime": "2026-03-05 10:00", "date": "05/03/2026"}
SPOILABLE = [c for c in COLUMNS if FIELDS_BY_NAME[c].type in BAD
             or FIELDS_BY_NAME[c].required]


@SETTINGS
@given(records=valid_returns(), pick=st.integers(0, 10_000), column=st.sampled_from(SPOILABLE),
       blank=st.booleans())
def test_a_single_spoiled_cell_is_reported_at_its_row_and_column(records, pick, column, blank):
    spec = FIELDS_BY_NAME[column]
    if spec.type not in BAD or (blank and spec.required):
        value = ""
        if not spec.required:
            return
    else:
        value = BAD[spec.type]
    rows = table_rows([clean(r) for r in records])
    index = pick % len(rows)
    incident_id = rows[index]["incident_id"]
    rows[index][column] = value
    result = validate_file(csv_bytes([], rows=rows), now=NOW, **CSV_ARGS)
    row = str(index + 2)
    assert not result.valid
    assert (row, column) in {(p.row, p.column) for p in result.problems}, [
        p.message for p in result.problems]
    # Nothing is reported outside the incident the cell belongs to.
    incident_rows = {str(i + 2) for i, r in enumerate(rows)
                     if r["incident_id"] == incident_id} | {row}
    assert {p.row for p in result.problems} <= incident_rows
    if column in INCIDENT_COLUMNS and column != "incident_id":
        assert all(p.column == column for p in result.problems
                   if p.rule == "duplicate_incident_id")
