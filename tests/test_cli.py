"""The `staffsafe` command: api-token and the idempotent demo."""

import pytest
from django.core.management import CommandError, call_command

from staffsafe.accounts.models import User
from staffsafe.accounts.services import api_token_user
from staffsafe.audit.models import AuditEvent
from staffsafe.incidents.models import Incident
from staffsafe.organisations.models import Trust


def test_api_token_prints_a_token_that_authenticates(world, capsys):
    call_command("api-token", world.reporter.username)
    token = capsys.readouterr().out.strip()
    assert token.startswith("ss_")
    assert api_token_user(token) == world.reporter
    assert api_token_user(token + "x") is None


def test_api_token_for_an_unknown_user_fails_clearly(db):
    with pytest.raises(CommandError, match="No user called 'ghost'"):
        call_command("api-token", "ghost")


def test_demo_loads_once_and_keeps_what_was_entered(db, capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "/demo/personas/" in out
    trusts, incidents = Trust.objects.count(), Incident.objects.count()
    assert trusts == 3 and incidents > 1000
    roles = set(User.objects.filter(is_persona=True).values_list("role", flat=True))
    assert roles == {"reporter", "manager", "lead", "trust_admin", "national_analyst",
                     "national_admin"}
    assert set(Incident.objects.values_list("status", flat=True)) == {
        "submitted", "in_review", "closed"}
    assert AuditEvent.objects.filter(action="create", object_type="incident").count() == incidents
    call_command("demo")
    assert (Trust.objects.count(), Incident.objects.count()) == (trusts, incidents)


def test_demo_refuses_without_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="STAFFSAFE_DEMO_MODE"):
        call_command("demo")


def test_models_and_migrations_agree(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
