"""Trusts, sites, units and headcounts: who reports and the denominators for rates."""

from __future__ import annotations

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from staffsafe.datastandard import codes

ods_code_validator = RegexValidator(
    r"^[A-Z0-9]{3,5}$", "Enter an ODS code of 3 to 5 capital letters or digits, like RX9."
)
site_ods_validator = RegexValidator(
    r"^[A-Z0-9]{3,10}$", "Enter an ODS site code of 3 to 10 capital letters or digits."
)


class Trust(models.Model):
    ods_code = models.CharField(max_length=5, unique=True, validators=[ods_code_validator])
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=40, choices=codes.SECTOR.choices)
    region = models.CharField(max_length=40, choices=codes.REGION.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"


class Site(models.Model):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    ods_code = models.CharField(max_length=10, blank=True, validators=[site_ods_validator])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "name"], name="site_name_unique_in_trust")
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    class Kind(models.TextChoices):
        WARD = "ward", "Ward"
        TEAM = "team", "Team"
        STATION = "station", "Station"
        CONTROL_ROOM = "control_room", "Control room"
        DEPARTMENT = "department", "Department"

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="units")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Where incidents on this unit usually happen: lets a reporter skip the question.
    default_setting = models.CharField(max_length=40, choices=codes.SETTING.choices)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="unit_name_unique_in_site")
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.site.name}"


class Headcount(models.Model):
    """Staff in post for a trust, staff group and month: the denominator for rates."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="headcounts")
    staff_group = models.CharField(max_length=40, choices=codes.STAFF_GROUP.choices)
    month = models.DateField(help_text="The first day of the month.")
    headcount = models.PositiveIntegerField(validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["month", "staff_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "staff_group", "month"], name="one_headcount_per_group_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_group} {self.month:%Y-%m}: {self.headcount}"
