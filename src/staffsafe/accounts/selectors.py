"""Reads about people."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from staffsafe.accounts.models import User


def personas() -> QuerySet[User]:
    """The demo's people, one per role and trust; none exist outside demo mode."""
    if not settings.DEMO_MODE:
        return User.objects.none()
    return (User.objects.filter(is_persona=True, is_active=True)
            .select_related("trust").order_by("trust__name", "role", "username"))


def persona_by_username(username: str) -> User | None:
    return personas().filter(username=username).first()


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def people_for(admin) -> QuerySet[User]:
    """The people of a trust administrator's own trust."""
    from staffsafe.accounts.scoping import can_administer_trust

    if not can_administer_trust(admin):
        return User.objects.none()
    return (User.objects.filter(trust_id=admin.trust_id).prefetch_related("units")
            .order_by("last_name", "first_name", "username"))
