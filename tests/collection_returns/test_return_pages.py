"""The trust's return pages: upload, progress, problems and the downloadable report."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from staffsafe.collection.models import Return
from staffsafe.organisations.models import Headcount
from tests.collection_returns.conftest import MARCH, headcounts


def upload(client, content, *, name="march.csv", profile=""):
    return client.post("/returns/upload/", {
        "period": MARCH.isoformat(), "profile": profile,
        "file": SimpleUploadedFile(name, content, content_type="text/csv")})


def set_headcounts(world, header):
    for group, count in headcounts(header).items():
        Headcount.objects.create(trust=world.trust, staff_group=group, month=MARCH,
                                 headcount=count)


def test_upload_check_and_accept(world, return_file, client_for,
                                 django_capture_on_commit_callbacks):
    content, header = return_file(25)
    set_headcounts(world, header)
    client = client_for(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, content)
    submission = Return.objects.get()
    assert response.status_code == 302 and response.url == f"/returns/{submission.pk}/"
    page = client.get(response.url).content.decode()
    assert "Accepted" in page and "25" in page
    assert client.get(f"/returns/{submission.pk}/progress.json").json() == {
        "status": "accepted", "label": "Accepted", "progress": 100}
    listing = client.get("/returns/").content.decode()
    assert "March 2026" in listing


def test_problems_are_listed_and_downloadable_without_formulas(world, return_file, client_for,
                                                              django_capture_on_commit_callbacks):
    content, header = return_file(10)
    set_headcounts(world, header)
    lines = content.decode().splitlines()
    columns = lines[0].split(",")
    cells = lines[2].split(",")
    cells[columns.index("category")] = "=HYPERLINK(\"http://x\")"
    lines[2] = ",".join(cells)
    client = client_for(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "\n".join(lines).encode())
    page = client.get(response.url).content.decode()
    assert "Rejected" in page and "Nothing from this return has been loaded" in page
    report = client.get(f"{response.url}report.csv")
    assert report["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.content.decode())))
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_a_non_return_file_gets_a_located_error(world, client_for):
    response = upload(client_for(world.lead), b"\x89PNG\r\n", name="photo.png")
    assert "The file must be a CSV, XLSX or JSON file" in response.content.decode()
    assert not Return.objects.exists()


def test_national_roles_see_every_trusts_status_but_no_rows(world, other_world, return_file,
                                                           national_analyst, client_for,
                                                           django_capture_on_commit_callbacks):
    content, header = return_file(10)
    set_headcounts(world, header)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(world.lead), content)
    client = client_for(national_analyst)
    page = client.get("/national/returns/", {"period": MARCH.isoformat()}).content.decode()
    assert world.trust.name in page and other_world.trust.name in page
    assert "Accepted 1" in page and "late 1" in page
    assert "incident_id" not in page


def test_a_trust_that_reports_in_staffsafe_gets_its_return_built(world, client_for,
                                                                django_capture_on_commit_callbacks):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from staffsafe.incidents import services as incident_services
    from tests.factories import incident_values, staff_member

    occurred = datetime(2026, 3, 10, 14, 0, tzinfo=ZoneInfo("Europe/London"))
    result = incident_services.incident_create(
        actor=world.reporter, unit_id=world.ward.pk, values=incident_values(occurred_at=occurred),
        staff=[staff_member()], reported_at=occurred)
    incident_services.incident_update(
        actor=world.lead, incident=result.incident, expected_version=1,
        changes={"medical_factors": False, "police_informed": False})
    from staffsafe.datastandard import codes

    for group in codes.STAFF_GROUP.values:  # every group, 0 where the trust has none
        Headcount.objects.create(trust=world.trust, staff_group=group, month=MARCH,
                                 headcount=100 if group == "registered_nurse_midwife" else 0)
    client = client_for(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/returns/build/", {"period": MARCH.isoformat()})
    submission = Return.objects.get()
    assert submission.source == "staffsafe"
    assert submission.status == "accepted", submission.problems[:3]
    assert submission.incident_count == 1
    assert response.url == f"/returns/{submission.pk}/"
