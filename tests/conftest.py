"""Shared fixtures: two trusts, a person in every role, and signed-in clients."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from staffsafe.accounts.models import Role
from tests.factories import SiteFactory, TrustFactory, UnitFactory, UserFactory, make_incident

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class TrustWorld:
    trust: object
    ward: object
    other_ward: object
    reporter: object
    colleague: object
    manager: object
    lead: object
    trust_admin: object


def _world(ods: str, sector: str) -> TrustWorld:
    trust = TrustFactory(ods_code=ods, sector=sector)
    site = SiteFactory(trust=trust, name=f"{ods} General")
    ward = UnitFactory(site=site, trust=trust, name=f"{ods} Ward A")
    other_ward = UnitFactory(site=site, trust=trust, name=f"{ods} Ward B")
    return TrustWorld(
        trust=trust, ward=ward, other_ward=other_ward,
        reporter=UserFactory(username=f"reporter-{ods}", trust=trust, units=[ward]),
        colleague=UserFactory(username=f"colleague-{ods}", trust=trust, units=[ward]),
        manager=UserFactory(username=f"manager-{ods}", role=Role.MANAGER, trust=trust,
                            units=[ward]),
        lead=UserFactory(username=f"lead-{ods}", role=Role.LEAD, trust=trust),
        trust_admin=UserFactory(username=f"admin-{ods}", role=Role.TRUST_ADMIN, trust=trust),
    )


@pytest.fixture
def world(db) -> TrustWorld:  # type: ignore[no-untyped-def]
    return _world("RAA", "acute")


@pytest.fixture
def other_world(db) -> TrustWorld:  # type: ignore[no-untyped-def]
    return _world("RBB", "ambulance")


@pytest.fixture
def national_analyst(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="analyst", role=Role.NATIONAL_ANALYST, trust=None)


@pytest.fixture
def national_admin(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="natadmin", role=Role.NATIONAL_ADMIN, trust=None)


@pytest.fixture
def incident(world):  # type: ignore[no-untyped-def]
    return make_incident(world.reporter, world.ward)


@pytest.fixture
def client_for(client):  # type: ignore[no-untyped-def]
    def sign_in(user):  # type: ignore[no-untyped-def]
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in
