from __future__ import annotations

from typing import Any

from django import forms

from staffsafe.core.forms import DateField
from staffsafe.datastandard import codes
from staffsafe.organisations.models import Unit


def _select(choices: list[tuple[str, str]], label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", "Choose one"), *choices],
                             error_messages={"required": f"Select the {label.lower()}"})


class TrustForm(forms.Form):
    ods_code = forms.CharField(label="ODS code", max_length=5, help_text="For example, RX9",
                               error_messages={"required": "Enter the ODS code"})
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the trust's name"})
    sector = _select(codes.SECTOR.choices, "Sector")
    region = _select(codes.REGION.choices, "Region")


class SiteForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the site's name"})
    ods_code = forms.CharField(label="ODS site code", max_length=10, required=False)


class UnitForm(forms.Form):
    site = forms.TypedChoiceField(label="Site", coerce=int,
                                  error_messages={"required": "Select the site"})
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the unit's name"})
    kind = _select(Unit.Kind.choices, "Kind of unit")
    default_setting = _select(codes.SETTING.choices, "Usual setting")

    def __init__(self, *args: Any, sites: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "Choose one"), *sites]


class HeadcountForm(forms.Form):
    staff_group = _select(codes.STAFF_GROUP.choices, "Staff group")
    month = DateField(label="Month", help_text="Any day in the month, for example 1 3 2026")
    headcount = forms.IntegerField(label="Headcount", min_value=0, max_value=500_000,
                                   error_messages={"required": "Enter the headcount",
                                                   "invalid": "Enter a whole number",
                                                   "min_value": "Headcount cannot be negative"})


class CsvUploadForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds", widget=forms.RadioSelect, choices=[
        ("sites", "Sites (columns: name, ods_code)"),
        ("units", "Units (columns: site, name, kind, default_setting)"),
        ("headcounts", "Headcounts (columns: staff_group, month as YYYY-MM, headcount)"),
    ], error_messages={"required": "Select what the file holds"})
    file = forms.FileField(label="CSV file", error_messages={"required": "Choose a CSV file",
                                                             "empty": "The file is empty"})
