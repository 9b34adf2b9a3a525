"""Fixtures for the Standard: the starter catalogues, evidence kept in a temporary folder, and a
review in progress (helpers that drive reviews are in tests/standard/data.py)."""

from __future__ import annotations

import pytest

from staffsafe.standard import services
from staffsafe.standard.models import Review
from tests.standard.data import start


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.STANDARD_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.STANDARD_EVIDENCE_DIR


@pytest.fixture
def catalogues(db):
    """Both starter catalogues, as `staffsafe load-standard --starter` loads them."""
    loaded = services.starter_catalogues_load(actor=None, actor_label="tests")
    return {c.edition: c for c in loaded}


@pytest.fixture
def review(world, catalogues) -> Review:
    """A version 2 review in progress for the world's trust."""
    return start(world.lead)
