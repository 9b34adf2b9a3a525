"""Every write to incidents. The web form, the API and the importer all come through here.

Each write is one transaction that also records its audit event, so an acknowledged report is
never lost and never half-written.
"""

from __future__ import annotations

import contextlib
import functools
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model
from django.utils import timezone

from staffsafe.accounts import scoping
from staffsafe.analytics import services as analytics_services
from staffsafe.audit.models import AuditEvent
from staffsafe.audit.services import Action, audit_event, audit_record
from staffsafe.core import rawsql
from staffsafe.datastandard import rules
from staffsafe.incidents.models import (
    Incident,
    ReferenceCounter,
    ReportDraft,
    StaffAffected,
    Status,
)
from staffsafe.organisations.models import Trust, Unit

INCIDENT_FIELDS = (
    "setting", "occurred_at", "reporter_role", "category", "method", "hate_motivated",
    "hate_characteristics", "perpetrator_count", "perpetrator_type", "perpetrator_age_band",
    "mental_health_act_detained", "medical_factors", "factors", "security_attended",
    "police_informed", "police_outcome", "emergency_worker_act_applies",
    "civil_admin_sanctions", "body_worn_camera_footage", "restrictive_intervention_followed",
    "riddor_reportable", "riddor_reported_on", "debrief_offered",
    "wellbeing_conversation_offered", "occupational_health_referral", "risk_assessment_updated",
    "description", "feedback", "on_behalf_of_colleague", "confidential",
)
STAFF_FIELDS = (
    "staff_group", "employment_type", "patient_facing", "lone_working", "activity", "injury",
    "injury_severity", "treatment", "psychological_impact", "days_absent",
)
# Fields a reporter gives; the rest are completed by the manager in triage.
FREE_TEXT_FIELDS = ("description", "feedback")
NULLABLE_TEXT_DEFAULTS = {"perpetrator_age_band", "mental_health_act_detained", "police_outcome",
                          "body_worn_camera_footage", "employment_type", "activity",
                          "injury_severity", "treatment"}
ALLOWED_TRANSITIONS = {
    Status.SUBMITTED: {Status.IN_REVIEW, Status.CLOSED},
    Status.IN_REVIEW: {Status.CLOSED},
    Status.CLOSED: {Status.IN_REVIEW},
}


@dataclass
class IncidentRejected(Exception):
    """The request breaks a rule; `problems` say which field and why."""

    problems: list[rules.Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{p.field}: {p.message}" for p in self.problems)


class IncidentRefused(Exception):
    """The person may not do this (another trust's unit or incident, or not their role)."""


class IncidentIdConflict(Exception):
    """The client-supplied id is already used by a different report."""


class IncidentEditConflict(Exception):
    """Someone else changed the incident since this person opened it."""


@dataclass(frozen=True)
class CreateResult:
    incident: Incident
    created: bool
    # The incident's staff rows, in order: the answer is built from them without reading back.
    staff: list[StaffAffected]


def _text_problems(values: dict[str, Any]) -> list[rules.Problem]:
    limit = settings.FREE_TEXT_MAX_LENGTH
    return [
        rules.Problem(name, f"{name.capitalize()} must be {limit:,} characters or fewer "
                      f"(it has {len(values[name]):,}).", "too_long")
        for name in FREE_TEXT_FIELDS
        if isinstance(values.get(name), str) and len(values[name]) > limit
    ]


def _record(values: dict[str, Any], staff: list[dict[str, Any]], *, sector: str,
            reported_at: datetime) -> dict[str, Any]:
    return {**values, "sector": sector, "reported_at": reported_at, "staff": staff}


def _clean_staff(staff: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for member in staff:
        row = {name: member.get(name) for name in STAFF_FIELDS}
        for name in NULLABLE_TEXT_DEFAULTS & set(row):
            row[name] = row[name] or ""
        cleaned.append(row)
    return cleaned


_NEW_COUNTER_ROW = "VALUES (%s, %s, 1)"
_NEXT_NUMBER_SQL = (
    # One statement takes the row lock, counts on and returns the number: no race on a year's
    # first report, and the lock is held only from here to the commit.
    "INSERT INTO {table} (trust_id, year, last) " + _NEW_COUNTER_ROW + " "
    "ON CONFLICT (trust_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING "
)
# A reference is the trust's ODS code, the year and the year's number, at least six digits.
_REFERENCE_PREFIX = "{ods_code}-{year}-"
_NUMBER_DIGITS = 6


def _reference_prefix(unit: Unit, year: int) -> str:
    return _REFERENCE_PREFIX.format(ods_code=unit.trust.ods_code, year=year)


def _next_reference(unit: Unit, year: int) -> str:
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_NUMBER_SQL.format(table=table) + "last", [unit.trust_id, year])
        (number,) = cursor.fetchone()
    return f"{_reference_prefix(unit, year)}{number:0{_NUMBER_DIGITS}d}"


@functools.cache
def _together_sql(checked: bool) -> str:
    """PostgreSQL: the counter, the incident, its staff rows, its stale month and its audit event
    in one statement; the statement's parts are filled in by `_write_together`.

    `checked`: the counter counts on only while the unit's row still holds the values the
    process remembered for it, and its trust's row the values the create used (`_unit_check_sql`).
    If not, the counter gives no reference, the parts that take it fail their NOT NULL and
    nothing is written (`_unit_changed`)."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    # The same reference as `_next_reference`: lpad alone would cut a seventh digit off.
    reference = (f"%s::text || lpad(last::text, greatest({_NUMBER_DIGITS}, "
                 f"length(last::text)), '0') AS reference")
    counter = _NEXT_NUMBER_SQL.format(table=table)
    if checked:
        # The counter's new row, given only while the check holds (`_NEW_COUNTER_ROW` is the
        # part of `_NEXT_NUMBER_SQL` this replaces).
        counter = counter.replace(_NEW_COUNTER_ROW,
                                  f"SELECT %s, %s, 1 WHERE {_unit_check_sql()}")
    return (
        f"WITH counter AS ({counter}{reference}), "  # noqa: S608
        "incident AS ({incident}), staff AS ({staff}), stale AS ({stale}), event AS ({event}) "
        "SELECT (SELECT reference FROM counter), ARRAY(SELECT id FROM staff ORDER BY id)"
    )


def _unit_check_sql() -> str:
    """True while the unit's row, and its trust's, hold the given values, column by column
    (`_unit_check`): the unit as remembered, the trust as the reporter's request holds it."""
    quote = connection.ops.quote_name
    same = " AND ".join(
        f"{alias}.{quote(f.column)} IS NOT DISTINCT FROM %s"
        for alias, model in (("u", Unit), ("t", Trust))
        for f in model._meta.concrete_fields if not f.primary_key)
    return (f"EXISTS (SELECT 1 FROM {rawsql.table(Unit, connection)} u "  # noqa: S608
            f"INNER JOIN {rawsql.table(Trust, connection)} t "
            f"ON t.{quote(Trust._meta.pk.column)} = u.{quote('trust_id')} "
            f"WHERE u.{quote(Unit._meta.pk.column)} = %s AND {same})")


def _unit_check(unit: Unit) -> list[Any]:
    """The parameters of `_unit_check_sql`: the unit's values as this process remembers them,
    and its trust's as the create is about to use them."""
    return [unit.pk] + [
        f.get_db_prep_value(getattr(instance, f.attname), connection)
        for instance in (unit, unit.trust)
        for f in type(instance)._meta.concrete_fields if not f.primary_key]


def _unit_changed(error: IntegrityError) -> bool:
    """Whether a checked statement failed because the unit's row had changed: its counter gave no
    reference, so a part that takes the reference (the incident's `reference`, the audit event's
    `detail`, whichever PostgreSQL wrote first) broke its NOT NULL. A duplicate id fails
    differently (a unique violation)."""
    import psycopg

    cause = error.__cause__
    return isinstance(cause, psycopg.errors.NotNullViolation) and (
        cause.diag.table_name, cause.diag.column_name) in {
        (Incident._meta.db_table, "reference"), (AuditEvent._meta.db_table, "detail")}


_FROM_COUNTER = ("(SELECT reference FROM counter)", [])


def _write_together(unit: Unit, year: int, incident: Incident, staff: list[StaffAffected],
                    stale: list[Model], event: AuditEvent, *, checked: bool = False) -> None:
    """One statement, so one round trip and, outside a transaction, its own transaction. A
    duplicate id fails it whole: the counter's increment goes with it; so does a unit that is no
    longer as remembered (`checked`). The rules have made sure of at least one staff row and an
    `occurred_at` (so one stale month)."""
    parts = {
        "incident": rawsql.insert_sql([incident], connection,
                                      computed={"reference": _FROM_COUNTER}),
        "staff": rawsql.insert_sql(staff, connection),
        "stale": rawsql.insert_sql(stale, connection),
        "event": rawsql.insert_sql([event], connection, computed={"detail": _FROM_COUNTER}),
    }
    sql = _together_sql(checked).format(**{name: text for name, (text, _) in parts.items()})
    params = [unit.trust_id, year, *(_unit_check(unit) if checked else ()),
              _reference_prefix(unit, year)]
    for _, values in parts.values():
        params += values
    with _own_transaction():
        reference, staff_ids = rawsql.execute_numbered(connection, sql, params)
    incident.reference = event.detail = reference
    rawsql.inserted([incident, *stale, event], None, connection)
    rawsql.inserted(staff, staff_ids, connection)


def _write_in_steps(unit: Unit, year: int, incident: Incident, staff: list[StaffAffected],
                    stale: list[Model], event: AuditEvent) -> None:
    """The same writes one statement at a time, in one transaction (SQLite, or a model with a
    save receiver)."""
    with transaction.atomic():
        # What needs no reference goes first: the reference counter's row lock is held from
        # `_next_reference` to the commit, and serialises the trust's creates. The staff rows'
        # foreign key is checked at the commit, when the incident is there.
        rawsql.insert_new(staff, connection)
        rawsql.insert_new(stale, connection)
        incident.reference = event.detail = _next_reference(unit, year)
        rawsql.save_new(incident, connection)
        rawsql.save_new(event, connection)


def _own_transaction() -> contextlib.AbstractContextManager:
    """Outside a transaction a statement is its own; inside the caller's (or with autocommit
    off), a savepoint lets a failed statement (a duplicate id) leave it usable."""
    if connection.in_atomic_block or not connection.get_autocommit():
        return transaction.atomic()
    return contextlib.nullcontext()


def _refuse_unit(actor, unit_id: object, request) -> None:
    audit_record(actor=actor, action=Action.REFUSED, object_type="unit", object_id=unit_id,
                 trust=getattr(actor, "trust", None), request=request,
                 detail="Tried to report against a unit outside their trust.")


_REPLAY_JOINS = (("trust", "t"), ("unit", "u"), ("reported_by", "r"))


@functools.cache
def _replay_sql(vendor: str) -> tuple[str, str]:
    """The incident with what its answer names (select_related), then its staff rows."""
    quote = connection.ops.quote_name
    joined = [(Incident._meta.get_field(name), alias) for name, alias in _REPLAY_JOINS]
    incident = (
        f"SELECT {rawsql.columns(Incident, 'i', connection)}, "  # noqa: S608
        + ", ".join(rawsql.columns(f.related_model, a, connection) for f, a in joined)
        + f" FROM {rawsql.table(Incident, connection)} i "
        + " ".join(f"INNER JOIN {rawsql.table(f.related_model, connection)} {a} "
                   f"ON {a}.{quote(f.target_field.column)} = i.{quote(f.column)}"
                   for f, a in joined)
        + f" WHERE i.{quote('id')} = %s"
    )
    staff = (
        f"SELECT {rawsql.columns(StaffAffected, 's', connection)} "  # noqa: S608
        f"FROM {rawsql.table(StaffAffected, connection)} s "
        f"WHERE s.{quote('incident_id')} = %s ORDER BY s.{quote('id')}"
    )
    return incident, staff


def _replay(incident_id: uuid.UUID, actor) -> CreateResult:
    """The first create's incident and staff rows, for the same answer again."""
    incident_sql, staff_sql = _replay_sql(connection.vendor)
    key = Incident._meta.pk.get_db_prep_value(incident_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(incident_sql, [key])
        row = cursor.fetchone()
        if row is None:
            raise Incident.DoesNotExist(str(incident_id))
        cursor.execute(staff_sql, [key])
        staff_rows = cursor.fetchall()
    start, end = 0, rawsql.width(Incident)
    existing = rawsql.instance(Incident, row[start:end], connection)
    for name, _ in _REPLAY_JOINS:
        relation = Incident._meta.get_field(name)
        start, end = end, end + rawsql.width(relation.related_model)
        related = rawsql.instance(relation.related_model, row[start:end], connection)
        relation.set_cached_value(existing, related)
    if existing.reported_by_id != actor.pk:
        raise IncidentIdConflict(str(existing.pk))
    staff = [rawsql.instance(StaffAffected, values, connection) for values in staff_rows]
    return CreateResult(existing, created=False, staff=staff)


@functools.cache
def _unit_sql(vendor: str) -> str:
    """Whether the id is taken, and the unit with its trust: one statement before the write."""
    quote = connection.ops.quote_name
    return (
        f"SELECT EXISTS (SELECT 1 FROM {rawsql.table(Incident, connection)} "  # noqa: S608
        f"WHERE {quote('id')} = %s), "
        f"{rawsql.columns(Unit, 'u', connection)}, {rawsql.columns(Trust, 't', connection)} "
        f"FROM (SELECT 1) AS one "
        f"LEFT OUTER JOIN {rawsql.table(Unit, connection)} u ON u.{quote('id')} = %s "
        f"LEFT OUTER JOIN {rawsql.table(Trust, connection)} t "
        f"ON t.{quote('id')} = u.{quote('trust_id')}"
    )


def _existing_or_unit(incident_id: uuid.UUID, unit_id: object) -> tuple[bool, Unit | None]:
    """(the incident exists, the unit with its trust or None), without compiling a QuerySet."""
    params = [Incident._meta.pk.get_db_prep_value(incident_id, connection),
              Unit._meta.pk.get_prep_value(unit_id)]
    with connection.cursor() as cursor:
        cursor.execute(_unit_sql(connection.vendor), params)
        row = cursor.fetchone()
    split = 1 + rawsql.width(Unit)
    if row[0] or row[1] is None:
        return bool(row[0]), None
    unit = rawsql.instance(Unit, row[1:split], connection)
    Unit.trust.field.set_cached_value(unit, rawsql.instance(Trust, row[split:], connection))
    return False, unit


def _model_values(values: dict[str, Any]) -> dict[str, Any]:
    clean = {name: values.get(name) for name in INCIDENT_FIELDS if name in values}
    for name in NULLABLE_TEXT_DEFAULTS & set(clean):
        clean[name] = clean[name] or ""
    for name in ("method", "hate_characteristics", "factors", "civil_admin_sanctions"):
        if name in clean:
            clean[name] = list(clean[name] or [])
    for name in FREE_TEXT_FIELDS:
        if name in clean:
            clean[name] = clean[name] or ""
    return clean


# Units this process has read, by id: (trust id, the unit's column values). A create on
# PostgreSQL for a remembered unit skips reading it; its one statement checks that the row still
# holds these values (and the trust's row the reporter's) and writes nothing if not
# (`_together_sql`). At most this many.
_UNITS_REMEMBERED = 10_000
_units: dict[int, tuple[int, tuple[Any, ...]]] = {}


def _remember_unit(unit: Unit) -> None:
    if len(_units) >= _UNITS_REMEMBERED:
        _units.clear()
    _units[unit.pk] = (unit.trust_id, tuple(getattr(unit, f.attname)
                                            for f in Unit._meta.concrete_fields))


def _remembered_unit(unit_id: object, actor) -> Unit | None:
    """The unit as this process last read it, if it did and the unit was in `actor`'s trust."""
    try:
        known = _units.get(Unit._meta.pk.get_prep_value(unit_id))
    except (TypeError, ValueError):
        return None
    if known is None or known[0] != actor.trust_id:
        return None
    unit = Unit.from_db(connection.alias, None, known[1])
    Unit.trust.field.set_cached_value(unit, actor.trust)
    return unit


def _unit_read_first(actor, incident_id: uuid.UUID, unit_id: object, request) -> Unit | None:
    """The unit, read together with whether the id is taken: None if it is (the create answers
    with the first incident). Another trust's unit, or none, is refused."""
    exists, unit = _existing_or_unit(incident_id, unit_id)
    if exists:
        return None
    if unit is None or unit.trust_id != actor.trust_id:
        if unit is not None:
            _refuse_unit(actor, unit_id, request)
        raise IncidentRejected([rules.Problem("unit", "Choose a unit from your own trust.",
                                              "unit_in_trust", unit_id)])
    return unit


@dataclass
class _NewRows:
    incident: Incident
    staff: list[StaffAffected]
    stale: list[Model]
    event: AuditEvent


def _new_rows(actor, unit: Unit, incident_id: uuid.UUID, values: dict[str, Any],
              staff: list[dict[str, Any]], reported_at: datetime | None, request) -> _NewRows:
    """The rows a create writes, unsaved, once the rules pass (IncidentRejected if not)."""
    now = timezone.now()
    reported_at = reported_at or now
    values = _model_values(values)
    values["setting"] = values.get("setting") or unit.default_setting
    staff = _clean_staff(staff)
    problems = _text_problems(values) + rules.incident_problems(
        _record(values, staff, sector=unit.trust.sector, reported_at=reported_at), now=now
    )
    if problems:
        raise IncidentRejected(problems)
    incident = Incident(
        id=incident_id, trust=unit.trust, unit=unit, reported_by=actor, sector=unit.trust.sector,
        reported_at=reported_at, status=Status.SUBMITTED, **values,
    )
    return _NewRows(
        incident=incident,
        staff=[StaffAffected(incident=incident, **member) for member in staff],
        stale=analytics_services.stale_months(unit.trust_id, [incident.occurred_at]),
        event=audit_event(actor=actor, action=Action.CREATE, object_type="incident",
                          object_id=incident.pk, trust=unit.trust, request=request),
    )


def _write(unit: Unit, rows: _NewRows, *, together: bool, checked: bool) -> None:
    parts = (unit, rows.incident.reported_at.year, rows.incident, rows.staff, rows.stale,
             rows.event)
    if together:
        _write_together(*parts, checked=checked)
    else:
        _write_in_steps(*parts)


def incident_create(
    *,
    actor,
    unit_id: int,
    values: dict[str, Any],
    staff: list[dict[str, Any]],
    incident_id: uuid.UUID | None = None,
    reported_at: datetime | None = None,
    request=None,
) -> CreateResult:
    """Record a new incident for `actor`'s trust. Idempotent on `incident_id`."""
    if not scoping.can_report(actor):
        raise IncidentRefused("Only members of a trust can report incidents.")
    incident_id = incident_id or uuid.uuid4()
    together = connection.vendor == "postgresql" and rawsql.saved_quietly(Incident, AuditEvent)
    create = functools.partial(_create, actor, unit_id, incident_id, values, staff, reported_at,
                               request, together=together)
    if together and (unit := _remembered_unit(unit_id, actor)) is not None:
        try:
            return create(unit)
        except _ReadUnitFirst:
            # Rejected, or the unit changed or went since this process read it: start again,
            # reading it first (and remembering it afresh if it is still the trust's).
            _units.pop(unit.pk, None)
    return create(None)


class _ReadUnitFirst(Exception):
    """A create with a remembered unit must start again and read the unit first."""


def _create(actor, unit_id: object, incident_id: uuid.UUID, values: dict[str, Any],
            staff: list[dict[str, Any]], reported_at: datetime | None, request,
            remembered: Unit | None, *, together: bool) -> CreateResult:
    """The create with the unit remembered (checked by the write) or, if None, read first.

    With a remembered unit nothing is read before the write: a duplicate id fails the write and
    the create answers with the first incident. A request the rules reject reads the unit (and
    whether the id is taken) before saying so, so that a retry answers with the first incident,
    and another trust's unit is refused and audited, exactly as when the unit is read first."""
    unit = remembered
    if unit is None:
        unit = _unit_read_first(actor, incident_id, unit_id, request)
        if unit is None:
            return _replay(incident_id, actor)
        if together:
            _remember_unit(unit)
    try:
        rows = _new_rows(actor, unit, incident_id, values, staff, reported_at, request)
    except IncidentRejected:
        if remembered is None:
            raise
        raise _ReadUnitFirst from None
    try:
        _write(unit, rows, together=together, checked=remembered is not None)
    except IntegrityError as error:
        if remembered is not None and _unit_changed(error):
            raise _ReadUnitFirst from error
        if not Incident.objects.filter(pk=incident_id).exists():
            raise
        return _replay(incident_id, actor)
    return CreateResult(rows.incident, created=True, staff=rows.staff)


def incident_record(incident: Incident) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The incident's current values and staff rows, as the service and forms name them."""
    values = {name: getattr(incident, name) for name in INCIDENT_FIELDS}
    values["status"] = incident.status
    staff = [{name: getattr(m, name) for name in STAFF_FIELDS} for m in incident.staff.all()]
    return values, staff


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    def plain(value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else value

    return {
        name: [plain(before.get(name)), plain(after[name])]
        for name in after
        if plain(before.get(name)) != plain(after[name])
    }


def _check_transition(current: str, wanted: str, record: dict[str, Any]) -> list[rules.Problem]:
    if wanted == current:
        return []
    if wanted not in ALLOWED_TRANSITIONS.get(current, set()):
        return [rules.Problem("status", f"An incident cannot move from {current} to {wanted}.",
                              "transition", wanted)]
    if wanted == Status.CLOSED:
        return rules.completeness_problems(record)
    return []


def incident_update(
    *,
    actor,
    incident: Incident,
    expected_version: int,
    changes: dict[str, Any],
    staff: list[dict[str, Any]] | None = None,
    status: str | None = None,
    request=None,
) -> Incident:
    """Complete, correct or move an incident on. Refuses a stale version rather than overwrite."""
    if not scoping.can_manage_incident(actor, incident):
        raise IncidentRefused("Only the unit's manager or the trust's lead can change this.")
    before, before_staff = incident_record(incident)
    after = {**before, **_model_values(changes)}
    after_staff = _clean_staff(staff) if staff is not None else before_staff
    wanted = status or incident.status
    record = _record(after, after_staff, sector=incident.sector, reported_at=incident.reported_at)
    problems = (_text_problems(after) + rules.incident_problems(record, now=timezone.now())
                + _check_transition(incident.status, wanted, record))
    if problems:
        raise IncidentRejected(problems)
    after["status"] = wanted
    difference = _diff(before, after)
    if after_staff != before_staff:
        difference["staff"] = [before_staff, after_staff]
    if not difference:
        return incident
    with transaction.atomic():
        fields = {k: v for k, v in after.items() if k in INCIDENT_FIELDS or k == "status"}
        if "feedback" in difference:
            fields["feedback_at"] = timezone.now()
        updated = Incident.objects.filter(pk=incident.pk, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now(), **fields
        )
        if updated == 0:
            raise IncidentEditConflict(str(incident.pk))
        if staff is not None:
            incident.staff.all().delete()
            StaffAffected.objects.bulk_create(
                [StaffAffected(incident_id=incident.pk, **member) for member in after_staff]
            )
        audit_record(actor=actor, action=Action.CHANGE, object_type="incident",
                     object_id=incident.pk, trust=incident.trust, changes=difference,
                     request=request, detail=incident.reference)
        analytics_services.trust_months_stale(
            incident.trust_id, [before.get("occurred_at"), after.get("occurred_at")])
    return Incident.objects.prefetch_related("staff").get(pk=incident.pk)


def report_draft_save(*, user, answers: dict[str, Any]) -> ReportDraft:
    draft, _ = ReportDraft.objects.get_or_create(user=user)
    draft.answers = {**draft.answers, **answers}
    draft.save(update_fields=["answers", "updated_at"])
    return draft


def report_draft_discard(*, user) -> None:
    ReportDraft.objects.filter(user=user).delete()
