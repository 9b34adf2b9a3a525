"""After an incident: support for the person hurt, RIDDOR, police and sanctions, reminders.

Due dates are not stored: they are worked out from the incident (when it was reported, what
happened) and the trust's targets, so changing a target or correcting an incident moves them.
What is stored is what people did: each step of support offered, the report to HSE, the police
record and each sanction, written by `aftercare.services`, which keeps the incident's own
data-standard fields in step through `incidents.services.incident_update`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from staffsafe.datastandard import codes
from staffsafe.incidents.models import Incident
from staffsafe.organisations.models import Trust


class Step(models.TextChoices):
    MANAGER_CONTACT = "manager_contact", "Manager contact"
    WELLBEING_CONVERSATION = "wellbeing_conversation", "Wellbeing conversation"
    DEBRIEF = "debrief", "Debrief"
    OCCUPATIONAL_HEALTH_REFERRAL = "occupational_health_referral", "Occupational health referral"


class Outcome(models.TextChoices):
    OFFERED = "offered", "Offered, waiting for their answer"
    ACCEPTED = "accepted", "Offered and accepted (or done)"
    DECLINED = "declined", "Offered and declined"
    NOT_POSSIBLE = "not_possible", "Could not be offered (for example, they could not be reached)"


MAX_TARGET_HOURS = 24 * 60


def _target(help_text: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        null=True, blank=True, help_text=help_text,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_HOURS)])


class AftercareTargets(models.Model):
    """A trust's targets, in hours after the report. Empty means the step is not tracked."""

    trust = models.OneToOneField(Trust, on_delete=models.CASCADE, related_name="aftercare_targets")
    manager_contact_hours = _target("Manager contact")
    wellbeing_conversation_hours = _target("Wellbeing conversation")
    debrief_hours = _target("Debrief")
    occupational_health_referral_hours = _target("Occupational health referral")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "aftercare targets"

    def __str__(self) -> str:
        return f"Aftercare targets for {self.trust_id}"


class AftercareRecord(models.Model):
    """One thing done for a step of support; the first record of a step meets its target."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT,
                                 related_name="aftercare_records")
    step = models.CharField(max_length=40, choices=Step.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    happened_at = models.DateTimeField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_at", "id"]
        indexes = [models.Index(fields=["incident", "step"])]

    def __str__(self) -> str:
        return f"{self.step} {self.outcome} ({self.incident_id})"


class RiddorRecord(models.Model):
    """The trust's own RIDDOR details. The date reported lives on the incident (the standard's
    `riddor_reported_on`); the HSE reference stays in the trust."""

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="riddor")
    hse_reference = models.CharField(max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"RIDDOR {self.hse_reference or '(no reference)'} ({self.incident_id})"


class CourtOutcome(models.TextChoices):
    AWAITING = "awaiting", "Awaiting a hearing"
    CONVICTED = "convicted", "Convicted"
    ACQUITTED = "acquitted", "Not guilty"
    DISCONTINUED = "discontinued", "Case discontinued"


class PoliceRecord(models.Model):
    """The trust's own police details. Police informed, the police outcome and whether the
    Assaults on Emergency Workers (Offences) Act 2018 applies live on the incident."""

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="police")
    crime_reference = models.CharField(max_length=40, blank=True)
    court_outcome = models.CharField(max_length=20, choices=CourtOutcome.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Police {self.crime_reference or '(no reference)'} ({self.incident_id})"


class Sanction(models.Model):
    """A civil or administrative sanction, kept under review until it ends.

    The person it applies to is never named: at most a local pseudonymous reference, which never
    leaves the trust.
    """

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="sanctions")
    kind = models.CharField(max_length=40, choices=codes.CIVIL_ADMIN_SANCTION.choices)
    perpetrator_reference = models.CharField(max_length=20, blank=True)
    decided_on = models.DateField()
    review_on = models.DateField()
    last_reviewed_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["decided_on", "id"]
        indexes = [models.Index(fields=["ended_on", "review_on"])]

    def __str__(self) -> str:
        return f"{self.kind} ({self.incident_id})"


class SentReminder(models.Model):
    """One e-mail reminder, ever: the unique key is what stops a second copy being sent.

    A row is planned (`pending`), claimed in a batch by one run (`claimed`), marked `sending`
    just before its mail is handed to the mail server, and then `sent`. A claim never acted on
    goes back to `pending`. A row left `sending` by a run that died, or `failed` part-way
    through sending, is never sent again automatically: we cannot know whether the mail left,
    and a duplicate is the worse mistake (docs/adr/0010-reminders-no-duplicates.md).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Planned"
        CLAIMED = "claimed", "Claimed by a run"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed while sending (not retried)"
        EXPIRED = "expired", "Not sent: planned too long ago"

    kind = models.CharField(max_length=30)
    subject_key = models.CharField(max_length=120)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    stage = models.CharField(max_length=20)
    due_at = models.DateTimeField()
    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="+")
    to_address = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    planned_at = models.DateTimeField()
    planned_by = models.CharField(max_length=40, blank=True)
    claimed_by = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_key", "recipient", "stage", "due_at"],
                                    name="one_reminder_per_item_recipient_stage_due")
        ]
        indexes = [models.Index(fields=["status", "planned_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.stage} {self.subject_key} → {self.recipient_id} ({self.status})"
