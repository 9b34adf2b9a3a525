"""The Violence Prevention and Reduction Standard: catalogues of indicators (national reference
data) and each trust's self-assessment reviews, with ratings, evidence and action plans.

A review belongs to one catalogue, so the indicators it was assessed against never change under
it. Once the board has signed a review off it is frozen: the services refuse every change to it
and to anything under it (see docs/adr/0011-standard-self-assessment.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from staffsafe.organisations.models import Trust
from staffsafe.standard.editions import AMBER, EDITIONS, GREEN, RED

EDITION_CHOICES = [(code, edition.short_name) for code, edition in EDITIONS.items()]
RATING_CHOICES = [(GREEN, "Green"), (AMBER, "Amber"), (RED, "Red")]


class Catalogue(models.Model):
    """One edition's indicators as loaded from a file. The newest is current for new reviews."""

    edition = models.CharField(max_length=4, choices=EDITION_CHOICES)
    title = models.CharField(max_length=200)
    # Only a catalogue whose loader declared it NHS England's own text is official; every page
    # showing an unofficial one says so.
    official = models.BooleanField(default=False)
    starter = models.BooleanField(default=False)
    current = models.BooleanField(default=True)
    source_name = models.CharField(max_length=255)
    source_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-edition", "-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["edition"], condition=Q(current=True),
                                    name="one_current_catalogue_per_edition"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.edition})"


class Indicator(models.Model):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(max_length=30)
    domain = models.CharField(max_length=40)
    text = models.TextField()
    evidence_guidance = models.TextField(blank=True)
    position = models.PositiveIntegerField()
    # For a 2024 indicator: the 2021 indicator codes whose actions and evidence it carries on.
    maps_from = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"],
                                    name="indicator_code_unique_in_catalogue"),
        ]

    def __str__(self) -> str:
        return self.code


class Review(models.Model):
    """One round of a trust's self-assessment, from its start to the board's sign-off."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SIGNED_OFF = "signed_off", "Signed off by the board"

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="standard_reviews")
    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="reviews")
    title = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="carried_into")
    spc_target = models.PositiveIntegerField(
        null=True, blank=True, help_text="A monthly number of reports to test assurance against.")
    board_meeting_on = models.DateField(null=True, blank=True)
    signed_off_by_name = models.CharField(max_length=200, blank=True)
    minute_reference = models.CharField(max_length=100, blank=True)
    board_concern = models.BooleanField(default=False)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.PROTECT, related_name="+")
    # StaffSafe's own figures as they stood at sign-off (see selectors.live_evidence).
    live_evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["trust"], condition=Q(status="draft"),
                                    name="one_review_in_progress_per_trust"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(board_meeting_on__isnull=False,
                                                signed_off_at__isnull=False),
                name="signed_off_review_has_its_sign_off"),
        ]

    def __str__(self) -> str:
        return f"{self.trust_id} {self.title}"

    @property
    def frozen(self) -> bool:
        return self.status == self.Status.SIGNED_OFF


class IndicatorAssessment(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assessments")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=5, choices=RATING_CHOICES, blank=True)
    note = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "indicator"],
                                    name="one_assessment_per_indicator_per_review"),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}/{self.indicator_id}"


class EvidenceLink(models.Model):
    assessment = models.ForeignKey(IndicatorAssessment, on_delete=models.CASCADE,
                                   related_name="links")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.title


class EvidenceFile(models.Model):
    """An uploaded file. The bytes are stored once per trust under their SHA-256, so a file
    carried into a later review is the same stored file."""

    assessment = models.ForeignKey(IndicatorAssessment, on_delete=models.CASCADE,
                                   related_name="files")
    title = models.CharField(max_length=200)
    file_name = models.CharField(max_length=120)
    media_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.file_name


class Action(models.Model):
    """One step of the improvement action plan, for one indicator."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    assessment = models.ForeignKey(IndicatorAssessment, on_delete=models.CASCADE,
                                   related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices,
                              default=Status.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:50]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
