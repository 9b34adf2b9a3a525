"""The incident record of the national data standard, with the trust's local details."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from staffsafe.datastandard import codes
from staffsafe.organisations.models import Trust, Unit


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    CLOSED = "closed", "Closed"


def _code(code_list: codes.CodeList, **kwargs: object) -> models.CharField:
    return models.CharField(max_length=40, choices=code_list.choices, **kwargs)  # type: ignore[arg-type]


class Incident(models.Model):
    # The client-supplied UUID makes a create idempotent: the same request twice is one incident.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Unique by a constraint rather than `unique=True`, which on PostgreSQL adds a second index
    # for LIKE that nothing uses. The foreign keys' own indexes would repeat the first column of
    # an index in Meta: every index is written on every create (ADR 0016).
    reference = models.CharField(max_length=30)
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="incidents",
                              db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="incidents",
                             db_index=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_incidents",
        db_index=False,
    )
    on_behalf_of_colleague = models.BooleanField(default=False)
    confidential = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    version = models.PositiveIntegerField(default=1)

    sector = _code(codes.SECTOR)
    setting = _code(codes.SETTING)
    occurred_at = models.DateTimeField()
    reported_at = models.DateTimeField()
    reporter_role = _code(codes.REPORTER_ROLE)
    category = _code(codes.CATEGORY)
    method = models.JSONField(default=list, blank=True)
    hate_motivated = _code(codes.YES_NO_UNKNOWN, default="unknown")
    hate_characteristics = models.JSONField(default=list, blank=True)
    perpetrator_count = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )

    perpetrator_type = _code(codes.PERPETRATOR_TYPE)
    perpetrator_age_band = _code(codes.PERPETRATOR_AGE_BAND, blank=True, default="")
    mental_health_act_detained = _code(codes.YES_NO_UNKNOWN, blank=True, default="")

    medical_factors = models.BooleanField(null=True, blank=True)
    factors = models.JSONField(default=list, blank=True)

    security_attended = models.BooleanField(null=True, blank=True)
    police_informed = models.BooleanField(null=True, blank=True)
    police_outcome = _code(codes.POLICE_OUTCOME, blank=True, default="")
    emergency_worker_act_applies = models.BooleanField(null=True, blank=True)
    civil_admin_sanctions = models.JSONField(default=list, blank=True)
    body_worn_camera_footage = _code(codes.BODY_WORN_CAMERA_FOOTAGE, blank=True, default="")
    restrictive_intervention_followed = models.BooleanField(null=True, blank=True)
    riddor_reportable = models.BooleanField(null=True, blank=True)
    riddor_reported_on = models.DateField(null=True, blank=True)
    debrief_offered = models.BooleanField(null=True, blank=True)
    wellbeing_conversation_offered = models.BooleanField(null=True, blank=True)
    occupational_health_referral = models.BooleanField(null=True, blank=True)
    risk_assessment_updated = models.BooleanField(null=True, blank=True)

    # Local only: free text never leaves the trust.
    description = models.TextField(blank=True)
    feedback = models.TextField(blank=True, help_text="What the manager tells the reporter.")
    feedback_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["trust", "status", "occurred_at"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["reported_by", "reported_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="incident_reference_unique"),
        ]

    def __str__(self) -> str:
        return self.reference


class StaffAffected(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="staff")
    staff_group = _code(codes.STAFF_GROUP)
    employment_type = _code(codes.EMPLOYMENT_TYPE, blank=True, default="")
    patient_facing = models.BooleanField(null=True, blank=True)
    lone_working = models.BooleanField(null=True, blank=True)
    activity = _code(codes.ACTIVITY, blank=True, default="")
    injury = models.BooleanField()
    injury_severity = _code(codes.INJURY_SEVERITY, blank=True, default="")
    treatment = _code(codes.TREATMENT, blank=True, default="")
    psychological_impact = models.BooleanField(null=True, blank=True)
    days_absent = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(3660)]
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.staff_group} ({self.incident_id})"


class ReportDraft(models.Model):
    """A report in progress, kept on the server so an interrupted reporter loses nothing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_draft"
    )
    draft_id = models.UUIDField(default=uuid.uuid4)
    answers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Draft by {self.user}"


class ReferenceCounter(models.Model):
    """The last reference number issued for a trust and year, taken under a row lock."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trust", "year"], name="one_counter_per_trust_year")
        ]

    def __str__(self) -> str:
        return f"{self.trust_id}/{self.year}: {self.last}"
