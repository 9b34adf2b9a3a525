from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from staffsafe.collection.selectors import recent_periods

PROFILE_CHOICES = [("", "None: the file is already in the national data standard"),
                   ("datix", "Datix-style export")]
MAX_UPLOAD_BYTES = 512 * 1024 * 1024


def _period_choices() -> list[tuple[str, str]]:
    return [(p.isoformat(), f"{p:%B %Y}") for p in recent_periods(24)]


class PeriodField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label="Month", coerce=date.fromisoformat,
                         error_messages={"required": "Select the month the return covers",
                                         "invalid_choice": "Select a month from the list"},
                         **kwargs)
        self.choices = [("", "Choose a month"), *_period_choices()]


class ReturnUploadForm(forms.Form):
    period = PeriodField()
    file = forms.FileField(
        label="Return file", help_text="CSV, XLSX or JSON in the national data standard, or your "
        "system's export with a mapping profile.",
        error_messages={"required": "Choose the file to upload", "empty": "The file is empty"})
    profile = forms.ChoiceField(label="Mapping profile", choices=PROFILE_CHOICES, required=False,
                                widget=forms.RadioSelect)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 512 MB")
        if not upload.name.lower().endswith((".csv", ".xlsx", ".json")):
            raise forms.ValidationError("The file must be a CSV, XLSX or JSON file")
        return upload


class BuildReturnForm(forms.Form):
    period = PeriodField()


class NationalPeriodForm(forms.Form):
    period = PeriodField(required=False)
