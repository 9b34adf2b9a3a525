"""Writes about people: accounts, API tokens and the audit of signing in and out."""

from __future__ import annotations

import functools
import hashlib
import secrets

from django.db import connection, transaction
from django.utils import timezone

from staffsafe.accounts.models import ApiToken, User
from staffsafe.audit.services import Action, audit_record
from staffsafe.core import rawsql
from staffsafe.organisations.models import Trust

TOKEN_PREFIX_LENGTH = 8


def _digest(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is safe here and keeps API calls quick.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "", actor: User | None = None) -> str:
    """Make a bearer token and return it once; only its digest is kept."""
    prefix = secrets.token_hex(TOKEN_PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=_digest(secret))
    audit_record(actor=actor or user, action=Action.CREATE, object_type="api_token",
                 object_id=prefix, trust=user.trust, detail=f"API token for {user.username}")
    return f"ss_{prefix}_{secret}"


@functools.cache
def _token_sql(vendor: str) -> str:
    """The token's digest, its user and the user's trust: one statement on every API call."""
    quote = connection.ops.quote_name
    return (
        f"SELECT k.{quote('digest')}, {rawsql.columns(User, 'u', connection)}, "  # noqa: S608
        f"{rawsql.columns(Trust, 't', connection)} "
        f"FROM {rawsql.table(ApiToken, connection)} k "
        f"INNER JOIN {rawsql.table(User, connection)} u ON u.{quote('id')} = k.{quote('user_id')} "
        f"LEFT OUTER JOIN {rawsql.table(Trust, connection)} t "
        f"ON t.{quote('id')} = u.{quote('trust_id')} "
        f"WHERE k.{quote('prefix')} = %s AND k.{quote('revoked_at')} IS NULL"
    )


def api_token_user(token: str) -> User | None:
    """The active user a bearer token belongs to, or None. Read afresh on every request, so a
    revoked token or a deactivated account stops working at once."""
    try:
        marker, prefix, secret = token.split("_", 2)
    except ValueError:
        return None
    if marker != "ss":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(connection.vendor), [prefix])
        row = cursor.fetchone()
    if row is None or not secrets.compare_digest(row[0], _digest(secret)):
        return None
    split = 1 + rawsql.width(User)
    user = rawsql.instance(User, row[1:split], connection)
    if not user.is_active:
        return None
    trust = rawsql.instance(Trust, row[split:], connection) if user.trust_id else None
    User.trust.field.set_cached_value(user, trust)
    return user


def api_token_revoke(*, prefix: str, actor: User | None = None) -> bool:
    updated = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(updated)


def record_sign_in(*, user: User, request) -> None:
    audit_record(actor=user, action=Action.SIGN_IN, object_type="user", object_id=user.pk,
                 trust=user.trust, request=request)


def record_sign_out(*, user: User | None, request) -> None:
    if user is None or not user.is_authenticated:
        return
    audit_record(actor=user, action=Action.SIGN_OUT, object_type="user", object_id=user.pk,
                 trust=user.trust, request=request)


def record_failed_sign_in(*, username: str, request) -> None:
    known = User.objects.filter(username=username).select_related("trust").first()
    audit_record(actor=None, actor_label=username[:150], action=Action.SIGN_IN_FAILED,
                 object_type="user", object_id=known.pk if known else "",
                 trust=known.trust if known else None, request=request)


def _check_trust_role(role: str) -> None:
    from django.core.exceptions import ValidationError

    from staffsafe.accounts.models import TRUST_ROLES

    if role not in TRUST_ROLES:
        raise ValidationError({"role": "Choose a role within the trust."})


@transaction.atomic
def user_create(*, actor: User, username: str, first_name: str, last_name: str, email: str,
                role: str, staff_group: str, unit_ids: list[int], password: str) -> User:
    """A trust administrator adds a person to their own trust."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    _check_trust_role(role)
    user = User(username=username.strip(), first_name=first_name.strip(),
                last_name=last_name.strip(), email=email.strip(), role=role,
                staff_group=staff_group, trust=actor.trust)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.full_clean()
    user.save()
    user.units.set(actor.trust.units.filter(pk__in=unit_ids))
    audit_record(actor=actor, action=Action.CREATE, object_type="user", object_id=user.pk,
                 trust=actor.trust, detail=f"{user.username} as {user.get_role_display()}")
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, role: str, staff_group: str, unit_ids: list[int],
                is_active: bool) -> User:
    _check_trust_role(role)
    before = {"role": user.role, "staff_group": user.staff_group, "is_active": user.is_active,
              "units": sorted(user.units.values_list("pk", flat=True))}
    units = list(actor.trust.units.filter(pk__in=unit_ids))
    after = {"role": role, "staff_group": staff_group, "is_active": is_active,
             "units": sorted(u.pk for u in units)}
    user.role, user.staff_group, user.is_active = role, staff_group, is_active
    user.save(update_fields=["role", "staff_group", "is_active"])
    user.units.set(units)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit_record(actor=actor, action=Action.CHANGE, object_type="user", object_id=user.pk,
                     trust=actor.trust, changes=changes, detail=user.username)
    return user
