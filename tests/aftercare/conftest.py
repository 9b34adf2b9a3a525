"""Aftercare fixtures: people with e-mail addresses."""

from __future__ import annotations

import pytest


@pytest.fixture
def emails(world):  # type: ignore[no-untyped-def]
    """Give the world's manager and lead e-mail addresses (reminders go only to those)."""
    for person in (world.manager, world.lead):
        person.email = f"{person.username}@example.nhs.uk"
        person.save(update_fields=["email"])
    return world
