"""API schemas built from the data standard's code lists, so the API can't drift from it."""


import uuid
from datetime import date
from typing import Annotated, Literal

from django.conf import settings
from ninja import Schema
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, conlist

from staffsafe.datastandard import codes
from staffsafe.incidents.models import Status


def _one(code_list: codes.CodeList):  # type: ignore[no-untyped-def]
    return Literal[code_list.values]  # type: ignore[valid-type]


FreeText = Annotated[str, Field(max_length=settings.FREE_TEXT_MAX_LENGTH)]
Category = _one(codes.CATEGORY)


class _In(BaseModel):
    """What a client sends: validated as the JSON object it is. ninja's `Schema` would first wrap
    it for reading model attributes, which a request body never needs."""


class StaffIn(_In):
    staff_group: _one(codes.STAFF_GROUP)  # type: ignore[valid-type]
    employment_type: _one(codes.EMPLOYMENT_TYPE) | None = None  # type: ignore[valid-type]
    patient_facing: bool | None = None
    lone_working: bool | None = None
    activity: _one(codes.ACTIVITY) | None = None  # type: ignore[valid-type]
    injury: bool
    injury_severity: _one(codes.INJURY_SEVERITY) | None = None  # type: ignore[valid-type]
    treatment: _one(codes.TREATMENT) | None = None  # type: ignore[valid-type]
    psychological_impact: bool | None = None
    days_absent: Annotated[int, Field(ge=0, le=3660)] | None = None


class _Optional(_In):
    """Fields a reporter may give and a manager completes later."""

    setting: _one(codes.SETTING) | None = None  # type: ignore[valid-type]
    method: list[_one(codes.METHOD)] = []  # type: ignore[valid-type]
    hate_motivated: _one(codes.YES_NO_UNKNOWN) = "unknown"  # type: ignore[valid-type]
    hate_characteristics: list[_one(codes.HATE_CHARACTERISTIC)] = []  # type: ignore[valid-type]
    perpetrator_count: Annotated[int, Field(ge=1, le=1000)] | None = None
    perpetrator_age_band: _one(codes.PERPETRATOR_AGE_BAND) | None = None  # type: ignore[valid-type]
    mental_health_act_detained: _one(codes.YES_NO_UNKNOWN) | None = None  # type: ignore[valid-type]
    medical_factors: bool | None = None
    factors: list[_one(codes.FACTOR)] = []  # type: ignore[valid-type]
    security_attended: bool | None = None
    police_informed: bool | None = None
    police_outcome: _one(codes.POLICE_OUTCOME) | None = None  # type: ignore[valid-type]
    emergency_worker_act_applies: bool | None = None
    civil_admin_sanctions: list[_one(codes.CIVIL_ADMIN_SANCTION)] = []  # type: ignore[valid-type]
    body_worn_camera_footage: _one(codes.BODY_WORN_CAMERA_FOOTAGE) | None = None  # type: ignore[valid-type]
    restrictive_intervention_followed: bool | None = None
    riddor_reportable: bool | None = None
    riddor_reported_on: date | None = None
    debrief_offered: bool | None = None
    wellbeing_conversation_offered: bool | None = None
    occupational_health_referral: bool | None = None
    risk_assessment_updated: bool | None = None
    description: FreeText = ""
    confidential: bool = False
    on_behalf_of_colleague: bool = False


class IncidentIn(_Optional):
    id: uuid.UUID = Field(description="A UUID the client makes: sending the same one again "
                          "returns the first incident instead of making a second.")
    unit_id: int
    occurred_at: AwareDatetime
    reporter_role: _one(codes.REPORTER_ROLE)  # type: ignore[valid-type]
    category: Category  # type: ignore[valid-type]
    perpetrator_type: _one(codes.PERPETRATOR_TYPE)  # type: ignore[valid-type]
    staff: conlist(StaffIn, min_length=1, max_length=50)  # type: ignore[valid-type]


class IncidentPatch(_In):
    """A manager's change. Send the `version` you read; only the fields you send change."""

    version: int
    status: Literal[tuple(Status.values)] | None = None  # type: ignore[valid-type]
    feedback: FreeText | None = None
    setting: _one(codes.SETTING) | None = None  # type: ignore[valid-type]
    occurred_at: AwareDatetime | None = None
    reporter_role: _one(codes.REPORTER_ROLE) | None = None  # type: ignore[valid-type]
    category: Category | None = None  # type: ignore[valid-type]
    perpetrator_type: _one(codes.PERPETRATOR_TYPE) | None = None  # type: ignore[valid-type]
    method: list[_one(codes.METHOD)] | None = None  # type: ignore[valid-type]
    hate_motivated: _one(codes.YES_NO_UNKNOWN) | None = None  # type: ignore[valid-type]
    hate_characteristics: list[_one(codes.HATE_CHARACTERISTIC)] | None = None  # type: ignore[valid-type]
    perpetrator_count: Annotated[int, Field(ge=1, le=1000)] | None = None
    perpetrator_age_band: _one(codes.PERPETRATOR_AGE_BAND) | None = None  # type: ignore[valid-type]
    mental_health_act_detained: _one(codes.YES_NO_UNKNOWN) | None = None  # type: ignore[valid-type]
    medical_factors: bool | None = None
    factors: list[_one(codes.FACTOR)] | None = None  # type: ignore[valid-type]
    security_attended: bool | None = None
    police_informed: bool | None = None
    police_outcome: _one(codes.POLICE_OUTCOME) | None = None  # type: ignore[valid-type]
    emergency_worker_act_applies: bool | None = None
    civil_admin_sanctions: list[_one(codes.CIVIL_ADMIN_SANCTION)] | None = None  # type: ignore[valid-type]
    body_worn_camera_footage: _one(codes.BODY_WORN_CAMERA_FOOTAGE) | None = None  # type: ignore[valid-type]
    restrictive_intervention_followed: bool | None = None
    riddor_reportable: bool | None = None
    riddor_reported_on: date | None = None
    debrief_offered: bool | None = None
    wellbeing_conversation_offered: bool | None = None
    occupational_health_referral: bool | None = None
    risk_assessment_updated: bool | None = None
    staff: conlist(StaffIn, min_length=1, max_length=50) | None = None  # type: ignore[valid-type]


class StaffOut(StaffIn):
    model_config = ConfigDict(from_attributes=True)


class IncidentOut(Schema):
    id: uuid.UUID
    reference: str
    status: str
    version: int
    organisation_ods: str
    unit_id: int
    unit_name: str
    reported_by: str | None = Field(description="Null when the report is confidential and "
                                    "you are not entitled to know who made it.")
    sector: str
    setting: str
    occurred_at: AwareDatetime
    reported_at: AwareDatetime
    reporter_role: str
    category: str
    method: list[str]
    hate_motivated: str
    hate_characteristics: list[str]
    perpetrator_count: int | None
    perpetrator_type: str
    perpetrator_age_band: str | None
    mental_health_act_detained: str | None
    medical_factors: bool | None
    factors: list[str]
    security_attended: bool | None
    police_informed: bool | None
    police_outcome: str | None
    emergency_worker_act_applies: bool | None
    civil_admin_sanctions: list[str]
    body_worn_camera_footage: str | None
    restrictive_intervention_followed: bool | None
    riddor_reportable: bool | None
    riddor_reported_on: date | None
    debrief_offered: bool | None
    wellbeing_conversation_offered: bool | None
    occupational_health_referral: bool | None
    risk_assessment_updated: bool | None
    description: str
    feedback: str
    confidential: bool
    on_behalf_of_colleague: bool
    staff: list[StaffOut]
