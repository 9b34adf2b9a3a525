"""Helpers shared by the tests of the published data standard."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from staffsafe.collection import standard_exports
from staffsafe.datastandard import codes, fields


@pytest.fixture
def example():
    """A fresh copy of the worked example return, safe to change."""
    return copy.deepcopy(standard_exports.example_return())


@pytest.fixture
def patch_code_list(monkeypatch):
    """Replace a code list wherever the standard's fields use it, for this test only."""

    def patch(old: codes.CodeList, *extra: tuple[str, str]) -> codes.CodeList:
        new = codes.CodeList(old.name, old.items + extra)
        patched = tuple(replace(f, code_list=new) if f.code_list is old else f
                        for f in fields.FIELDS)
        monkeypatch.setattr(fields, "FIELDS", patched)
        return new

    return patch
