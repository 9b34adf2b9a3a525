"""Signing in: strong hashing, lock-out, audit, and personas only in demo mode."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings

from staffsafe.audit.models import AuditEvent

PASSWORD = "correct-horse-battery"


def sign_in(client, username, password):
    return client.post("/sign-in/", {"username": username, "password": password})


def test_sign_in_and_out_are_audited(world, client):
    assert sign_in(client, world.reporter.username, PASSWORD).status_code == 302
    client.post("/sign-out/")
    actions = list(AuditEvent.objects.filter(actor=world.reporter).order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["sign_in", "sign_out"]


def test_a_wrong_password_is_audited_and_explained(world, client):
    response = sign_in(client, world.reporter.username, "wrong")
    assert "Enter a correct username and password" in response.content.decode()
    failed = AuditEvent.objects.get(action="sign_in_failed")
    assert failed.actor_label == world.reporter.username and failed.trust == world.trust


def test_five_failures_lock_the_account(world, client):
    for _ in range(5):
        sign_in(client, world.reporter.username, "wrong")
    response = sign_in(client, world.reporter.username, PASSWORD)
    assert response.status_code in (403, 429)
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_production_uses_argon2():
    from staffsafe.config import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_argon2_hashes_passwords(settings):
    from django.contrib.auth.hashers import make_password

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    assert identify_hasher(make_password("a long passphrase")).algorithm == "argon2"


def test_persona_sign_in_only_in_demo_mode(world, client):
    world.reporter.is_persona = True
    world.reporter.save()
    response = client.post("/demo/personas/", {"username": world.reporter.username})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    client.logout()
    with override_settings(DEMO_MODE=False):
        assert client.get("/demo/personas/").status_code == 404
        response = client.post("/demo/personas/", {"username": world.reporter.username})
        assert response.status_code == 404 and "_auth_user_id" not in client.session


def test_a_non_persona_cannot_be_signed_in_as(world, client):
    response = client.post("/demo/personas/", {"username": world.lead.username})
    assert response.status_code == 404


def test_pages_need_sign_in(client):
    response = client.get("/my-reports/")
    assert response.status_code == 302 and response.url.startswith("/sign-in/")


def test_a_request_for_an_unknown_host_gets_a_400_page_not_a_crash(client):
    response = client.get("/sign-in/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Something was wrong with the request" in response.content.decode()
