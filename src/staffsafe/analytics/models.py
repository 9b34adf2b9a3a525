"""Read-side tables of the analytics app: NHS Staff Survey results, the reporting-gap baseline."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from staffsafe.organisations.models import Trust


class StaffSurveyResult(models.Model):
    """One trust's NHS Staff Survey result for one year: the share of staff who said they had
    been physically attacked by patients, service users, relatives or the public."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="staff_survey")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="Per cent of staff.",
                               validators=[MinValueValidator(0), MaxValueValidator(100)])
    base = models.PositiveIntegerField(help_text="Staff who answered the question.")
    loaded_at = models.DateTimeField(auto_now=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["trust", "year"]
        constraints = [models.UniqueConstraint(fields=["trust", "year"],
                                               name="one_staff_survey_result_per_trust_year")]

    def __str__(self) -> str:
        return f"{self.trust_id} {self.year}: {self.rate}%"


class TrustCell(models.Model):
    """The whole-trust dashboard's roll-up (ADR 0012, `analytics.rollup`): for one trust and
    local month, one count per key (incidents by category, unit, setting, hour..., staff by
    group). Rebuilt a month at a time from the incidents, when the month is marked stale."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    key = models.CharField(max_length=80)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["trust", "month"])]

    def __str__(self) -> str:
        return f"{self.trust_id} {self.month:%Y-%m} {self.key}={self.n}"


class StaleMonth(models.Model):
    """A change to a trust's incidents in a month, since the month's roll-up was built: one row
    per change, written in the change's own transaction (`analytics.services.trust_months_stale`),
    a plain insert that waits for nothing. The lead's dashboard rebuilds the months it finds and
    deletes exactly the rows it read, so a change committed meanwhile is never lost."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()

    def __str__(self) -> str:
        return f"{self.trust_id} {self.month:%Y-%m}"
