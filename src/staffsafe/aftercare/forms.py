"""The forms for support, RIDDOR, police, sanctions and the trust's targets.

Forms check what a person typed; the services check the rules (and name the field when one is
broken, so the view can show the error beside it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from staffsafe.aftercare.models import MAX_TARGET_HOURS, CourtOutcome, Outcome, Step
from staffsafe.core import forms as core_forms
from staffsafe.core.forms import TimeField, YesNoField, free_text
from staffsafe.datastandard import codes


class DateField(core_forms.DateField):
    """The NHS.UK three-box date, also refusing a number too big for a date (`999…` in the day
    box), which the core field lets through as an OverflowError."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


STEP_LABELS = dict(Step.choices)
STEP_VALUES = tuple(Step.values)


class AftercareRecordForm(forms.Form):
    outcome = forms.ChoiceField(label="What happened?", choices=Outcome.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": "Select what happened"})
    happened_on = DateField(label="When was it offered or done?",
                            help_text="For example, 27 3 2026",
                            error_messages={"required": "Enter the date it was offered or done"})
    happened_time = TimeField(label="At about what time?", help_text="For example, 14:30 or 2pm",
                              error_messages={"required": "Enter the time it was offered or "
                                              "done"})
    note = free_text("Note", help_text="For the record, within your trust. Do not "
                     "write about the person's health.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, at = data.get("happened_on"), data.get("happened_time")
        if day and at:
            data["happened_at"] = timezone.make_aware(datetime.combine(day, at))
        return data


def _hours(step: str) -> forms.IntegerField:
    label = STEP_LABELS[step]
    return forms.IntegerField(
        label=f"{label}: hours after the report", required=False, min_value=1,
        max_value=MAX_TARGET_HOURS,
        help_text="For example, 24 for a day or 72 for three days. Leave empty to stop tracking "
                  "this step.",
        error_messages={"invalid": f"Enter {label.lower()} as a whole number of hours, like 24",
                        "min_value": f"Enter at least 1 hour for {label.lower()}",
                        "max_value": f"Enter {MAX_TARGET_HOURS} hours or fewer for "
                                     f"{label.lower()}"})


class TargetsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for step in STEP_VALUES:
            self.fields[f"{step}_hours"] = _hours(step)

    def hours(self) -> dict[str, int | None]:
        return {step: self.cleaned_data.get(f"{step}_hours") for step in STEP_VALUES}


class VersionedForm(forms.Form):
    # The incident's version and the local record's (0: none yet) that the page was built on.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    record_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RiddorForm(VersionedForm):
    reported_on = DateField(label="Date reported to HSE", required=False,
                            help_text="Leave empty until it has been reported. For example, "
                                      "27 3 2026")
    hse_reference = forms.CharField(
        label="HSE reference", required=False, max_length=30,
        help_text="The notification reference HSE gives when the report is made",
        error_messages={"max_length": "The HSE reference must be 30 characters or fewer"})


def _police_outcome_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Police outcome", required=False,
        choices=[("", "Choose one"), *codes.POLICE_OUTCOME.choices],
        error_messages={"invalid_choice": "Select a police outcome from the list"})


class PoliceForm(VersionedForm):
    police_informed = YesNoField(label="Were the police told?", required=True,
                                 error_messages={"required": "Select yes if the police were told"})
    crime_reference = forms.CharField(
        label="Crime reference", required=False, max_length=40,
        error_messages={"max_length": "The crime reference must be 40 characters or fewer"})
    police_outcome = _police_outcome_field()
    court_outcome = forms.ChoiceField(
        label="Court outcome", required=False, choices=[("", "Choose one"),
                                                        *CourtOutcome.choices],
        help_text="Only when the police outcome is 'Charged'",
        error_messages={"invalid_choice": "Select a court outcome from the list"})
    emergency_worker_act_applies = YesNoField(
        label="Does the Assaults on Emergency Workers (Offences) Act 2018 apply?")


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label="Which sanction?", choices=codes.CIVIL_ADMIN_SANCTION.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select which sanction"})
    perpetrator_reference = forms.CharField(
        label="Local reference for the person", required=False, max_length=20,
        help_text="A pseudonymous reference such as P-0042 from your trust's own list. Never a "
                  "name or NHS number: it never leaves the trust.",
        error_messages={"max_length": "The reference must be 20 characters or fewer"})
    decided_on = DateField(label="Date it was decided",
                           error_messages={"required": "Enter the date it was decided"})
    review_on = DateField(label="Review by", help_text="When it must next be reviewed",
                          error_messages={"required": "Enter the date it must be reviewed by"})


class SanctionReviewForm(forms.Form):
    DECISIONS = [("keep", "Keep it in place until a further review"), ("end", "End it")]

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reviewed_on = DateField(label="Date of this review",
                            error_messages={"required": "Enter the date of this review"})
    decision = forms.ChoiceField(label="What was decided?", choices=DECISIONS,
                                 widget=forms.RadioSelect,
                                 error_messages={"required": "Select what was decided"})
    next_review_on = DateField(label="Next review by", required=False,
                               help_text="Only if it stays in place")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "keep" and not data.get("next_review_on") \
                and "next_review_on" not in self.errors:
            self.add_error("next_review_on", "Enter the date of the next review")
        return data
