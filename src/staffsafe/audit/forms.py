from django import forms

from staffsafe.audit.models import AuditEvent


class AuditSearchForm(forms.Form):
    text = forms.CharField(label="Person, reference or id", required=False, max_length=100)
    action = forms.ChoiceField(label="Action", required=False,
                               choices=[("", "Any"), *AuditEvent.Action.choices])
    since = forms.DateField(label="From", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "Enter a date like 2026-03-27"})
    until = forms.DateField(label="To", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "Enter a date like 2026-03-27"})
