"""The dashboards' GET filter form and the NHS Staff Survey upload form."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from staffsafe.analytics import selectors
from staffsafe.core.forms import MonthRangeForm
from staffsafe.datastandard import codes

MONTHS_OFFERED = 60
DEFAULT_MONTHS = 24


def default_period(today: date | None = None) -> dict[str, str]:
    last = selectors.last_complete_month(today)
    first = selectors.add_months(last, -(DEFAULT_MONTHS - 1))
    return {"period_from": first.isoformat(), "period_to": last.isoformat()}


class PeriodForm(MonthRangeForm):
    """The dashboards' period: up to five years back."""

    months_offered = MONTHS_OFFERED


class DashboardFilterForm(PeriodForm):
    site = forms.TypedChoiceField(label="Site", required=False, coerce=int, empty_value=None,
                                  error_messages={"invalid_choice": "Select a site from the list"})
    unit = forms.TypedChoiceField(label="Unit", required=False, coerce=int, empty_value=None,
                                  error_messages={"invalid_choice": "Select a unit from the list"})
    category = forms.ChoiceField(
        label="Category", required=False, choices=[("", "All categories"),
                                                   *codes.CATEGORY.choices],
        error_messages={"invalid_choice": "Select a category from the list"})
    staff_group = forms.ChoiceField(
        label="Staff group", required=False, choices=[("", "All staff groups"),
                                                      *codes.STAFF_GROUP.choices],
        error_messages={"invalid_choice": "Select a staff group from the list"})

    def __init__(self, *args: Any, options: dict[str, list[tuple[int, str]]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "All sites"), *options["sites"]]
        self.fields["unit"].choices = [("", "All units"), *options["units"]]

    def filters(self) -> selectors.DashboardFilters:
        data = self.cleaned_data
        return selectors.DashboardFilters(
            period_from=data["period_from"], period_to=data["period_to"],
            site_id=data.get("site"), unit_id=data.get("unit"),
            category=data.get("category") or "", staff_group=data.get("staff_group") or "")


class StaffSurveyUploadForm(forms.Form):
    file = forms.FileField(
        label="NHS Staff Survey results (CSV)",
        help_text="Columns: organisation (the trust's ODS code), year, rate (per cent of staff "
                  "who said they were physically attacked by patients, service users, relatives "
                  "or the public), base (staff who answered).",
        error_messages={"required": "Select a CSV file", "empty": "The file is empty"})
