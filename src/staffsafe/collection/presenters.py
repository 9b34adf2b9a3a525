"""How returns and their problems read on a page and in a downloaded report."""

from __future__ import annotations

from typing import Any

from staffsafe.collection.reading import Problem

STATE_TAG = {"accepted": "green", "processing": "blue", "rejected": "red", "late": "orange",
             "due": "grey", "received": "blue", "validating": "blue", "superseded": "grey"}


def state_tag(state: str, text: str) -> dict[str, str]:
    return {"text": text, "classes": f"nhsuk-tag--{STATE_TAG.get(state, 'grey')}"}


def problems_of(submission: Any) -> list[Problem]:
    """The stored problems as Problem records, for the downloadable report."""
    return [Problem(**item) for item in submission.problems or []]
