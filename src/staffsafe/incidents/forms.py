"""The reporting journey's three pages and the manager's triage form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from staffsafe.core.forms import DateField, TimeField, YesNoField, free_text
from staffsafe.datastandard import codes
from staffsafe.incidents.models import Status


def _choice(code_list: codes.CodeList, label: str, *, required: bool = False,
            widget: type[forms.Widget] = forms.RadioSelect, help_text: str = "",
            message: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=code_list.choices, required=required, widget=widget,
        help_text=help_text,
        error_messages={"required": message or f"Select {label.lower()}",
                        "invalid_choice": f"Select one of the options for {label.lower()}"},
    )


def _select(code_list: codes.CodeList, label: str, **kwargs: Any) -> forms.ChoiceField:
    field = _choice(code_list, label, widget=forms.Select, **kwargs)
    field.choices = [("", "Choose one"), *code_list.choices]
    return field


def _multi(code_list: codes.CodeList, label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=code_list.choices, required=False, help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": f"Select only the options listed for {label.lower()}"},
    )


class WhatHappenedForm(forms.Form):
    """Page 1: what, when and where (three mandatory questions)."""

    category = _choice(codes.CATEGORY, "What kind of incident was it?", required=True,
                       message="Select what happened")
    occurred_date = DateField(label="When did it happen?", help_text="For example, 27 3 2026")
    occurred_time = TimeField(label="At about what time?", help_text="For example, 14:30 or 2pm")
    unit = forms.TypedChoiceField(
        label="Where did it happen?", coerce=int, help_text="The ward, team, station or "
        "department", error_messages={"required": "Select where it happened",
                                      "invalid_choice": "Select a place from the list"},
    )
    description = free_text("Tell us what happened",
                            help_text="Do not include patients' names. Only your trust sees this.")

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "Choose a place"), *units]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, at = data.get("occurred_date"), data.get("occurred_time")
        if day and at:
            occurred = timezone.make_aware(datetime.combine(day, at))
            if occurred > timezone.now():
                self.add_error("occurred_date", "The date and time cannot be in the future")
            data["occurred_at"] = occurred
        return data


class WhoWasAffectedForm(forms.Form):
    """Page 2: who it happened to and whether they were hurt (two mandatory questions)."""

    ROLE_CHOICES = [
        ("victim", "Me"),
        ("witness", "A colleague: I saw it happen"),
        ("manager", "A colleague: I am their manager"),
        ("other", "A colleague: someone told me about it"),
    ]
    reporter_role = forms.ChoiceField(
        label="Who did it happen to?", choices=ROLE_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": "Select who it happened to"},
    )
    staff_group = _select(codes.STAFF_GROUP, "Their staff group",
                          help_text="We have filled in yours. Change it if you are reporting "
                          "for a colleague in another group.")
    injury = YesNoField(label="Were they physically hurt?", required=True,
                        error_messages={"required": "Select yes if they were physically hurt"})
    injury_severity = _choice(codes.INJURY_SEVERITY, "How bad was the injury?",
                              help_text="Leave this if you are not sure")
    lone_working = YesNoField(label="Were they working alone?")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("staff_group"):
            self.add_error("staff_group", "Select the staff group of the person it happened to")
        if data.get("injury") is False and data.get("injury_severity") not in (None, "", "none"):
            self.add_error("injury_severity",
                           "Leave injury severity empty if they were not physically hurt")
        return data


class WhoWasInvolvedForm(forms.Form):
    """Page 3: who did it (one mandatory question), then submit."""

    perpetrator_type = _choice(codes.PERPETRATOR_TYPE, "Who did it?", required=True,
                               message="Select who did it, or 'Not known'")
    factors = _multi(codes.FACTOR, "Did anything contribute to it?",
                     help_text="Select all that apply")
    police_informed = YesNoField(label="Were the police told?")
    confidential = forms.BooleanField(
        label="Keep my name confidential", required=False,
        help_text="Only your trust's violence prevention lead will see that you made this report.",
    )


REPORT_PAGES: tuple[tuple[str, type[forms.Form], str], ...] = (
    ("what-happened", WhatHappenedForm, "What happened"),
    ("who-was-affected", WhoWasAffectedForm, "Who was affected"),
    ("who-was-involved", WhoWasInvolvedForm, "Who was involved"),
)


def raw_answers(form: forms.Form) -> dict[str, Any]:
    """The page's answers as submitted, to keep in a draft and bind again later."""
    data = form.data
    answers: dict[str, Any] = {}
    for name, field in form.fields.items():
        if isinstance(field, DateField):
            for part in ("day", "month", "year"):
                answers[f"{name}-{part}"] = data.get(f"{name}-{part}", "")
        elif isinstance(field, forms.MultipleChoiceField):
            answers[name] = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        else:
            answers[name] = data.get(name, "")
    return answers


class TriageForm(forms.Form):
    """What the manager completes: every remaining field of the data standard, and feedback."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Status", choices=Status.choices, widget=forms.RadioSelect)
    feedback = free_text("Feedback to the person who reported it",
                         help_text="They will see this in 'My reports'.")
    setting = _select(codes.SETTING, "Setting", required=True)
    category = _select(codes.CATEGORY, "What happened", required=True)
    method = _multi(codes.METHOD, "Method (physical assault only)")
    hate_motivated = _choice(codes.YES_NO_UNKNOWN, "Hate motivated", required=True)
    hate_characteristics = _multi(codes.HATE_CHARACTERISTIC, "Hate characteristics")
    perpetrator_type = _select(codes.PERPETRATOR_TYPE, "Who did it", required=True)
    perpetrator_count = forms.IntegerField(
        label="Number of people involved", required=False, min_value=1, max_value=1000,
        error_messages={"invalid": "Enter a whole number, like 2",
                        "min_value": "Enter 1 or more, or leave empty if not known",
                        "max_value": "Enter 1000 or fewer"},
    )
    perpetrator_age_band = _select(codes.PERPETRATOR_AGE_BAND, "Their age band")
    mental_health_act_detained = _choice(codes.YES_NO_UNKNOWN, "Detained under the Mental "
                                         "Health Act")
    medical_factors = YesNoField(
        label="Medical factors", help_text="They did not know what they were doing, or that it "
        "was wrong, because of illness, mental ill health, severe learning disability or treatment "
        "given.")
    factors = _multi(codes.FACTOR, "Contributing factors")
    security_attended = YesNoField(label="Security attended")
    police_informed = YesNoField(label="Police informed")
    police_outcome = _select(codes.POLICE_OUTCOME, "Police outcome")
    emergency_worker_act_applies = YesNoField(
        label="Assaults on Emergency Workers (Offences) Act 2018 applies")
    civil_admin_sanctions = _multi(codes.CIVIL_ADMIN_SANCTION, "Civil and administrative "
                                   "sanctions")
    body_worn_camera_footage = _choice(codes.BODY_WORN_CAMERA_FOOTAGE, "Body-worn camera footage")
    restrictive_intervention_followed = YesNoField(label="A restrictive intervention followed")
    riddor_reportable = YesNoField(label="RIDDOR-reportable")
    debrief_offered = YesNoField(label="Debrief offered")
    wellbeing_conversation_offered = YesNoField(label="Wellbeing conversation offered")
    occupational_health_referral = YesNoField(label="Occupational health referral")
    risk_assessment_updated = YesNoField(label="Risk assessment updated")


class StaffAffectedForm(forms.Form):
    staff_group = _select(codes.STAFF_GROUP, "Staff group", required=True)
    employment_type = _select(codes.EMPLOYMENT_TYPE, "Employment type")
    patient_facing = YesNoField(label="Patient facing")
    lone_working = YesNoField(label="Working alone")
    activity = _select(codes.ACTIVITY, "What they were doing")
    injury = YesNoField(label="Physically hurt", required=True,
                        error_messages={"required": "Select yes if they were physically hurt"})
    injury_severity = _select(codes.INJURY_SEVERITY, "Injury severity")
    treatment = _select(codes.TREATMENT, "Treatment")
    psychological_impact = YesNoField(label="Psychological impact")
    days_absent = forms.IntegerField(
        label="Days absent", required=False, min_value=0, max_value=3660,
        help_text="Calendar days after the day of the incident",
        error_messages={"invalid": "Enter a whole number of days, like 3",
                        "min_value": "Days absent cannot be negative",
                        "max_value": "Enter 3660 days or fewer"},
    )


StaffAffectedFormSet = forms.formset_factory(StaffAffectedForm, extra=0, min_num=1,
                                             validate_min=True)


class IncidentFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any"), *Status.choices])
    category = forms.ChoiceField(label="What happened", required=False,
                                 choices=[("", "Any"), *codes.CATEGORY.choices])
    occurred_from = forms.DateField(label="From", required=False, widget=forms.DateInput(
        attrs={"type": "date"}), error_messages={"invalid": "Enter a date like 2026-03-27"})
    occurred_to = forms.DateField(label="To", required=False, widget=forms.DateInput(
        attrs={"type": "date"}), error_messages={"invalid": "Enter a date like 2026-03-27"})
