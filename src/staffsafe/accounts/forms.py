from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your trust administrator.",
    }

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget = forms.PasswordInput()


def _role_choices() -> list[tuple[str, str]]:
    from staffsafe.accounts.models import TRUST_ROLES, Role

    return [(r.value, r.label) for r in Role if r in TRUST_ROLES]


class PersonForm(forms.Form):
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect,
                             error_messages={"required": "Select a role"})
    staff_group = forms.ChoiceField(label="Staff group",
                                    error_messages={"required": "Select a staff group"})
    units = forms.TypedMultipleChoiceField(
        label="Units", coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="A member of staff's own unit; the units a manager looks after.")

    def __init__(self, *args, units: list[tuple[int, str]], **kwargs) -> None:  # type: ignore[no-untyped-def]
        from staffsafe.datastandard import codes

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices()
        self.fields["staff_group"].choices = [("", "Choose one"), *codes.STAFF_GROUP.choices]
        self.fields["units"].choices = units


class NewPersonForm(PersonForm):
    username = forms.CharField(label="Username", max_length=150,
                               error_messages={"required": "Enter a username"})
    first_name = forms.CharField(label="First name", max_length=150,
                                 error_messages={"required": "Enter their first name"})
    last_name = forms.CharField(label="Last name", max_length=150,
                                error_messages={"required": "Enter their last name"})
    email = forms.EmailField(label="Email address", required=False,
                             error_messages={"invalid": "Enter an email address like "
                                             "name@nhs.net"})
    password = forms.CharField(label="First password", widget=forms.PasswordInput,
                               help_text="At least 12 characters. Give it to them in person.",
                               error_messages={"required": "Enter a first password"})
    field_order = ["username", "first_name", "last_name", "email", "password", "role",
                   "staff_group", "units"]


class EditPersonForm(PersonForm):
    is_active = forms.BooleanField(label="Can sign in", required=False)
