"""Form fields that NHS.UK components render, with errors that say what is wrong."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

# Free text accepted only up to the configured length; escaped wherever it is shown.
FREE_TEXT_MAX = settings.FREE_TEXT_MAX_LENGTH

YES_NO = [("yes", "Yes"), ("no", "No")]


class DateWidget(forms.Widget):
    """Three boxes (day, month, year), as the NHS.UK date input pattern asks."""

    template_name = ""
    parts = ("day", "month", "year")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        return {part: (data.get(f"{name}-{part}") or "").strip() for part in self.parts}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{part}" in data for part in self.parts)

    def format_value(self, value: Any) -> dict[str, str]:
        if isinstance(value, date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        if isinstance(value, dict):
            return value
        return {"day": "", "month": "", "year": ""}


class DateField(forms.Field):
    widget = DateWidget
    default_error_messages = {
        "required": "Enter the date",
        "incomplete": "The date must include a {missing}",
        "invalid": "The date must be a real date, like 27 3 2026",
    }

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        parts = value or {}
        if not any(parts.values()):
            return None
        missing = [p for p in DateWidget.parts if not parts.get(p)]
        if missing:
            raise ValidationError(self.error_messages["incomplete"].format(
                missing=" and ".join(missing)), code="incomplete")
        try:
            return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


class TimeField(forms.Field):
    """A time typed the way people write it: 14:30, 2.30pm, 9am."""

    widget = forms.TextInput
    default_error_messages = {
        "required": "Enter the time",
        "invalid": "Enter a time like 14:30 or 2:30pm",
    }

    def to_python(self, value: Any) -> time | None:
        if isinstance(value, time):
            return value
        if not value:
            return None
        match = _TIME.match(str(value))
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        hour, minute, meridiem = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
        if meridiem:
            if not 1 <= hour <= 12:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
        if hour > 23 or minute > 59:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return time(hour, minute)

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%H:%M") if isinstance(value, time) else value


class YesNoField(forms.TypedChoiceField):
    """A yes/no question as two radios, giving True, False or None when optional."""

    widget = forms.RadioSelect

    def __init__(self, *, required: bool = False, **kwargs: Any) -> None:
        super().__init__(
            choices=YES_NO, coerce=lambda v: v == "yes", empty_value=None, required=required,
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


def free_text(label: str, *, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=FREE_TEXT_MAX, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"{label} must be {FREE_TEXT_MAX:,} characters or fewer"},
    )


def field_kind(bound_field: forms.BoundField) -> str:
    """Which NHS.UK component draws this field."""
    widget = bound_field.field.widget
    for kind, widget_type in (
        ("date", DateWidget), ("checkboxes", forms.CheckboxSelectMultiple),
        ("radios", forms.RadioSelect), ("select", forms.Select), ("textarea", forms.Textarea),
        ("checkbox", forms.CheckboxInput), ("hidden", forms.HiddenInput),
        ("password", forms.PasswordInput), ("file", forms.FileInput),
    ):
        if isinstance(widget, widget_type):
            return kind
    return "input"


def complete_months(count: int, today: date | None = None) -> list[date]:
    """The first days of the last `count` complete months, most recent first."""
    month = (today or timezone.localdate()).replace(day=1)
    months = []
    for _ in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return months


class MonthRangeForm(forms.Form):
    """A first and a last month, picked from the last five years; the last not before the first.

    Subclasses may cap the range with `max_months`.
    """

    months_offered = 60
    max_months: int | None = None
    period_from = forms.TypedChoiceField(
        label="From", coerce=date.fromisoformat,
        error_messages={"required": "Select the first month",
                        "invalid_choice": "Select a first month from the list"})
    period_to = forms.TypedChoiceField(
        label="To", coerce=date.fromisoformat,
        error_messages={"required": "Select the last month",
                        "invalid_choice": "Select a last month from the list"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(m.isoformat(), f"{m:%B %Y}") for m in complete_months(self.months_offered)]
        self.fields["period_from"].choices = choices
        self.fields["period_to"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", "The last month must be the same as or after the first")
        elif (start and end and self.max_months
              and (end.year - start.year) * 12 + end.month - start.month >= self.max_months):
            self.add_error("period_to", f"Choose at most {self.max_months} months at once")
        return data
