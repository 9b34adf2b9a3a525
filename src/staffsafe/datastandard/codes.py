"""The closed code lists of the national data standard, version 1.0.

Each list is defined once here; models take `choices`, forms and API schemas take `values`.
A value outside a list is a validation error.
"""

from __future__ import annotations

from dataclasses import dataclass

STANDARD_VERSION = "1.0"


@dataclass(frozen=True)
class CodeList:
    """A closed list of codes with the plain-English label people see."""

    name: str
    items: tuple[tuple[str, str], ...]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.items)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return list(self.items)

    def label(self, code: str) -> str:
        return dict(self.items).get(code, code)

    def __contains__(self, code: object) -> bool:
        return code in self.values


def _codes(name: str, *items: tuple[str, str]) -> CodeList:
    return CodeList(name=name, items=tuple(items))


SECTOR = _codes(
    "sector",
    ("acute", "Acute"),
    ("mental_health_learning_disability", "Mental health and learning disability"),
    ("community", "Community"),
    ("ambulance", "Ambulance"),
    ("primary_care", "Primary care"),
    ("other", "Other"),
)

SETTING = _codes(
    "setting",
    ("inpatient_ward", "Inpatient ward"),
    ("emergency_department", "Emergency department"),
    ("outpatient_clinic", "Outpatient clinic"),
    ("patient_home_community", "Patient's home or community"),
    ("ambulance_vehicle_roadside", "Ambulance vehicle or roadside"),
    ("call_centre_remote", "Call centre or remote"),
    ("reception_waiting_area", "Reception or waiting area"),
    ("car_park_outdoor", "Car park or outdoors"),
    ("seclusion_place_of_safety", "Seclusion or place of safety"),
    ("other", "Other"),
)

REPORTER_ROLE = _codes(
    "reporter_role",
    ("victim", "I was the person it happened to"),
    ("witness", "I saw it happen"),
    ("manager", "I am their manager"),
    ("other", "Other"),
)

CATEGORY = _codes(
    "category",
    ("physical_assault", "Physical assault (including spitting that lands)"),
    ("physical_threat_no_contact", "Physical threat without contact"),
    ("verbal_abuse_threat", "Verbal abuse or threats"),
    ("harassment_stalking", "Harassment or stalking"),
    ("sexual_unwanted_behaviour", "Unwanted sexual behaviour"),
    ("sexual_assault", "Sexual assault"),
    ("remote_abuse", "Abuse by phone or online"),
    ("damage_theft_with_aggression", "Damage or theft with aggression"),
)

METHOD = _codes(
    "method",
    ("hit_punch", "Hit or punch"),
    ("kick", "Kick"),
    ("bite", "Bite"),
    ("scratch", "Scratch"),
    ("push_pull", "Push or pull"),
    ("spit", "Spit"),
    ("strangle_choke", "Strangle or choke"),
    ("object_thrown", "Object thrown"),
    ("bladed_weapon", "Bladed weapon"),
    ("firearm", "Firearm"),
    ("other_weapon", "Other weapon"),
    ("other", "Other"),
)

YES_NO_UNKNOWN = _codes("yes_no_unknown", ("yes", "Yes"), ("no", "No"), ("unknown", "Not known"))

HATE_CHARACTERISTIC = _codes(
    "hate_characteristics",
    ("race", "Race"),
    ("religion", "Religion"),
    ("disability", "Disability"),
    ("sexual_orientation", "Sexual orientation"),
    ("transgender_identity", "Transgender identity"),
    ("sex", "Sex"),
    ("age", "Age"),
)

STAFF_GROUP = _codes(
    "staff_group",
    ("allied_health_professional", "Allied health professional"),
    ("healthcare_scientist", "Healthcare scientist"),
    ("medical_dental", "Medical and dental"),
    ("ambulance_operational", "Ambulance operational"),
    ("ambulance_control_call_handling", "Ambulance control and call handling"),
    ("patient_transport", "Patient transport"),
    ("registered_nurse_midwife", "Registered nurse or midwife"),
    ("nursing_healthcare_assistant", "Nursing or healthcare assistant"),
    ("social_care", "Social care"),
    ("admin_clerical", "Administrative and clerical"),
    ("estates_ancillary", "Estates and ancillary"),
    ("general_management", "General management"),
    ("public_health_commissioning", "Public health and commissioning"),
    ("other", "Other"),
)

EMPLOYMENT_TYPE = _codes(
    "employment_type",
    ("substantive", "Substantive"),
    ("bank", "Bank"),
    ("agency", "Agency"),
    ("student", "Student"),
    ("volunteer", "Volunteer"),
    ("contractor", "Contractor"),
)

ACTIVITY = _codes(
    "activity",
    ("clinical_care", "Clinical care"),
    ("restraint_holding", "Restraint or holding"),
    ("escort_transfer", "Escort or transfer"),
    ("triage_reception", "Triage or reception"),
    ("responding_to_alarm", "Responding to an alarm"),
    ("call_handling", "Call handling"),
    ("driving", "Driving"),
    ("other", "Other"),
)

INJURY_SEVERITY = _codes(
    "injury_severity",
    ("none", "None"),
    ("low", "Low"),
    ("moderate", "Moderate"),
    ("severe", "Severe"),
    ("death", "Death"),
)

TREATMENT = _codes(
    "treatment",
    ("none", "None"),
    ("first_aid", "First aid"),
    ("emergency_department", "Emergency department"),
    ("admitted", "Admitted to hospital"),
)

PERPETRATOR_TYPE = _codes(
    "perpetrator_type",
    ("patient_service_user", "Patient or service user"),
    ("relative_carer_visitor", "Relative, carer or visitor"),
    ("member_of_public", "Member of the public"),
    ("colleague", "Colleague"),
    ("manager", "Manager"),
    ("unknown", "Not known"),
)

PERPETRATOR_AGE_BAND = _codes(
    "perpetrator_age_band",
    ("under_18", "Under 18"),
    ("18_24", "18 to 24"),
    ("25_44", "25 to 44"),
    ("45_64", "45 to 64"),
    ("65_plus", "65 or over"),
    ("unknown", "Not known"),
)

FACTOR = _codes(
    "factors",
    ("alcohol", "Alcohol"),
    ("drugs", "Drugs"),
    ("mental_health_crisis", "Mental health crisis"),
    ("dementia_delirium", "Dementia or delirium"),
    ("learning_disability_autism", "Learning disability or autism"),
    ("pain_medication_clinical_condition", "Pain, medication or a clinical condition"),
    ("waiting_time_dissatisfaction", "Waiting time or dissatisfaction"),
    ("refused_request_treatment", "A request or treatment was refused"),
    ("low_staffing", "Low staffing"),
    ("working_alone", "Working alone"),
    ("unfamiliar_location", "Unfamiliar location"),
    ("other", "Other"),
)

POLICE_OUTCOME = _codes(
    "police_outcome",
    ("charged", "Charged"),
    ("caution", "Caution"),
    ("community_resolution", "Community resolution"),
    ("verbal_warning", "Verbal warning"),
    ("no_further_action", "No further action"),
    ("victim_declined", "Victim declined to support"),
    ("pending", "Pending"),
    ("unknown", "Not known"),
)

CIVIL_ADMIN_SANCTION = _codes(
    "civil_admin_sanctions",
    ("warning_letter", "Warning letter"),
    ("acceptable_behaviour_agreement", "Acceptable behaviour agreement"),
    ("exclusion_from_premises", "Exclusion from premises"),
    ("injunction", "Injunction"),
    ("record_flag", "Record flag"),
    ("other", "Other"),
)

BODY_WORN_CAMERA_FOOTAGE = _codes(
    "body_worn_camera_footage",
    ("yes", "Yes"),
    ("no", "No"),
    ("not_equipped", "Not equipped"),
)

REGION = _codes(
    "region",
    ("north_east_yorkshire", "North East and Yorkshire"),
    ("north_west", "North West"),
    ("midlands", "Midlands"),
    ("east_of_england", "East of England"),
    ("london", "London"),
    ("south_east", "South East"),
    ("south_west", "South West"),
)

ALL_CODE_LISTS: tuple[CodeList, ...] = (
    SECTOR,
    SETTING,
    REPORTER_ROLE,
    CATEGORY,
    METHOD,
    YES_NO_UNKNOWN,
    HATE_CHARACTERISTIC,
    STAFF_GROUP,
    EMPLOYMENT_TYPE,
    ACTIVITY,
    INJURY_SEVERITY,
    TREATMENT,
    PERPETRATOR_TYPE,
    PERPETRATOR_AGE_BAND,
    FACTOR,
    POLICE_OUTCOME,
    CIVIL_ADMIN_SANCTION,
    BODY_WORN_CAMERA_FOOTAGE,
    REGION,
)
