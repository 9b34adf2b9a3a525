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


# The Violence Prevention and Reduction Standard (see docs/adr/0011-standard-self-assessment.md).


def can_assess_standard(user) -> bool:
    """The trust's lead runs its self-assessment against the Standard: the only writer."""
    return _signed_in(user) and user.role == Role.LEAD and user.trust_id is not None


def can_view_self_assessment(user) -> bool:
    """The lead, and managers (who own actions and evidence), read their own trust's
    self-assessment. Trust administrators, reporters and national roles do not."""
    return (_signed_in(user) and user.role in (Role.LEAD, Role.MANAGER)
            and user.trust_id is not None)


def self_assessment_filter(user) -> Q | None:
    """The self-assessment reviews a person may see: their own trust's, or none."""
    if not can_view_self_assessment(user):
        return None
    return Q(trust_id=user.trust_id)


def can_read_standard_catalogues(user) -> bool:
    """Indicator catalogues are national reference data: everyone signed in may read them."""
    return _signed_in(user)


def can_load_standard_catalogue(user) -> bool:
    """Only the national administrator loads a catalogue, for every trust at once."""
    return can_administer_national(user)


# Aftercare, RIDDOR, police and sanctions, and the task list (see staffsafe.aftercare).


def can_manage_aftercare(user, incident) -> bool:
    """Support, RIDDOR, police and sanctions are kept by whoever manages the incident."""
    return can_manage_incident(user, incident)


def can_see_tasks(user) -> bool:
    """Managers (for their units) and the lead (for the trust) have a task list."""
    return can_triage(user) and user.trust_id is not None


def can_set_aftercare_targets(user) -> bool:
    return _signed_in(user) and user.role == Role.LEAD and user.trust_id is not None


def managed_incident_filter(user) -> Q | None:
    """The query form of `can_manage_incident`: a manager's units, the lead's whole trust.

    Unlike `incident_filter` it leaves out a manager's own reports from other units: their tasks
    are for the units they manage. None when the person manages no incident.
    """
    if not can_see_tasks(user):
        return None
    if user.role == Role.LEAD:
        return Q(trust_id=user.trust_id)
    return Q(trust_id=user.trust_id, unit__in=user.units.all())


# Dashboards and the board report (see staffsafe.analytics and docs/adr/0012-dashboard-rollups.md).


def can_see_trust_dashboard(user) -> bool:
    """The trust's lead (the whole trust) and managers (their units) read the trust dashboard.

    Reporters and trust administrators do not: a dashboard is built from other people's
    incidents. National roles see the national dashboard instead, never one trust's records.
    """
    return can_see_tasks(user)


def dashboard_incident_filter(user) -> Q | None:
    """The incidents a dashboard counts: the lead's whole trust, a manager's units only."""
    if not can_see_trust_dashboard(user):
        return None
    return managed_incident_filter(user)


def dashboard_covers_whole_trust(user) -> bool:
    """Rates per 1,000 staff need the whole trust's headcount: only the lead's view has it."""
    return can_see_trust_dashboard(user) and user.role == Role.LEAD


def can_download_board_report(user) -> bool:
    """The board report is the trust's, so only the trust's lead produces it."""
    return dashboard_covers_whole_trust(user)


def can_see_national_dashboard(user) -> bool:
    """National roles: aggregates with disclosure control, never a row."""
    return is_national(user)


def can_load_staff_survey(user) -> bool:
    """NHS Staff Survey results are national reference data for every trust at once."""
    return can_administer_national(user)
