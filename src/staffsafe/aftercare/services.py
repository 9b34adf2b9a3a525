"""Every write of aftercare, RIDDOR, police and sanctions: keyword-only, transactional, audited.

Where the national data standard has a field for the same fact (police informed, police
outcome, the Emergency Workers Act, sanctions, RIDDOR, support offered), the incident is changed
through `incidents.services.incident_update` in the same transaction, so its rules, its version
check and its audit apply and the incident and the detail never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from staffsafe.accounts import scoping
from staffsafe.aftercare import deadlines
from staffsafe.aftercare.models import (
    MAX_TARGET_HOURS,
    AftercareRecord,
    AftercareTargets,
    CourtOutcome,
    Outcome,
    PoliceRecord,
    RiddorRecord,
    Sanction,
    Step,
)
from staffsafe.audit.services import Action, audit_record
from staffsafe.datastandard import codes
from staffsafe.datastandard.rules import Problem
from staffsafe.incidents import services as incident_services
from staffsafe.incidents.models import Incident

# A local pseudonymous reference (such as P-0042): never a name, so it must hold a digit.
PSEUDONYMOUS_REFERENCE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9/-]{0,19}$")
SYNC_ATTEMPTS = 3


@dataclass
class AftercareRejected(Exception):
    """The request breaks a rule; each problem names the field and says why."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{p.field}: {p.message}" for p in self.problems)


class AftercareRefused(Exception):
    """The person may not do this."""


class AftercareConflict(Exception):
    """Someone else changed the record since this person opened it."""


def _refuse_unless(allowed: bool, actor, incident: Incident | None, request) -> None:
    if allowed:
        return
    audit_record(actor=actor, action=Action.REFUSED, object_type="incident",
                 object_id=incident.pk if incident else "", request=request,
                 trust=getattr(actor, "trust", None), detail="Tried to change aftercare "
                 "outside what they manage.")
    raise AftercareRefused("Only the unit's manager or the trust's lead can do this.")


def _reject_if(problems: list[Problem]) -> None:
    if problems:
        raise AftercareRejected(problems)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: [_plain(before.get(name)), _plain(value)] for name, value in after.items()
            if _plain(before.get(name)) != _plain(value)}


def _occurred_on(incident: Incident) -> date:
    return timezone.localtime(incident.occurred_at).date()


def _date_problems(name: str, value: date | None, incident: Incident, what: str) -> list[Problem]:
    if value is None:
        return []
    if value > timezone.localdate():
        return [Problem(name, f"{what} cannot be in the future", "not_future", value)]
    if value < _occurred_on(incident):
        return [Problem(name, f"{what} cannot be before the incident happened",
                        "after_incident", value)]
    return []


def _sync_incident(*, actor, incident: Incident,
                   changes: dict[str, Any] | Callable[[Incident], dict[str, Any]],
                   expected_version: int | None, request) -> Incident:
    """Change the incident's own fields through its service.

    With the version the person's form was built on, a newer incident is a conflict. Without
    one (a targeted change, such as one more sanction code), the latest version is read again
    and the change (a function of it) worked out afresh.
    """
    for _ in range(SYNC_ATTEMPTS):
        current = Incident.objects.select_related("trust").get(pk=incident.pk)
        version = current.version if expected_version is None else expected_version
        try:
            return incident_services.incident_update(
                actor=actor, incident=current, expected_version=version,
                changes=changes(current) if callable(changes) else changes, request=request)
        except incident_services.IncidentEditConflict:
            if expected_version is not None:
                raise AftercareConflict(str(incident.pk)) from None
        except incident_services.IncidentRejected as rejected:
            raise AftercareRejected(rejected.problems) from None
    raise AftercareConflict(str(incident.pk))


# Targets -------------------------------------------------------------------------------------

def aftercare_targets_set(*, actor, hours: dict[str, int | None], request=None) -> AftercareTargets:
    """The lead sets the trust's targets (hours after the report; None: not tracked)."""
    _refuse_unless(scoping.can_set_aftercare_targets(actor), actor, None, request)
    problems = [
        Problem(f"{step}_hours", f"Enter a whole number of hours from 1 to {MAX_TARGET_HOURS}",
                "range", value)
        for step, value in hours.items()
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 1 <= value <= MAX_TARGET_HOURS)
    ]
    problems += [Problem(f"{step}_hours", "Unknown step", "unknown_step") for step in hours
                 if step not in Step.values]
    _reject_if(problems)
    with transaction.atomic():
        row = AftercareTargets.objects.select_for_update().filter(trust_id=actor.trust_id).first()
        before = deadlines.default_targets() if row is None else deadlines.row_targets(row)
        after = {**before, **hours}
        values = {f"{step}_hours": after[step] for step in Step.values}
        if row is None:
            row = AftercareTargets.objects.create(trust_id=actor.trust_id, updated_by=actor,
                                                  **values)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_by = actor
            row.save()
        audit_record(actor=actor, action=Action.CHANGE, object_type="aftercare_targets",
                     object_id=row.pk, trust=actor.trust, changes=_diff(before, after),
                     request=request, detail="Aftercare targets")
    return row


# Steps of support ----------------------------------------------------------------------------

# The incident's data-standard answer that a record of each outcome gives.
INCIDENT_ANSWERS: dict[str, dict[str, bool]] = {
    Step.WELLBEING_CONVERSATION: {Outcome.OFFERED: True, Outcome.ACCEPTED: True,
                                  Outcome.DECLINED: True},
    Step.DEBRIEF: {Outcome.OFFERED: True, Outcome.ACCEPTED: True, Outcome.DECLINED: True},
    Step.OCCUPATIONAL_HEALTH_REFERRAL: {Outcome.ACCEPTED: True, Outcome.DECLINED: False,
                                        Outcome.NOT_POSSIBLE: False},
}


def _record_problems(incident: Incident, step: str, outcome: str, happened_at: datetime,
                     note: str) -> list[Problem]:
    problems = []
    if step not in Step.values:
        problems.append(Problem("step", "Choose a step of support", "code_list", step))
    if outcome not in Outcome.values:
        problems.append(Problem("outcome", "Select what happened", "code_list", outcome))
    if happened_at > timezone.now():
        problems.append(Problem("happened_on", "The date and time cannot be in the future",
                                "not_future"))
    elif happened_at < incident.occurred_at:
        problems.append(Problem("happened_on", "The date and time cannot be before the "
                                "incident happened", "after_incident"))
    if len(note) > settings.FREE_TEXT_MAX_LENGTH:
        problems.append(Problem("note", f"The note must be {settings.FREE_TEXT_MAX_LENGTH:,} "
                                "characters or fewer", "too_long"))
    return problems


def aftercare_record_create(*, actor, incident: Incident, step: str, outcome: str,
                            happened_at: datetime, note: str = "",
                            request=None) -> AftercareRecord:
    """Record that a step of support was offered (and the answer), by whom and when."""
    _refuse_unless(scoping.can_manage_aftercare(actor, incident), actor, incident, request)
    _reject_if(_record_problems(incident, step, outcome, happened_at, note))
    with transaction.atomic():
        record = AftercareRecord.objects.create(
            incident=incident, step=step, outcome=outcome, happened_at=happened_at,
            note=note.strip(), recorded_by=actor)
        answer = INCIDENT_ANSWERS.get(step, {}).get(outcome)
        name = deadlines.INCIDENT_FIELD_FOR_STEP.get(step)
        if answer is not None and name:
            _sync_incident(actor=actor, incident=incident, changes={name: answer},
                           expected_version=None, request=request)
        audit_record(actor=actor, action=Action.CREATE, object_type="aftercare_record",
                     object_id=record.pk, trust=incident.trust, request=request,
                     changes={"step": [None, step], "outcome": [None, outcome],
                              "happened_at": [None, happened_at.isoformat()]},
                     detail=f"{incident.reference}: {step} {outcome}")
    return record


# RIDDOR --------------------------------------------------------------------------------------

def _riddor_problems(incident: Incident, reported_on: date | None,
                     hse_reference: str) -> list[Problem]:
    problems = _date_problems("reported_on", reported_on, incident, "The date it was reported")
    if hse_reference and reported_on is None:
        problems.append(Problem("reported_on", "Enter the date it was reported to HSE, with "
                                "the HSE reference", "required_with_reference"))
    if len(hse_reference) > 30:
        problems.append(Problem("hse_reference", "The HSE reference must be 30 characters or "
                                "fewer", "too_long"))
    if reported_on is not None and not deadlines.riddor_assessment(incident).reportable:
        problems.append(Problem(
            "reported_on", "The incident's record does not make this reportable. If the injury "
            "is a specified injury, set its severity to Severe; if they were off normal duties "
            "for more than 7 days, record the days absent. Then record the report",
            "not_reportable"))
    return problems


def _save_local(model: type, *, incident: Incident, record_version: int, values: dict[str, Any],
                actor) -> tuple[Any, dict[str, Any]]:
    """Create or update a one-per-incident record only if it is the version the person read."""
    record = model.objects.filter(incident=incident).first()
    if record is None:
        if record_version != 0:
            raise AftercareConflict(str(incident.pk))
        try:
            with transaction.atomic():
                return model.objects.create(incident=incident, updated_by=actor, **values), {}
        except IntegrityError:
            raise AftercareConflict(str(incident.pk)) from None
    before = {name: getattr(record, name) for name in values}
    if values == before:
        return record, before
    updated = model.objects.filter(pk=record.pk, version=record_version).update(
        version=F("version") + 1, updated_by=actor, updated_at=timezone.now(), **values)
    if not updated:
        raise AftercareConflict(str(incident.pk))
    record.refresh_from_db()
    return record, before


def riddor_report_save(*, actor, incident: Incident, expected_version: int, record_version: int,
                       reported_on: date | None, hse_reference: str = "",
                       request=None) -> RiddorRecord:
    """Record the report to HSE: the date on the incident, the HSE reference kept locally."""
    _refuse_unless(scoping.can_manage_aftercare(actor, incident), actor, incident, request)
    hse_reference = hse_reference.strip()
    _reject_if(_riddor_problems(incident, reported_on, hse_reference))
    assessment = deadlines.riddor_assessment(incident)
    with transaction.atomic():
        _sync_incident(actor=actor, incident=incident, expected_version=expected_version,
                       changes={"riddor_reportable": assessment.reportable,
                                "riddor_reported_on": reported_on}, request=request)
        record, before = _save_local(RiddorRecord, incident=incident,
                                     record_version=record_version, actor=actor,
                                     values={"hse_reference": hse_reference})
        audit_record(actor=actor, action=Action.CHANGE if before else Action.CREATE,
                     object_type="riddor", object_id=record.pk, trust=incident.trust,
                     changes=_diff(before, {"hse_reference": hse_reference}), request=request,
                     detail=f"{incident.reference}: {assessment.kind}")
    return record


# Police --------------------------------------------------------------------------------------

def _police_problems(police_informed: bool | None, police_outcome: str, crime_reference: str,
                     court_outcome: str) -> list[Problem]:
    problems = []
    if police_informed is not True:
        for name, value in (("crime_reference", crime_reference),
                            ("police_outcome", police_outcome),
                            ("court_outcome", court_outcome)):
            if value:
                problems.append(Problem(name, "Leave this empty unless the police were told",
                                        "only_when_informed", value))
    if police_outcome and police_outcome not in codes.POLICE_OUTCOME:
        problems.append(Problem("police_outcome", "Select a police outcome from the list",
                                "code_list", police_outcome))
    if court_outcome and court_outcome not in CourtOutcome.values:
        problems.append(Problem("court_outcome", "Select a court outcome from the list",
                                "code_list", court_outcome))
    elif court_outcome and police_informed is True and police_outcome != "charged":
        problems.append(Problem("court_outcome", "A court outcome is recorded only when the "
                                "police outcome is 'Charged'", "court_only_when_charged"))
    if len(crime_reference) > 40:
        problems.append(Problem("crime_reference", "The crime reference must be 40 characters "
                                "or fewer", "too_long"))
    return problems


def police_record_save(*, actor, incident: Incident, expected_version: int, record_version: int,
                       police_informed: bool | None, police_outcome: str = "",
                       emergency_worker_act_applies: bool | None = None,
                       crime_reference: str = "", court_outcome: str = "",
                       request=None) -> PoliceRecord:
    """Police details: the standard's fields on the incident, the crime reference locally."""
    _refuse_unless(scoping.can_manage_aftercare(actor, incident), actor, incident, request)
    crime_reference = crime_reference.strip()
    _reject_if(_police_problems(police_informed, police_outcome, crime_reference, court_outcome))
    local = {"crime_reference": crime_reference, "court_outcome": court_outcome}
    with transaction.atomic():
        _sync_incident(actor=actor, incident=incident, expected_version=expected_version,
                       changes={"police_informed": police_informed,
                                "police_outcome": police_outcome,
                                "emergency_worker_act_applies": emergency_worker_act_applies},
                       request=request)
        record, before = _save_local(PoliceRecord, incident=incident, actor=actor,
                                     record_version=record_version, values=local)
        audit_record(actor=actor, action=Action.CHANGE if before else Action.CREATE,
                     object_type="police_record", object_id=record.pk, trust=incident.trust,
                     changes=_diff(before, local), request=request, detail=incident.reference)
    return record


# Sanctions -----------------------------------------------------------------------------------

def _sanction_problems(incident: Incident, kind: str, perpetrator_reference: str,
                       decided_on: date, review_on: date) -> list[Problem]:
    problems = _date_problems("decided_on", decided_on, incident, "The date it was decided")
    if kind not in codes.CIVIL_ADMIN_SANCTION:
        problems.append(Problem("kind", "Select the kind of sanction", "code_list", kind))
    if perpetrator_reference and not PSEUDONYMOUS_REFERENCE.match(perpetrator_reference):
        problems.append(Problem(
            "perpetrator_reference", "Enter a local reference such as P-0042: up to 20 letters, "
            "digits, hyphens or slashes, with at least one digit. Never a name", "pseudonymous"))
    if review_on <= decided_on:
        problems.append(Problem("review_on", "The review date must be after the date it was "
                                "decided", "review_after_decision", review_on))
    return problems


def _ordered_codes(values: set[str]) -> list[str]:
    return [code for code in codes.CIVIL_ADMIN_SANCTION.values if code in values]


def sanction_add(*, actor, incident: Incident, kind: str, decided_on: date, review_on: date,
                 perpetrator_reference: str = "", request=None) -> Sanction:
    """Record a civil or administrative sanction with its first review date."""
    _refuse_unless(scoping.can_manage_aftercare(actor, incident), actor, incident, request)
    perpetrator_reference = perpetrator_reference.strip().upper()
    _reject_if(_sanction_problems(incident, kind, perpetrator_reference, decided_on, review_on))
    with transaction.atomic():
        sanction = Sanction.objects.create(
            incident=incident, kind=kind, perpetrator_reference=perpetrator_reference,
            decided_on=decided_on, review_on=review_on, recorded_by=actor)
        _sync_incident(actor=actor, incident=incident, expected_version=None, request=request,
                       changes=lambda current: {"civil_admin_sanctions": _ordered_codes(
                           {*(current.civil_admin_sanctions or []), kind})})
        audit_record(actor=actor, action=Action.CREATE, object_type="sanction",
                     object_id=sanction.pk, trust=incident.trust, request=request,
                     changes={"kind": [None, kind], "review_on": [None, review_on.isoformat()]},
                     detail=f"{incident.reference}: {kind}")
    return sanction


def _review_problems(sanction: Sanction, reviewed_on: date, keep: bool,
                     next_review_on: date | None) -> list[Problem]:
    problems = []
    if reviewed_on > timezone.localdate():
        problems.append(Problem("reviewed_on", "The review date cannot be in the future",
                                "not_future", reviewed_on))
    elif reviewed_on < sanction.decided_on:
        problems.append(Problem("reviewed_on", "The review cannot be before the sanction was "
                                "decided", "after_decision", reviewed_on))
    if keep and next_review_on is None:
        problems.append(Problem("next_review_on", "Enter the date of the next review",
                                "required"))
    elif keep and next_review_on is not None and next_review_on <= reviewed_on:
        problems.append(Problem("next_review_on", "The next review must be after this review",
                                "next_after_review", next_review_on))
    if sanction.ended_on is not None:
        problems.append(Problem("decision", "This sanction has already ended", "ended"))
    return problems


def sanction_review(*, actor, sanction: Sanction, expected_version: int, reviewed_on: date,
                    keep: bool, next_review_on: date | None = None, request=None) -> Sanction:
    """Record a review: keep the sanction until a next review, or end it."""
    incident = sanction.incident
    _refuse_unless(scoping.can_manage_aftercare(actor, incident), actor, incident, request)
    _reject_if(_review_problems(sanction, reviewed_on, keep, next_review_on))
    after = {"last_reviewed_on": reviewed_on,
             "review_on": next_review_on if keep else sanction.review_on,
             "ended_on": None if keep else reviewed_on}
    before = {name: getattr(sanction, name) for name in after}
    with transaction.atomic():
        updated = Sanction.objects.filter(pk=sanction.pk, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now(), **after)
        if not updated:
            raise AftercareConflict(str(sanction.pk))
        audit_record(actor=actor, action=Action.CHANGE, object_type="sanction",
                     object_id=sanction.pk, trust=incident.trust, request=request,
                     changes=_diff(before, after),
                     detail=f"{incident.reference}: {'kept' if keep else 'ended'}")
    sanction.refresh_from_db()
    return sanction
