"""Append-only audit events. Nothing in the application can change or delete one."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit events are append-only.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        REFUSED = "refused", "Access refused"

    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text so the event still says who it was if the account is renamed.
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    trust = models.ForeignKey(
        "organisations.Trust", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    changes = models.JSONField(default=dict, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # Every event writes every index, and every view of an incident writes an event: only
        # the indexes a reader uses (ADR 0016). The lead's search is one trust's events, newest
        # first, often of one action (the rare ones: refusals, exports, failed sign-ins); an
        # investigation follows one object or one person.
        indexes = [
            models.Index(fields=["trust", "at"], name="audit_trust_at"),
            models.Index(fields=["trust", "action", "at"], name="audit_trust_action_at"),
            models.Index(fields=["object_id"], name="audit_object_id"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit events are append-only.")
