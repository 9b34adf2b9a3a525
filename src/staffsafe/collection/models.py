"""Returns in the national data standard and the national rows they carry.

A return is accepted whole or rejected whole. Its rows are kept flat, one per member of staff
affected (the standard's table layout), because the national tables are analytical: counting
incidents is counting rows with `staff_index = 0`. No row carries a name or free text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from staffsafe.collection import tables
from staffsafe.datastandard import codes
from staffsafe.organisations.models import Trust


class Return(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        VALIDATING = "validating", "Validating"
        REJECTED = "rejected", "Rejected"
        ACCEPTED = "accepted", "Accepted"
        SUPERSEDED = "superseded", "Replaced by a later return"

    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded file"
        API = "api", "API"
        CLI = "cli", "Command line"
        STAFFSAFE = "staffsafe", "Built from StaffSafe incidents"

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="returns")
    period_start = models.DateField(help_text="The first day of the month the return covers.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    source = models.CharField(max_length=20, choices=Source.choices)
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)
    profile = models.CharField(max_length=100, blank=True)
    file_sha256 = models.CharField(max_length=64)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    generated_at = models.DateTimeField(null=True, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    incident_count = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    # The first problems, for the page; the full report is rebuilt from the stored file.
    problems = models.JSONField(default=list, blank=True)
    headcounts = models.JSONField(default=dict, blank=True)
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="superseded_by")
    # Goes up each time the return's roll-up is rewritten (ADR 0012), so the stored national
    # tables can tell that a later return took incidents from this one.
    cells_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-period_start", "-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "period_start", "file_sha256"],
                                    name="same_file_same_period_is_one_return"),
        ]
        indexes = [models.Index(fields=["trust", "period_start", "status"])]

    def __str__(self) -> str:
        return f"{self.trust_id} {self.period_start:%Y-%m} {self.status}"


def _code(code_list: codes.CodeList, **kwargs: object) -> models.CharField:
    return models.CharField(max_length=40, blank=True, default="", **kwargs)  # type: ignore[arg-type]


class NationalRow(models.Model):
    """One member of staff affected in one incident of an accepted return."""

    # No database-level foreign keys on this bulk table: checking them for every one of a
    # million copied rows costs more than the load itself. Only `return_process` writes here,
    # and it takes both ids from rows it has just locked.
    # No B-tree on either (see Meta): rows are found by return through a BRIN index.
    submission = models.ForeignKey(Return, on_delete=models.DO_NOTHING, related_name="rows",
                                   db_constraint=False, db_index=False)
    trust = models.ForeignKey(Trust, on_delete=models.DO_NOTHING, related_name="+",
                              db_constraint=False, db_index=False)
    period_start = models.DateField()
    # Only the latest version of an incident counts: a later return replaces it.
    current = models.BooleanField(default=True)
    incident_id = models.CharField(max_length=100)
    staff_index = models.PositiveSmallIntegerField()

    site_ods = models.CharField(max_length=10, blank=True, default="")
    sector = _code(codes.SECTOR)
    setting = _code(codes.SETTING)
    occurred_at = models.DateTimeField()
    reported_at = models.DateTimeField()
    late = models.BooleanField(default=False)
    reporter_role = _code(codes.REPORTER_ROLE)
    category = _code(codes.CATEGORY)
    method = models.CharField(max_length=300, blank=True, default="")  # codes joined by "|"
    hate_motivated = _code(codes.YES_NO_UNKNOWN)
    hate_characteristics = models.CharField(max_length=200, blank=True, default="")
    # As wide as the standard allows (up to 18 digits): a return that passes its rules loads.
    perpetrator_count = models.PositiveBigIntegerField(null=True, blank=True)
    perpetrator_type = _code(codes.PERPETRATOR_TYPE)
    perpetrator_age_band = _code(codes.PERPETRATOR_AGE_BAND)
    mental_health_act_detained = _code(codes.YES_NO_UNKNOWN)
    medical_factors = models.BooleanField(null=True)
    factors = models.CharField(max_length=400, blank=True, default="")
    security_attended = models.BooleanField(null=True)
    police_informed = models.BooleanField(null=True)
    police_outcome = _code(codes.POLICE_OUTCOME)
    emergency_worker_act_applies = models.BooleanField(null=True)
    civil_admin_sanctions = models.CharField(max_length=300, blank=True, default="")
    body_worn_camera_footage = _code(codes.BODY_WORN_CAMERA_FOOTAGE)
    restrictive_intervention_followed = models.BooleanField(null=True)
    riddor_reportable = models.BooleanField(null=True)
    riddor_reported_on = models.DateField(null=True)
    debrief_offered = models.BooleanField(null=True)
    wellbeing_conversation_offered = models.BooleanField(null=True)
    occupational_health_referral = models.BooleanField(null=True)
    risk_assessment_updated = models.BooleanField(null=True)

    staff_group = _code(codes.STAFF_GROUP)
    employment_type = _code(codes.EMPLOYMENT_TYPE)
    patient_facing = models.BooleanField(null=True)
    lone_working = models.BooleanField(null=True)
    activity = _code(codes.ACTIVITY)
    injury = models.BooleanField(null=True)
    injury_severity = _code(codes.INJURY_SEVERITY)
    treatment = _code(codes.TREATMENT)
    psychological_impact = models.BooleanField(null=True)
    days_absent = models.PositiveBigIntegerField(null=True)

    # No secondary index at all: every B-tree is maintained for each of a million copied rows,
    # and the tables are read from `NationalCell`, not from here. Rows are only ever read by
    # return (retiring re-sent incidents, rebuilding a return's cells), through a BRIN index on
    # `submission_id` that migration 0002 creates on PostgreSQL (a few pages per return, next to
    # nothing to maintain, because a return's rows are copied in one piece); SQLite gets a
    # B-tree.

    def __str__(self) -> str:
        return f"{self.trust_id}/{self.incident_id}#{self.staff_index}"


def cell_column(measure: str) -> str:
    """The database column of one of `tables.CELL_MEASURES` ("police:charged" -> police_charged)."""
    return measure.replace(":", "_")


class NationalCell(models.Model):
    """The roll-up the national tables are built from (ADR 0012): the current rows of one
    accepted return added up by category and staff group, with every count the tables publish.

    Written in the same transaction as the rows it adds up (`collection.rollups`), so it is never
    out of step with them; a return whose rows are retired by a later one has its cells rebuilt.
    """

    submission = models.ForeignKey(Return, on_delete=models.DO_NOTHING, related_name="cells",
                                   db_constraint=False)
    trust = models.ForeignKey(Trust, on_delete=models.DO_NOTHING, related_name="+",
                              db_constraint=False)
    period_start = models.DateField()
    category = models.CharField(max_length=40, blank=True, default="")
    staff_group = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["submission"]), models.Index(fields=["period_start"])]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.category} {self.staff_group}"


# One count column per measure of the tables, so adding a code to the standard adds a column.
for _measure in tables.CELL_MEASURES:
    NationalCell.add_to_class(cell_column(_measure), models.PositiveBigIntegerField(default=0))


class Publication(models.Model):
    """The published national tables of one financial year, as disclosure control left them.

    Protecting a national year takes seconds, so it is done once per change of the year's data
    (after each accepted return, in the background) and every page reads the stored result.
    `fingerprint` says which data it was computed from (`collection.rollups.fingerprint`).
    """

    financial_year = models.PositiveSmallIntegerField(unique=True)
    fingerprint = models.CharField(max_length=64)
    computed_at = models.DateTimeField()
    seconds = models.FloatField(help_text="How long the tables took to compute and protect.")
    tables = models.JSONField(help_text="By granularity: the published tables.")

    def __str__(self) -> str:
        return f"{self.financial_year}-{(self.financial_year + 1) % 100:02d}"
