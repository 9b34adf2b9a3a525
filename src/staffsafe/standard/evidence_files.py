"""Deciding whether an uploaded evidence file may be kept, and under what type.

Evidence is board papers, policies, risk assessments, training figures and photographs of
signage: office documents, PDFs, images and plain text. A file is kept only when its name's
extension is on the list below *and* its first bytes are what that kind of file starts with, so
an HTML page or a program renamed `.pdf` is refused. Files that can carry active content are
refused too (macro-enabled Office files, PDFs with JavaScript, launch actions or embedded files).
Kept files are never shown in the browser: they are always downloaded as attachments, with a
sandboxing content security policy (see views.evidence_file_download). No Django import.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

MAX_BYTES = 10 * 1024 * 1024

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
              (_ZIP,)),
    ".odt": ("application/vnd.oasis.opendocument.text", (_ZIP,)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (_ZIP,)),
    ".doc": ("application/msword", (_OLE,)),
    ".xls": ("application/vnd.ms-excel", (_OLE,)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".csv": ("text/csv", ()),
    ".txt": ("text/plain", ()),
}
ALLOWED = ", ".join(sorted(k.lstrip(".").upper() for k in KINDS))
_PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia")
_MARKUP = re.compile(rb"<\s*(html|script|svg|iframe|object|body|meta)\b|<!doctype", re.IGNORECASE)


class EvidenceFileRefused(Exception):
    """The file cannot be kept; the message says why, in words for the person uploading."""


@dataclass(frozen=True)
class CheckedFile:
    name: str  # a safe display and download name
    media_type: str
    size: int


def safe_name(name: str) -> str:
    """The file's own name, without any folder, control or path characters, at most 120 long."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"/\\|?*')
    base = base.strip(". ") or "evidence"
    stem, dot, extension = base.rpartition(".")
    if dot and len(base) > 120:
        return stem[: 119 - len(extension)] + "." + extension
    return base[:120]


def _check_zip(content: bytes, extension: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        raise EvidenceFileRefused(f"The file is not a real {extension.upper()[1:]} "
                                  "file.") from None
    lower = [n.lower() for n in names]
    if any(n.endswith("vbaproject.bin") or n.startswith("basic/") for n in lower):
        raise EvidenceFileRefused("The file contains macros, which are not accepted: save it "
                                  "without macros and upload it again.")
    expected = "mimetype" if extension.startswith(".od") else "[content_types].xml"
    if expected not in lower:
        raise EvidenceFileRefused(f"The file is not a real {extension.upper()[1:]} file.")


def _check_text(content: bytes) -> None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise EvidenceFileRefused("The file is not plain text.") from None
    if "\x00" in text:
        raise EvidenceFileRefused("The file is not plain text.")
    if _MARKUP.search(content[:65536]):
        raise EvidenceFileRefused("The file contains web page markup, which is not accepted in "
                                  "a text file.")


def check_evidence_file(name: str, content: bytes) -> CheckedFile:
    """Accept the file (its safe name and type) or refuse it with the reason."""
    clean = safe_name(name)
    extension = PurePath(clean).suffix.lower()
    if extension not in KINDS:
        raise EvidenceFileRefused(f"The file must be one of: {ALLOWED}.")
    if not content:
        raise EvidenceFileRefused("The file is empty.")
    if len(content) > MAX_BYTES:
        raise EvidenceFileRefused("The file must be 10 MB or smaller.")
    media_type, signatures = KINDS[extension]
    if signatures and not content.startswith(signatures):
        raise EvidenceFileRefused(f"The file is not a real {extension.upper()[1:]} file: its "
                                  "contents do not match its name.")
    if signatures == (_ZIP,):
        _check_zip(content, extension)
    elif extension == ".pdf" and any(marker in content for marker in _PDF_ACTIVE):
        raise EvidenceFileRefused("The PDF contains scripts, launch actions or attached files, "
                                  "which are not accepted: print it to a new PDF and upload that.")
    elif not signatures:
        _check_text(content)
    return CheckedFile(clean, media_type, len(content))
