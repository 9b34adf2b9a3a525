"""Writing audit events: services call `audit_record` inside their own transaction."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest

from staffsafe.audit.models import AuditEvent
from staffsafe.core import rawsql

Action = AuditEvent.Action


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_event(
    *,
    actor: Any,
    action: str,
    object_type: str = "",
    object_id: object = "",
    trust: Any = None,
    changes: dict[str, Any] | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """The event, not yet written: `audit_record` writes it, or a service writes it with the
    rest of its change in one statement."""
    real_actor = actor if getattr(actor, "pk", None) else None
    return AuditEvent(
        actor=real_actor,
        actor_label=actor_label or (real_actor.get_username() if real_actor else ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        trust=trust,
        changes=changes or {},
        detail=detail[:300],
        ip_address=client_address(request),
    )


def audit_record(**kwargs: Any) -> AuditEvent:
    """Record an event (the arguments of `audit_event`) in the caller's transaction."""
    # AuditEvent.save() only refuses to change a saved event; this one is new.
    return rawsql.save_new(audit_event(**kwargs), connection)
