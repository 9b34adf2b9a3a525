"""The Standard's forms: each error names what to do, and the field macro draws each question
with its NHS.UK component."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from staffsafe.core.forms import DateField, YesNoField, free_text
from staffsafe.standard import catalogue_file, editions, evidence_files
from staffsafe.standard.models import Action


def _owner_field(label: str, owners: list[tuple[int, str]]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, required=False, coerce=int, empty_value=None,
                                  choices=[("", "Nobody yet"), *owners],
                                  error_messages={"invalid_choice": "Choose a person of this "
                                                                    "trust from the list"})


def _spc_target() -> forms.IntegerField:
    return forms.IntegerField(
        label="Monthly target for reports", required=False, min_value=0, max_value=100_000,
        help_text="Optional. With a target, the SPC evidence says whether the trust will "
                  "consistently meet it.",
        error_messages={"invalid": "Enter the target as a whole number, like 40",
                        "min_value": "The target cannot be negative",
                        "max_value": "Enter a target of 100,000 or less"})


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(
        label="Catalogue file",
        help_text="A CSV or JSON file with the columns edition, domain, indicator_id, text and "
                  "evidence_guidance (and maps_from for 2024 indicators). 2 MB at most.",
        error_messages={"required": "Choose a catalogue file", "empty": "The file is empty"})
    title = forms.CharField(label="Name of the catalogue", required=False, max_length=200,
                            help_text="For example, NHS England indicators, December 2024",
                            error_messages={"max_length": "Use 200 characters or fewer"})
    official = forms.BooleanField(
        label="This file is NHS England's official indicator text", required=False,
        help_text="Leave this unticked for any other wording: every page showing the catalogue "
                  "will then say it is not the official text.")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > catalogue_file.MAX_BYTES:
            raise ValidationError("The file must be 2 MB or smaller")
        return upload


class StartReviewForm(forms.Form):
    edition = forms.ChoiceField(label="Which edition of the Standard?", widget=forms.RadioSelect,
                                error_messages={"required": "Select the edition"})
    title = forms.CharField(label="Name of the review", required=False, max_length=100,
                            help_text="For example, Spring 2026. Leave blank to name it by date.",
                            error_messages={"max_length": "Use 100 characters or fewer"})
    spc_target = _spc_target()

    def __init__(self, *args: Any, available: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["edition"].choices = [(code, editions.edition(code).name)
                                          for code in sorted(available, reverse=True)]


class ReviewEditForm(forms.Form):
    title = forms.CharField(label="Name of the review", max_length=100,
                            error_messages={"required": "Enter a name for the review",
                                            "max_length": "Use 100 characters or fewer"})
    spc_target = _spc_target()


class AssessmentForm(forms.Form):
    rating = forms.ChoiceField(label="Rating", widget=forms.RadioSelect, required=False)
    note = free_text("Why this rating",
                     help_text="What is in place, what is missing, and where the evidence is.")
    owner = forms.TypedChoiceField(label="Owner", required=False)

    def __init__(self, *args: Any, edition: editions.Edition, owners: list[tuple[int, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [(r.code, f"{r.label}: {r.meaning}")
                                         for r in edition.ratings]
        self.fields["rating"].error_messages["invalid_choice"] = "Choose one of the ratings"
        self.fields["owner"] = _owner_field("Owner of this indicator", owners)


class EvidenceLinkForm(forms.Form):
    title = forms.CharField(label="What the link shows", max_length=200,
                            help_text="For example, Board minutes, 12 March 2026",
                            error_messages={"required": "Enter what the link shows",
                                            "max_length": "Use 200 characters or fewer"})
    url = forms.URLField(label="Web address", max_length=500, assume_scheme="https",
                         help_text="Starting with https://, for example a document on the "
                                   "trust's intranet",
                         error_messages={"required": "Enter the web address",
                                         "invalid": "Enter a web address like "
                                                    "https://intranet.example.nhs.uk/paper.pdf",
                                         "max_length": "Use 500 characters or fewer"})

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a web address starting with https://")
        return url


class EvidenceFileForm(forms.Form):
    file = forms.FileField(label="File", help_text=f"{evidence_files.ALLOWED}; 10 MB at most.",
                           error_messages={"required": "Choose a file",
                                           "empty": "The file is empty"})
    title = forms.CharField(label="What the file shows", required=False, max_length=200,
                            help_text="Leave blank to use the file's name",
                            error_messages={"max_length": "Use 200 characters or fewer"})

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > evidence_files.MAX_BYTES:
            raise ValidationError("The file must be 10 MB or smaller")
        return upload


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What will be done", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what will be done",
                        "max_length": "Use 1,000 characters or fewer"})
    owner = forms.TypedChoiceField(label="Owner", required=False)
    due_on = DateField(label="Due by", help_text="For example, 30 9 2026")
    status = forms.ChoiceField(label="Status", widget=forms.RadioSelect,
                               choices=Action.Status.choices, initial=Action.Status.NOT_STARTED,
                               error_messages={"required": "Select the action's status"})

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _owner_field("Owner of this action", owners)
        self.fields["due_on"].error_messages["required"] = "Enter the date the action is due"


class SignOffForm(forms.Form):
    board_meeting_on = DateField(label="Date of the board meeting",
                                 help_text="For example, 24 3 2026")
    signed_off_by_name = forms.CharField(
        label="Signed off by", max_length=200,
        help_text="Name and role, for example Dr A Patel, Chair",
        error_messages={"required": "Enter the name and role of who signed it off",
                        "max_length": "Use 200 characters or fewer"})
    minute_reference = forms.CharField(
        label="Board minute reference", max_length=100, help_text="For example, BM/26/041",
        error_messages={"required": "Enter the board minute reference",
                        "max_length": "Use 100 characters or fewer"})
    board_concern = YesNoField(
        label="Did the board flag concern?", required=True,
        help_text="If it did, the next review is due in three months instead of six.",
        error_messages={"required": "Select yes if the board flagged concern"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board_meeting_on"].error_messages["required"] = \
            "Enter the date of the board meeting"


class CompareForm(forms.Form):
    other = forms.TypedChoiceField(label="Compare with", coerce=int,
                                   error_messages={"required": "Select a review to compare with",
                                                   "invalid_choice": "Select a review from the "
                                                                     "list"})

    def __init__(self, *args: Any, reviews: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = [("", "Choose a review"), *reviews]
