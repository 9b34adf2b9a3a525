"""One way to answer with a file to download."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def attachment(content: bytes | str, content_type: str, file_name: str) -> HttpResponse:
    """A response the browser saves as ``file_name`` (Django quotes and encodes the name)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response
