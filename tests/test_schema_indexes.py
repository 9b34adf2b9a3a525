"""The tables every create and every audited view write carry only indexes a reader uses.

Each index is written with every row, so an index that repeats the leading columns of another
costs every report and every view of one, and answers no query the other could not (ADR 0016).
"""

import pytest
from django.db import IntegrityError, connection, transaction

from staffsafe.audit.models import AuditEvent
from staffsafe.incidents.models import Incident, StaffAffected
from tests.factories import make_incident

WRITTEN_ON_EVERY_CREATE = [Incident, StaffAffected, AuditEvent]


def _indexes(model) -> dict[str, tuple[tuple[str, ...], bool]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name: (tuple(c["columns"]), c["unique"] or c["primary_key"])
            for name, c in found.items() if c["index"] or c["unique"] or c["primary_key"]}


@pytest.mark.django_db
@pytest.mark.parametrize("model", WRITTEN_ON_EVERY_CREATE, ids=lambda m: m.__name__)
def test_no_index_repeats_the_leading_columns_of_another(model):
    indexes = _indexes(model)
    repeats = [
        f"{name} {columns} is covered by {other} {other_columns}"
        for name, (columns, unique) in indexes.items() if not unique
        for other, (other_columns, _) in indexes.items()
        if other != name and other_columns[:len(columns)] == columns
    ]
    assert repeats == []


@pytest.mark.django_db
def test_the_lead_s_search_and_the_foreign_keys_keep_an_index_each():
    assert {("trust_id", "at"), ("trust_id", "action", "at"), ("object_id",), ("actor_id",)} <= {
        columns for columns, _ in _indexes(AuditEvent).values()}
    incident = {columns for columns, _ in _indexes(Incident).values()}
    assert {("trust_id", "status", "occurred_at"), ("unit_id", "status"),
            ("reported_by_id", "reported_at"), ("reference",)} <= incident
    assert ("incident_id",) in {columns for columns, _ in _indexes(StaffAffected).values()}


def test_two_incidents_can_never_share_a_reference(world):
    first = make_incident(world.reporter, world.ward)
    second = make_incident(world.reporter, world.ward)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=second.pk).update(reference=first.reference)
    second.refresh_from_db()
    assert second.reference != first.reference
