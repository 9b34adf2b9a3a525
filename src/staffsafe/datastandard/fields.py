"""Every field of the national data standard, version 1.0, with its type and rule.

This list is the single source of truth: the JSON Schema, the Frictionless table schema, the CSV
and XLSX templates, the data dictionary page, the validator and the importer are all built from it.
Any change to it must bump `STANDARD_VERSION` in `codes.py`.

A return as a table has one row per member of staff affected: the incident's fields repeat on each
of its rows (and must agree), the staff fields differ. The submission header (organisation,
period, generation time, headcounts) travels beside the table: as the upload form's or the CLI's
arguments for CSV, as a `header` sheet in XLSX, and as the `header` object in JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

from staffsafe.datastandard import codes
from staffsafe.datastandard.codes import STANDARD_VERSION

MANDATORY, CONDITIONAL, OPTIONAL = "M", "C", "O"


@dataclass(frozen=True)
class Field:
    name: str
    level: str  # "incident" or "staff"
    type: str  # text, code, codes, datetime, date, boolean, integer
    rule: str  # M, C or O
    description: str
    code_list: codes.CodeList | None = None
    condition: str = ""
    minimum: int | None = None

    @property
    def required(self) -> bool:
        return self.rule == MANDATORY


def _f(name: str, level: str, type_: str, rule: str, description: str, **kwargs: object) -> Field:
    return Field(name, level, type_, rule, description, **kwargs)  # type: ignore[arg-type]


INC, STF = "incident", "staff"
FIELDS: tuple[Field, ...] = (
    _f("incident_id", INC, "text", MANDATORY,
       "Local reference, unique within the organisation. A later return with the same id "
       "replaces the earlier version."),
    _f("site_ods", INC, "text", OPTIONAL, "ODS site code."),
    _f("sector", INC, "code", MANDATORY, "Sector of the service.", code_list=codes.SECTOR),
    _f("setting", INC, "code", MANDATORY, "Where it happened.", code_list=codes.SETTING),
    _f("occurred_at", INC, "datetime", MANDATORY,
       "When it happened, with offset. Not in the future; inside the period unless late."),
    _f("reported_at", INC, "datetime", MANDATORY, "When it was reported; not before occurred_at."),
    _f("late", INC, "boolean", OPTIONAL,
       "True when the incident happened before the period and was reported in it."),
    _f("reporter_role", INC, "code", MANDATORY, "Who reported it.", code_list=codes.REPORTER_ROLE),
    _f("category", INC, "code", MANDATORY, "What happened.", code_list=codes.CATEGORY),
    _f("method", INC, "codes", CONDITIONAL, "How force was used.", code_list=codes.METHOD,
       condition="category = physical_assault"),
    _f("hate_motivated", INC, "code", MANDATORY, "Hate motivated.",
       code_list=codes.YES_NO_UNKNOWN),
    _f("hate_characteristics", INC, "codes", CONDITIONAL, "Characteristics the hate was about.",
       code_list=codes.HATE_CHARACTERISTIC, condition="hate_motivated = yes"),
    _f("perpetrator_count", INC, "integer", OPTIONAL, "Number of people involved; empty when "
       "not known.", minimum=1),
    _f("perpetrator_type", INC, "code", MANDATORY, "Who did it.",
       code_list=codes.PERPETRATOR_TYPE),
    _f("perpetrator_age_band", INC, "code", OPTIONAL, "Their age band.",
       code_list=codes.PERPETRATOR_AGE_BAND),
    _f("mental_health_act_detained", INC, "code", OPTIONAL,
       "Detained under the Mental Health Act.", code_list=codes.YES_NO_UNKNOWN),
    _f("medical_factors", INC, "boolean", MANDATORY,
       "The perpetrator did not know what they were doing, or that it was wrong, because of "
       "illness, mental ill health, severe learning disability or treatment given."),
    _f("factors", INC, "codes", OPTIONAL, "Contributing factors.", code_list=codes.FACTOR),
    _f("security_attended", INC, "boolean", OPTIONAL, "Security attended."),
    _f("police_informed", INC, "boolean", MANDATORY, "Police informed."),
    _f("police_outcome", INC, "code", CONDITIONAL, "Police outcome.",
       code_list=codes.POLICE_OUTCOME, condition="police_informed = true"),
    _f("emergency_worker_act_applies", INC, "boolean", OPTIONAL,
       "Assaults on Emergency Workers (Offences) Act 2018 applies."),
    _f("civil_admin_sanctions", INC, "codes", OPTIONAL, "Civil and administrative sanctions.",
       code_list=codes.CIVIL_ADMIN_SANCTION),
    _f("body_worn_camera_footage", INC, "code", OPTIONAL, "Body-worn camera footage.",
       code_list=codes.BODY_WORN_CAMERA_FOOTAGE),
    _f("restrictive_intervention_followed", INC, "boolean", OPTIONAL,
       "A restrictive intervention followed."),
    _f("riddor_reportable", INC, "boolean", CONDITIONAL, "RIDDOR-reportable.",
       condition="category = physical_assault and injury = true"),
    _f("riddor_reported_on", INC, "date", OPTIONAL, "Date reported to the HSE."),
    _f("debrief_offered", INC, "boolean", OPTIONAL, "Debrief offered."),
    _f("wellbeing_conversation_offered", INC, "boolean", OPTIONAL,
       "Wellbeing conversation offered."),
    _f("occupational_health_referral", INC, "boolean", OPTIONAL, "Occupational health referral."),
    _f("risk_assessment_updated", INC, "boolean", OPTIONAL, "Risk assessment updated."),
    _f("staff_group", STF, "code", MANDATORY, "NHS Staff Survey occupational group.",
       code_list=codes.STAFF_GROUP),
    _f("employment_type", STF, "code", OPTIONAL, "Employment type.",
       code_list=codes.EMPLOYMENT_TYPE),
    _f("patient_facing", STF, "boolean", OPTIONAL, "Patient facing."),
    _f("lone_working", STF, "boolean", MANDATORY, "Working alone."),
    _f("activity", STF, "code", OPTIONAL, "What they were doing.", code_list=codes.ACTIVITY),
    _f("injury", STF, "boolean", MANDATORY, "Physically injured."),
    _f("injury_severity", STF, "code", CONDITIONAL, "Injury severity.",
       code_list=codes.INJURY_SEVERITY, condition="injury = true"),
    _f("treatment", STF, "code", OPTIONAL, "Treatment.", code_list=codes.TREATMENT),
    _f("psychological_impact", STF, "boolean", OPTIONAL, "Psychological impact."),
    _f("days_absent", STF, "integer", OPTIONAL,
       "Calendar days absent after the day of the incident.", minimum=0),
)

FIELDS_BY_NAME = {f.name: f for f in FIELDS}
COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS)
INCIDENT_COLUMNS = tuple(f.name for f in FIELDS if f.level == INC)
STAFF_COLUMNS = tuple(f.name for f in FIELDS if f.level == STF)
# Multi-valued codes are written in one cell separated by this character.
LIST_SEPARATOR = "|"

HEADER_FIELDS: tuple[Field, ...] = (
    _f("standard_version", "header", "text", MANDATORY,
       f"The standard's version: {STANDARD_VERSION}."),
    _f("organisation_ods", "header", "text", MANDATORY, "ODS code of the trust (3-5 letters "
       "or digits)."),
    _f("period_start", "header", "date", MANDATORY, "First day of the calendar month."),
    _f("period_end", "header", "date", MANDATORY, "Last day of the same calendar month."),
    _f("generated_at", "header", "datetime", MANDATORY, "When the return was made, with offset."),
    _f("staff_headcount", "header", "headcount", MANDATORY,
       "Headcount per staff group, integers of 0 or more: the rate denominator."),
)
