"""People, their role and the part of the organisation they belong to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from staffsafe.datastandard import codes
from staffsafe.organisations.models import Trust, Unit


class Role(models.TextChoices):
    REPORTER = "reporter", "Member of staff"
    MANAGER = "manager", "Manager"
    LEAD = "lead", "Violence prevention lead"
    TRUST_ADMIN = "trust_admin", "Trust administrator"
    NATIONAL_ANALYST = "national_analyst", "National analyst"
    NATIONAL_ADMIN = "national_admin", "National administrator"


TRUST_ROLES = {Role.REPORTER, Role.MANAGER, Role.LEAD, Role.TRUST_ADMIN}
NATIONAL_ROLES = {Role.NATIONAL_ANALYST, Role.NATIONAL_ADMIN}


class User(AbstractUser):
    """A person who signs in. One role each; trust roles belong to exactly one trust."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REPORTER)
    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    # A reporter's home unit(s); a manager's units, whose reports they triage.
    units = models.ManyToManyField(Unit, blank=True, related_name="people")
    staff_group = models.CharField(
        max_length=40, choices=codes.STAFF_GROUP.choices, blank=True, default=""
    )
    # Personas exist only in demo mode and can be signed in as without a password.
    is_persona = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(r.value for r in NATIONAL_ROLES), trust__isnull=True)
                    | models.Q(role__in=sorted(r.value for r in TRUST_ROLES), trust__isnull=False)
                ),
                name="trust_roles_have_a_trust_national_roles_do_not",
            )
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A bearer token for a machine client. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix} ({self.user})"
