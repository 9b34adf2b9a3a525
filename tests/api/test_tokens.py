"""Bearer tokens: only a live token of an active account gets in, and a change counts at once."""

from staffsafe.accounts.models import User
from staffsafe.accounts.services import api_token_create, api_token_revoke, api_token_user


def _list(client, token):  # type: ignore[no-untyped-def]
    return client.get("/api/v1/incidents", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_revoked_token_is_refused_on_the_next_request(world, client):
    token = api_token_create(user=world.reporter)
    assert _list(client, token).status_code == 200
    assert api_token_revoke(prefix=token.split("_")[1])
    assert _list(client, token).status_code == 401


def test_a_deactivated_account_is_refused_on_the_next_request(world, client):
    token = api_token_create(user=world.reporter)
    assert _list(client, token).status_code == 200
    User.objects.filter(pk=world.reporter.pk).update(is_active=False)
    assert _list(client, token).status_code == 401


def test_a_wrong_secret_for_a_real_prefix_is_refused(world, client):
    token = api_token_create(user=world.reporter)
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert _list(client, wrong).status_code == 401


def test_the_user_is_the_stored_one_with_its_trust_in_one_query(
        world, national_analyst, django_assert_num_queries):
    for person in (world.reporter, national_analyst):
        token = api_token_create(user=person)
        with django_assert_num_queries(1):
            user = api_token_user(token)
            assert user.trust == person.trust
        stored = User.objects.get(pk=person.pk)
        values = [(getattr(user, f.attname), type(getattr(user, f.attname)))
                  for f in User._meta.concrete_fields]
        assert values == [(getattr(stored, f.attname), type(getattr(stored, f.attname)))
                          for f in User._meta.concrete_fields]
        assert not user._state.adding and user._state.db == stored._state.db
