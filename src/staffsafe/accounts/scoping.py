"""What each role may see and do, decided in this one place.

Every selector narrows its query with these rules; views and API routers never filter by role
themselves. National roles see aggregates only and never an identifiable incident.
"""

from __future__ import annotations

from django.db.models import Q

from staffsafe.accounts.models import Role


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def incident_filter(user) -> Q | None:
    """A filter for the incidents a person may see, or None when they may see none."""
    if not _signed_in(user) or user.trust_id is None:
        return None
    own = Q(reported_by_id=user.pk)
    if user.role == Role.LEAD:
        return Q(trust_id=user.trust_id)
    if user.role == Role.MANAGER:
        return own | Q(trust_id=user.trust_id, unit__in=user.units.all())
    if user.role in (Role.REPORTER, Role.TRUST_ADMIN):
        return own
    return None


def can_triage(user) -> bool:
    return _signed_in(user) and user.role in (Role.MANAGER, Role.LEAD)


def can_manage_incident(user, incident) -> bool:
    """Managers of the incident's unit and the trust's lead complete and close the record."""
    if not can_triage(user) or incident.trust_id != user.trust_id:
        return False
    if user.role == Role.LEAD:
        return True
    return user.units.filter(pk=incident.unit_id).exists()


def can_see_reporter(user, incident) -> bool:
    """A confidential report's reporter is known only to themselves and the trust's lead."""
    if incident.reported_by_id == user.pk:
        return True
    if user.role == Role.LEAD and incident.trust_id == user.trust_id:
        return True
    return not incident.confidential and can_manage_incident(user, incident)


def can_report(user) -> bool:
    return _signed_in(user) and user.trust_id is not None


def can_administer_trust(user) -> bool:
    return _signed_in(user) and user.role == Role.TRUST_ADMIN and user.trust_id is not None


def can_search_audit(user) -> bool:
    return _signed_in(user) and user.role == Role.LEAD and user.trust_id is not None


def can_administer_national(user) -> bool:
    return _signed_in(user) and user.role == Role.NATIONAL_ADMIN


def is_national(user) -> bool:
    return _signed_in(user) and user.role in (Role.NATIONAL_ANALYST, Role.NATIONAL_ADMIN)


def can_submit_returns(user) -> bool:
    """The trust's lead and administrator send its monthly return."""
    return _signed_in(user) and user.role in (Role.LEAD, Role.TRUST_ADMIN) and bool(user.trust_id)


def return_filter(user) -> Q | None:
    """Returns a person may see: their own trust's, or every trust's for national roles."""
    if is_national(user):
        return Q()
    if can_submit_returns(user):
        return Q(trust_id=user.trust_id)
    return None
