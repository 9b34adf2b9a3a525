"""Reads of organisation data, scoped to the person's trust."""

from __future__ import annotations

from django.db.models import QuerySet

from staffsafe.accounts import scoping
from staffsafe.organisations.models import Headcount, Site, Trust, Unit


def units_for(user) -> QuerySet[Unit]:
    if user.trust_id is None:
        return Unit.objects.none()
    return Unit.objects.filter(trust_id=user.trust_id).select_related("site")


def unit_choices_for(user) -> list[tuple[int, str]]:
    return [(unit.pk, f"{unit.name}, {unit.site.name}") for unit in units_for(user)]


def home_unit_for(user) -> Unit | None:
    return user.units.select_related("site").first()


def sites_for(user) -> QuerySet[Site]:
    if not scoping.can_administer_trust(user):
        return Site.objects.none()
    return Site.objects.filter(trust_id=user.trust_id)


def admin_units_for(user) -> QuerySet[Unit]:
    if not scoping.can_administer_trust(user):
        return Unit.objects.none()
    return units_for(user)


def headcounts_for(user) -> QuerySet[Headcount]:
    if not scoping.can_administer_trust(user):
        return Headcount.objects.none()
    return Headcount.objects.filter(trust_id=user.trust_id).order_by("-month", "staff_group")


def trusts_for(user) -> QuerySet[Trust]:
    if not scoping.can_administer_national(user):
        return Trust.objects.none()
    return Trust.objects.all()


def headcounts_for_month(trust: Trust, month) -> dict[str, int]:
    """A trust's headcount per staff group for a month: the denominators of its return."""
    return dict(Headcount.objects.filter(trust=trust, month=month.replace(day=1))
                .values_list("staff_group", "headcount"))
