"""The data standard's field and cross-field rules, as pure functions.

The reporting form, the API and the bulk importer all call `incident_problems`, so an incident
is judged the same way whichever door it came in by. A problem names the field and says, in
plain English, what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from staffsafe.datastandard import codes

# Fields of the incident (not of a staff member) that take one code from a list.
INCIDENT_SINGLE_CODES: dict[str, codes.CodeList] = {
    "sector": codes.SECTOR,
    "setting": codes.SETTING,
    "reporter_role": codes.REPORTER_ROLE,
    "category": codes.CATEGORY,
    "hate_motivated": codes.YES_NO_UNKNOWN,
    "perpetrator_type": codes.PERPETRATOR_TYPE,
    "perpetrator_age_band": codes.PERPETRATOR_AGE_BAND,
    "mental_health_act_detained": codes.YES_NO_UNKNOWN,
    "police_outcome": codes.POLICE_OUTCOME,
    "body_worn_camera_footage": codes.BODY_WORN_CAMERA_FOOTAGE,
}
INCIDENT_MULTI_CODES: dict[str, codes.CodeList] = {
    "method": codes.METHOD,
    "hate_characteristics": codes.HATE_CHARACTERISTIC,
    "factors": codes.FACTOR,
    "civil_admin_sanctions": codes.CIVIL_ADMIN_SANCTION,
}
STAFF_SINGLE_CODES: dict[str, codes.CodeList] = {
    "staff_group": codes.STAFF_GROUP,
    "employment_type": codes.EMPLOYMENT_TYPE,
    "activity": codes.ACTIVITY,
    "injury_severity": codes.INJURY_SEVERITY,
    "treatment": codes.TREATMENT,
}
INCIDENT_BOOLEANS = (
    "medical_factors", "security_attended", "police_informed", "emergency_worker_act_applies",
    "restrictive_intervention_followed", "riddor_reportable", "debrief_offered",
    "wellbeing_conversation_offered", "occupational_health_referral", "risk_assessment_updated",
)
STAFF_BOOLEANS = ("patient_facing", "lone_working", "injury", "psychological_impact")

# Mandatory in every national return. A trust's record may lack some while a manager completes
# it; it cannot be closed (or sent nationally) until they are all there.
MANDATORY_INCIDENT_FIELDS = (
    "sector", "setting", "occurred_at", "reported_at", "reporter_role", "category",
    "hate_motivated", "perpetrator_type", "medical_factors", "police_informed",
)
MANDATORY_STAFF_FIELDS = ("staff_group", "lone_working", "injury")

# Injury severities that RIDDOR treats as a specified injury (or worse).
SPECIFIED_INJURY_SEVERITIES = frozenset({"severe", "death"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: where, what value, which rule and why."""

    field: str
    message: str
    rule: str = "invalid"
    value: Any = None


def _is_blank(value: object) -> bool:
    return value is None or value == "" or value == []


def code_problems(record: Mapping[str, Any], single: Mapping[str, codes.CodeList],
                  multi: Mapping[str, codes.CodeList], prefix: str = "") -> list[Problem]:
    problems = []
    for name, code_list in single.items():
        value = record.get(name)
        if not _is_blank(value) and value not in code_list:
            problems.append(Problem(prefix + name, f"'{value}' is not one of the codes for "
                                    f"{name}: {', '.join(code_list.values)}.", "code_list", value))
    for name, code_list in multi.items():
        values = record.get(name) or []
        if isinstance(values, str) or not isinstance(values, Iterable):
            problems.append(Problem(prefix + name, f"{name} must be a list of codes.", "type",
                                    values))
            continue
        for value in values:
            if value not in code_list:
                problems.append(Problem(prefix + name, f"'{value}' is not one of the codes for "
                                        f"{name}: {', '.join(code_list.values)}.", "code_list",
                                        value))
        if len(set(values)) != len(list(values)):
            problems.append(Problem(prefix + name, f"{name} lists the same code twice.",
                                    "duplicate_code", values))
    return problems


def _date_problems(record: Mapping[str, Any], now: datetime) -> list[Problem]:
    occurred, reported = record.get("occurred_at"), record.get("reported_at")
    problems = []
    if isinstance(occurred, datetime):
        if occurred.tzinfo is None:
            problems.append(Problem("occurred_at", "The date and time must include a time zone "
                                    "offset.", "type", occurred))
        elif occurred > now:
            problems.append(Problem("occurred_at", "The incident cannot have happened in the "
                                    "future.", "not_future", occurred.isoformat()))
    if isinstance(reported, datetime) and reported.tzinfo and reported > now:
        problems.append(Problem("reported_at", "The report cannot be dated in the future.",
                                "not_future", reported.isoformat()))
    if (isinstance(occurred, datetime) and isinstance(reported, datetime) and not problems
            and occurred.tzinfo and reported.tzinfo and reported < occurred):
        problems.append(Problem("reported_at", "The report cannot be before the incident "
                                "happened.", "reported_after_occurred", reported.isoformat()))
    return problems


def _incident_cross_field(record: Mapping[str, Any]) -> list[Problem]:
    problems = []
    category = record.get("category")
    # An unknown category is already reported; don't pile a cascade of errors on top of it.
    if record.get("method") and category in codes.CATEGORY and category != "physical_assault":
        problems.append(Problem("method", "Method is recorded only for a physical assault.",
                                "method_only_with_physical_assault", record.get("method")))
    if record.get("hate_characteristics") and record.get("hate_motivated") != "yes":
        problems.append(Problem("hate_characteristics", "Hate characteristics are recorded only "
                                "when the incident was hate motivated.",
                                "hate_characteristics_only_with_hate"))
    if not _is_blank(record.get("police_outcome")) and record.get("police_informed") is not True:
        problems.append(Problem("police_outcome", "A police outcome is recorded only when the "
                                "police were informed.", "police_outcome_only_when_informed"))
    if record.get("riddor_reportable") is True:
        problems.extend(_riddor_problems(record))
    return problems


def _riddor_problems(record: Mapping[str, Any]) -> list[Problem]:
    if record.get("category") != "physical_assault":
        return [Problem("riddor_reportable", "Only a physical assault can be RIDDOR-reportable; "
                        "verbal abuse and threats never are.", "riddor_needs_physical_assault")]
    staff = record.get("staff") or []
    qualifies = any(
        member.get("injury") is True
        and (member.get("injury_severity") in SPECIFIED_INJURY_SEVERITIES
             or (member.get("days_absent") or 0) > 7)
        for member in staff
    )
    if not qualifies:
        return [Problem("riddor_reportable", "RIDDOR-reportable needs an injured member of "
                        "staff with a specified injury or more than 7 days absent.",
                        "riddor_needs_injury")]
    return []


def staff_problems(member: Mapping[str, Any], index: int) -> list[Problem]:
    prefix = f"staff[{index}]."
    problems = code_problems(member, STAFF_SINGLE_CODES, {}, prefix)
    if not _is_blank(member.get("injury_severity")) and member.get("injury") is not True:
        problems.append(Problem(prefix + "injury_severity", "Injury severity is recorded only "
                                "when the person was injured.", "severity_only_with_injury"))
    days = member.get("days_absent")
    if days is not None and (not isinstance(days, int) or days < 0):
        problems.append(Problem(prefix + "days_absent", "Days absent must be a whole number of "
                                "0 or more.", "type", days))
    return problems


def incident_problems(record: Mapping[str, Any], *, now: datetime) -> list[Problem]:
    """Everything wrong with an incident record, judged by the data standard's rules."""
    problems = code_problems(record, INCIDENT_SINGLE_CODES, INCIDENT_MULTI_CODES)
    problems += _date_problems(record, now)
    problems += _incident_cross_field(record)
    staff = record.get("staff")
    if not staff:
        problems.append(Problem("staff", "Record at least one member of staff affected.",
                                "required"))
    else:
        for index, member in enumerate(staff):
            problems += staff_problems(member, index)
    count = record.get("perpetrator_count")
    if count is not None and (not isinstance(count, int) or count < 1):
        problems.append(Problem("perpetrator_count", "Number of people involved must be 1 or "
                                "more, or left empty when not known.", "type", count))
    return problems


def completeness_problems(record: Mapping[str, Any]) -> list[Problem]:
    """What a record still lacks before it can be closed and sent in the national return."""
    problems = [
        Problem(name, f"{name.replace('_', ' ').capitalize()} is needed for the national return.",
                "required")
        for name in MANDATORY_INCIDENT_FIELDS if _is_blank(record.get(name))
    ]
    if record.get("category") == "physical_assault" and not record.get("method"):
        problems.append(Problem("method", "Method is needed for a physical assault.",
                                "required_for_physical_assault"))
    if record.get("hate_motivated") == "yes" and not record.get("hate_characteristics"):
        problems.append(Problem("hate_characteristics", "Say which characteristics the hate was "
                                "about.", "required_when_hate_motivated"))
    if record.get("police_informed") is True and _is_blank(record.get("police_outcome")):
        problems.append(Problem("police_outcome", "Police outcome is needed when the police were "
                                "informed (it can be 'pending').", "required_when_informed"))
    staff = record.get("staff") or []
    for index, member in enumerate(staff):
        for name in MANDATORY_STAFF_FIELDS:
            if _is_blank(member.get(name)):
                problems.append(Problem(f"staff[{index}].{name}", f"{name.replace('_', ' ')} "
                                        "is needed for the national return.", "required"))
        if member.get("injury") is True and _is_blank(member.get("injury_severity")):
            problems.append(Problem(f"staff[{index}].injury_severity", "Injury severity is "
                                    "needed when someone was injured.", "required_with_injury"))
    injured = any(m.get("injury") is True for m in staff)
    if (record.get("category") == "physical_assault" and injured
            and _is_blank(record.get("riddor_reportable"))):
        problems.append(Problem("riddor_reportable", "Say whether this is RIDDOR-reportable.",
                                "required_for_injury_assault"))
    return problems
