"""The generated JSON Schema: a valid draft 2020-12 schema that accepts a good return and refuses
unknown codes, missing mandatory fields and broken conditional rules, as `datastandard.rules` does.
"""

from __future__ import annotations

from datetime import UTC, datetime

import jsonschema
import pytest

from staffsafe.collection import standard_exports
from staffsafe.datastandard import fields, rules

NOW = datetime(2026, 4, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def validator():
    schema = standard_exports.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def problems(validator, instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(instance)]


def rule_problems(incident) -> list[rules.Problem]:
    """What the validator in code says about the same incident."""
    return rules.incident_problems(incident, now=NOW) + rules.completeness_problems(incident)


def test_the_schema_is_a_valid_draft_2020_12_schema():
    schema = standard_exports.json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert jsonschema.validators.validator_for(schema) is jsonschema.Draft202012Validator


def test_the_worked_example_is_valid_here_and_for_the_rules_in_code(validator, example):
    assert problems(validator, example) == []
    assert rule_problems(example["incidents"][0]) == []


def test_every_field_is_described_with_its_type():
    defs = standard_exports.json_schema()["$defs"]
    for level, name in ((fields.INC, "incident"), (fields.STF, "staff")):
        level_fields = [f for f in fields.FIELDS if f.level == level]
        properties = defs[name]["properties"]
        assert [f.name for f in level_fields] == [p for p in properties if p != "staff"]
        assert [r for r in defs[name]["required"] if r != "staff"] == [
            f.name for f in level_fields if f.required]
        for field in level_fields:
            assert properties[field.name]["description"].startswith(field.description)
            if field.code_list and field.type == "code":
                assert [v for v in properties[field.name]["enum"] if v is not None] == list(
                    field.code_list.values)
    assert list(defs["header"]["properties"]) == [f.name for f in fields.HEADER_FIELDS]


@pytest.mark.parametrize("change", [
    pytest.param({"incidents": []}, id="a nil return"),
    pytest.param({"perpetrator_count": None, "site_ods": None, "factors": None}, id="nulls"),
    pytest.param({"category": "verbal_abuse_threat", "method": [], "riddor_reportable": None,
                  "staff": [{"staff_group": "admin_clerical", "lone_working": True,
                             "injury": False}]}, id="verbal abuse, nobody hurt"),
    pytest.param({"police_informed": False, "police_outcome": None}, id="police not told"),
    pytest.param({"hate_motivated": "yes", "hate_characteristics": ["race", "religion"]},
                 id="hate motivated"),
    pytest.param({"riddor_reportable": True, "staff": [
        {"staff_group": "ambulance_operational", "lone_working": False, "injury": True,
         "injury_severity": "severe"}]}, id="riddor with a specified injury"),
    pytest.param({"riddor_reportable": True, "staff": [
        {"staff_group": "ambulance_operational", "lone_working": False, "injury": True,
         "injury_severity": "moderate", "days_absent": 8}]}, id="riddor over seven days"),
])
def test_good_returns_are_accepted(validator, example, change):
    if "incidents" in change:
        example.update(change)
    else:
        example["incidents"][0].update(change)
    assert problems(validator, example) == []
    for incident in example["incidents"]:
        assert rule_problems(incident) == []


# Each: the change to the worked example's incident, and a word the schema's message contains.
CONDITIONAL_BREAKS = {
    "assault without a method": ({"method": None}, "method"),
    "assault with an empty method": ({"method": []}, "method"),
    "a method without an assault": ({"category": "verbal_abuse_threat",
                                     "riddor_reportable": None}, "method"),
    "hate motivated without characteristics": ({"hate_motivated": "yes"}, "hate_characteristics"),
    "characteristics without hate": ({"hate_characteristics": ["race"]}, "hate_characteristics"),
    "police told, no outcome": ({"police_outcome": None}, "police_outcome"),
    "an outcome, police not told": ({"police_informed": False}, "police_outcome"),
    "assault with injury, riddor not said": ({"riddor_reportable": None}, "riddor_reportable"),
    "riddor for verbal abuse": ({"category": "verbal_abuse_threat", "method": None,
                                 "riddor_reportable": True}, "physical_assault"),
    "riddor for a minor injury": ({"riddor_reportable": True}, "contain"),
}


@pytest.mark.parametrize(("change", "word"), CONDITIONAL_BREAKS.values(),
                         ids=CONDITIONAL_BREAKS.keys())
def test_conditional_rules_are_enforced_as_the_rules_in_code_enforce_them(
        validator, example, change, word):
    incident = example["incidents"][0]
    for name, value in change.items():
        if value is None:
            incident.pop(name, None)
        else:
            incident[name] = value
    found = problems(validator, example)
    assert found, "the schema accepted a broken conditional rule"
    assert any(word in message for message in found), found
    assert rule_problems(incident), "the rules in code accept what the schema refuses"


@pytest.mark.parametrize(("member", "ok"), [
    ({"injury": True}, False),
    ({"injury": False, "injury_severity": "low"}, False),
    ({"injury": False}, True),
    ({"injury": False, "injury_severity": None}, True),
])
def test_injury_severity_goes_with_injury(validator, example, member, ok):
    incident = example["incidents"][0]
    incident.update({"category": "verbal_abuse_threat", "riddor_reportable": None})
    incident.pop("method")
    incident["staff"] = [{"staff_group": "admin_clerical", "lone_working": False, **member}]
    assert (problems(validator, example) == []) is ok
    assert (rule_problems(incident) == []) is ok


@pytest.mark.parametrize("field", [f for f in fields.FIELDS if f.required], ids=lambda f: f.name)
def test_every_mandatory_field_is_required_and_not_null(validator, example, field):
    record = example["incidents"][0]
    if field.level == fields.STF:
        record = record["staff"][0]
    del record[field.name]
    assert any(f"'{field.name}' is a required property" in p for p in problems(validator, example))
    record[field.name] = None
    assert problems(validator, example)


@pytest.mark.parametrize("field", fields.HEADER_FIELDS, ids=lambda f: f.name)
def test_every_header_field_is_required(validator, example, field):
    del example["header"][field.name]
    assert any(f"'{field.name}' is a required property" in p for p in problems(validator, example))


@pytest.mark.parametrize(("where", "name", "value"), [
    ("incident", "sector", "spaceship"),
    ("incident", "setting", "Inpatient ward"),
    ("incident", "method", ["hit_punch", "lasso"]),
    ("incident", "hate_motivated", True),
    ("staff", "staff_group", "astronaut"),
    ("staff", "injury_severity", "catastrophic"),
])
def test_unknown_codes_are_refused(validator, example, where, name, value):
    record = example["incidents"][0]
    record = record["staff"][0] if where == "staff" else record
    record[name] = value
    assert any(name in p and ("is not one of" in p or "is not of type" in p)
               for p in problems(validator, example))


@pytest.mark.parametrize(("path", "value"), [
    (("header", "organisation_ods"), "rx9"),
    (("header", "organisation_ods"), "RX9ABC"),
    (("header", "standard_version"), "2.0"),
    (("header", "period_start"), "March 2026"),
    (("header", "generated_at"), "2026-04-02T09:30:00"),  # no offset
    (("incident", "occurred_at"), "2026-03-14 22:40"),
    (("incident", "perpetrator_count"), 0),
    (("incident", "perpetrator_count"), "2"),
    (("incident", "method"), ["spit", "spit"]),
    (("incident", "description"), "Free text never leaves the trust"),
    (("incident", "staff"), []),
    (("staff", "days_absent"), -1),
    (("staff", "lone_working"), "yes"),
    (("staff", "name"), "A Person"),
])
def test_wrong_types_free_text_and_no_staff_are_refused(validator, example, path, value):
    where, name = path
    record = {"header": example["header"], "incident": example["incidents"][0],
              "staff": example["incidents"][0]["staff"][0]}[where]
    record[name] = value
    assert problems(validator, example)


def test_headcounts_are_given_for_every_staff_group_as_whole_numbers(validator, example):
    headcount = example["header"]["staff_headcount"]
    headcount["admin_clerical"] = -1
    assert problems(validator, example)
    headcount["admin_clerical"] = 10
    del headcount["social_care"]
    assert any("'social_care' is a required property" in p for p in problems(validator, example))
    headcount["social_care"] = 0
    headcount["astronaut"] = 3
    assert problems(validator, example)
