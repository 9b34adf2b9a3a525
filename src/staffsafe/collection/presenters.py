"""How returns and their problems read on a page and in a downloaded report."""

from __future__ import annotations

from typing import Any

STATE_TAG = {"accepted": "green", "processing": "blue", "rejected": "red", "late": "orange",
             "due": "grey", "received": "blue", "validating": "blue", "superseded": "grey"}


def state_tag(state: str, text: str) -> dict[str, str]:
    return {"text": text, "classes": f"nhsuk-tag--{STATE_TAG.get(state, 'grey')}"}


def problems_of(submission: Any) -> list[dict[str, Any]]:
    return list(submission.problems or [])
