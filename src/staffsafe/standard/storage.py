"""Where evidence files live: under the data directory, one folder per trust (by its id), each
file named by its SHA-256. Never under the static or template folders, never reachable by a URL
of its own: a file is only ever sent by the download view, as an attachment."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def evidence_root() -> Path:
    configured = getattr(settings, "STANDARD_EVIDENCE_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "standard-evidence"


def evidence_path(trust_id: int, sha256: str) -> Path:
    if not _DIGEST.match(sha256) or not isinstance(trust_id, int):
        raise ValueError("Not an evidence file reference.")
    return evidence_root() / str(trust_id) / sha256[:2] / sha256


def evidence_store(trust_id: int, sha256: str, content: bytes) -> Path:
    """Write the bytes once; a second upload of the same file keeps the first copy."""
    path = evidence_path(trust_id, sha256)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{sha256}.{os.getpid()}.part")
    with open(temporary, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return path


def evidence_discard(trust_id: int, sha256: str) -> None:
    path = evidence_path(trust_id, sha256)
    path.unlink(missing_ok=True)
