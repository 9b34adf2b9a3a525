"""Calendar days as moments in the project's time zone (Europe/London)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone


def local_start(day: date) -> datetime:
    """The aware moment `day` begins, local midnight: a day or month is `[start, next start)`."""
    return timezone.make_aware(datetime.combine(day, time.min))
