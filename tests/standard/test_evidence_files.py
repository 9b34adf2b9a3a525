"""Evidence files: what is accepted (type by name and by content, size), where it is kept, and
that it is only ever downloaded as an attachment, never shown as a page."""

from __future__ import annotations

import io
import zipfile

import pytest

from staffsafe.audit.models import AuditEvent
from staffsafe.standard import services, storage
from staffsafe.standard.evidence_files import (
    MAX_BYTES,
    EvidenceFileRefused,
    check_evidence_file,
    safe_name,
)
from tests.standard.data import rate_all, sign_off, start

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(extension: str = ".docx", *extra: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if extension.startswith(".od"):
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name in extra:
            archive.writestr(name, "x")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a spreadsheet")
    return out.getvalue()


@pytest.mark.parametrize(("name", "content", "media_type"), [
    ("Board minutes.pdf", PDF, "application/pdf"),
    ("poster.PNG", PNG, "image/png"),
    ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 10, "image/jpeg"),
    ("risk.docx", office(), "application/vnd.openxmlformats-officedocument."
                            "wordprocessingml.document"),
    ("plan.odt", office(".odt"), "application/vnd.oasis.opendocument.text"),
    ("figures.csv", "month,reports\n2026-01,12\nCafé,1\n".encode(), "text/csv"),
    ("notes.txt", "Paid for by the charity – 2026".encode("cp1252"), "text/plain"),
])
def test_these_files_are_accepted(name, content, media_type):
    checked = check_evidence_file(name, content)
    assert (checked.media_type, checked.size) == (media_type, len(content))


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("page.html", b"<html></html>", "The file must be one of: CSV, DOC, DOCX"),
    ("run.exe", b"MZ", "The file must be one of"),
    ("paper.pdf", b"<html><script>alert(1)</script>", "its contents do not match its name"),
    ("photo.png", PDF, "its contents do not match its name"),
    ("empty.pdf", b"", "The file is empty."),
    ("big.pdf", PDF + b"0" * MAX_BYTES, "The file must be 10 MB or smaller."),
    ("macro.docx", office(".docx", "word/vbaProject.bin"), "contains macros"),
    ("fake.docx", b"PK\x03\x04 not really a zip", "not a real DOCX file"),
    ("zip.xlsx", plain_zip(), "not a real XLSX file"),
    ("script.pdf", PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /JavaScript >>"),
     "contains scripts"),
    ("page.txt", b"Hello <script>steal()</script>", "web page markup"),
    ("svg.csv", b"a,b\n<svg onload=alert(1)>", "web page markup"),
    ("binary.txt", b"\x00\x01\x02", "not plain text"),
])
def test_these_files_are_refused_with_the_reason(name, content, reason):
    with pytest.raises(EvidenceFileRefused, match=reason.replace("(", r"\(")):
        check_evidence_file(name, content)


def test_file_names_lose_folders_and_odd_characters():
    assert safe_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert safe_name("C:\\Users\\me\\Board <draft>.pdf") == "Board draft.pdf"
    assert safe_name("\x00\x1b.pdf") == "pdf"
    assert safe_name("a" * 200 + ".pdf") == "a" * 116 + ".pdf"  # 120 characters in all


def test_an_uploaded_file_is_kept_under_the_data_directory_by_its_digest(world, review,
                                                                         evidence_dir):
    item = review.assessments.get(indicator__code="DA1")
    kept = services.evidence_file_add(actor=world.lead, review=review, assessment=item,
                                      title="Minutes", file_name="minutes.pdf", content=PDF)
    path = storage.evidence_path(world.trust.pk, kept.sha256)
    assert path.read_bytes() == PDF
    assert path.is_relative_to(evidence_dir)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_the_download_is_an_attachment_that_a_browser_will_not_render(client_for, world,
                                                                      review):
    item = review.assessments.get(indicator__code="DA1")
    kept = services.evidence_file_add(actor=world.lead, review=review, assessment=item,
                                      title="", file_name="figures.csv",
                                      content=b"a,b\n1,2\n")
    response = client_for(world.manager).get(
        f"/self-assessment/{review.pk}/files/{kept.pk}/")
    assert response.status_code == 200
    assert response.content == b"a,b\n1,2\n"
    assert response["Content-Disposition"] == 'attachment; filename="figures.csv"'
    assert response["Content-Type"] == "text/csv"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEvent.objects.filter(object_type="standard_evidence_file", action="view",
                                     actor=world.manager).exists()


def test_another_trusts_file_is_not_found(client_for, world, other_world, review, catalogues):
    item = review.assessments.get(indicator__code="DA1")
    kept = services.evidence_file_add(actor=world.lead, review=review, assessment=item,
                                      title="", file_name="p.pdf", content=PDF)
    response = client_for(other_world.lead).get(
        f"/self-assessment/{review.pk}/files/{kept.pk}/")
    assert response.status_code == 404
    assert PDF not in response.content


def test_a_file_stays_while_another_review_uses_it(world, review, catalogues):
    item = review.assessments.get(indicator__code="DA1")
    kept = services.evidence_file_add(actor=world.lead, review=review, assessment=item,
                                      title="", file_name="p.pdf", content=PDF)
    rate_all(world.lead, review)
    signed = sign_off(world.lead, review, review.started_at.date())
    second = start(world.lead)
    copy = second.assessments.get(indicator__code="DA1").files.get()
    path = storage.evidence_path(world.trust.pk, kept.sha256)
    services.evidence_file_remove(actor=world.lead, review=second, evidence=copy)
    assert path.exists()  # the signed-off review still shows it
    assert signed.assessments.get(indicator__code="DA1").files.count() == 1


def test_a_file_no_review_uses_is_deleted(world, review, django_capture_on_commit_callbacks):
    item = review.assessments.get(indicator__code="DA1")
    kept = services.evidence_file_add(actor=world.lead, review=review, assessment=item,
                                      title="", file_name="p.pdf", content=PDF)
    path = storage.evidence_path(world.trust.pk, kept.sha256)
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_file_remove(actor=world.lead, review=review, evidence=kept)
    assert not path.exists()
