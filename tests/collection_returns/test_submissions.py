"""Returns are accepted whole or rejected whole; the same file twice is one return; a corrected
return replaces the earlier one and keeps its history."""

import pytest
from django.db.models import Sum

from staffsafe.audit.models import AuditEvent
from staffsafe.collection import services
from staffsafe.collection.models import NationalCell, NationalRow, Return
from tests.collection_returns.conftest import MARCH, as_json, generated_at, headcounts


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Submit as the lead; the background task runs when the transaction commits."""

    def send(world, content, header, *, name="march.csv", profile=""):
        with django_capture_on_commit_callbacks(execute=True):
            return services.return_submit(
                actor=world.lead, trust=world.trust, period_start=MARCH, file_name=name,
                content=content, source=Return.Source.UPLOAD, profile=profile,
                generated_at=generated_at(header), headcounts=headcounts(header),
            )

    return send


def test_a_valid_return_is_accepted_and_loaded(world, return_file, submit):
    content, header = return_file(40)
    submission = submit(world, content, header).submission
    submission.refresh_from_db()
    assert submission.status == Return.Status.ACCEPTED, submission.problems[:3]
    assert submission.row_count == 40 and submission.progress == 100
    rows = NationalRow.objects.filter(submission=submission)
    assert rows.count() == 40
    assert rows.filter(staff_index=0).count() == submission.incident_count
    assert AuditEvent.objects.filter(object_type="return", action="create").count() == 1


def test_an_invalid_return_is_rejected_whole_with_located_problems(world, return_file, submit):
    content, header = return_file(40)
    lines = content.decode().splitlines()
    cells = lines[3].split(",")
    cells[list(lines[0].split(",")).index("category")] = "punching"
    lines[3] = ",".join(cells)
    submission = submit(world, "\n".join(lines).encode(), header).submission
    submission.refresh_from_db()
    assert submission.status == Return.Status.REJECTED
    assert not NationalRow.objects.exists()
    first = submission.problems[0]
    assert (first["row"], first["column"], first["value"]) == ("4", "category", "punching")


def test_a_return_whose_rows_cannot_be_stored_is_rejected_with_its_report(
        world, return_file, submit):
    """The rows load while the rules are checked: a row the national table cannot even hold
    (no occurred_at) fails the load, and the return is rejected with the located rule, not an
    error; nothing stays, and the next return goes in."""
    content, header = return_file(40)
    lines = content.decode().splitlines()
    names = lines[0].split(",")
    cells = lines[3].split(",")
    cells[names.index("occurred_at")] = ""
    lines[3] = ",".join(cells)
    submission = submit(world, "\n".join(lines).encode(), header).submission
    submission.refresh_from_db()
    assert submission.status == Return.Status.REJECTED and submission.progress == 100
    assert not NationalRow.objects.exists()
    assert {(p["row"], p["column"], p["rule"]) for p in submission.problems} >= {
        ("4", "occurred_at", "required")}

    corrected = submit(world, content, header, name="corrected.csv").submission
    corrected.refresh_from_db()
    assert corrected.status == Return.Status.ACCEPTED, corrected.problems[:3]
    assert NationalRow.objects.filter(submission=corrected).count() == 40


def test_the_largest_whole_numbers_the_standard_allows_load(world, return_file, submit):
    """The standard allows up to 18 digits for days absent: a return that passes every rule
    loads, and the roll-up adds it up, however large."""
    content, header = return_file(120, seed=5)
    lines = content.decode().splitlines()
    names = lines[0].split(",")
    column = names.index("days_absent")
    at = next(i for i, line in enumerate(lines[1:], start=1)
              if line.split(",")[column] not in ("", "0") and int(line.split(",")[column]) > 7)
    cells = lines[at].split(",")
    cells[column] = "5000000000"  # more than a 4-byte integer holds
    lines[at] = ",".join(cells)
    submission = submit(world, "\n".join(lines).encode(), header).submission
    submission.refresh_from_db()
    assert submission.status == Return.Status.ACCEPTED, submission.problems[:3]
    days = list(NationalRow.objects.filter(submission=submission).values_list(
        "days_absent", flat=True))
    assert max(d or 0 for d in days) == 5_000_000_000
    total = NationalCell.objects.filter(submission=submission).aggregate(n=Sum("days"))["n"]
    assert total == sum(d or 0 for d in days)


def test_staff_are_numbered_within_their_incident_wherever_its_rows_are(
        world, return_file, submit):
    content, header = return_file(60, seed=3)
    lines = content.decode().splitlines()
    body = lines[1:]
    shuffled = body[::2] + body[1::2]  # an incident's rows apart from each other
    submission = submit(world, "\n".join([lines[0], *shuffled]).encode(), header).submission
    submission.refresh_from_db()
    assert submission.status == Return.Status.ACCEPTED, submission.problems[:3]
    positions: dict[str, list[int]] = {}
    for incident_id, index in NationalRow.objects.filter(submission=submission).values_list(
            "incident_id", "staff_index"):
        positions.setdefault(incident_id, []).append(index)
    assert len(positions) == submission.incident_count < 60  # some incidents have several staff
    assert all(sorted(found) == list(range(len(found))) for found in positions.values())


def test_the_same_file_twice_is_one_return(world, return_file, submit):
    content, header = return_file(10)
    first = submit(world, content, header)
    again = submit(world, content, header, name="renamed.csv")
    assert first.created and not again.created
    assert again.submission.pk == first.submission.pk
    assert Return.objects.count() == 1 and NationalRow.objects.count() == 10


def test_a_correction_replaces_the_earlier_return_and_keeps_it(world, return_file, submit):
    first_content, header = return_file(20, seed=1)
    second_content, _ = return_file(30, seed=2)
    first = submit(world, first_content, header).submission
    second = submit(world, second_content, header, name="corrected.csv").submission
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Return.Status.SUPERSEDED
    assert second.status == Return.Status.ACCEPTED and second.supersedes_id == first.pk
    assert NationalRow.objects.filter(current=True).count() == 30
    assert NationalRow.objects.filter(submission=first, current=False).count() == 20


def test_a_json_return_is_accepted_like_a_csv_one(world, return_file, submit):
    content, header = return_file(12)
    submission = submit(world, as_json(content, header), header, name="march.json").submission
    submission.refresh_from_db()
    assert submission.status == Return.Status.ACCEPTED, submission.problems[:3]
    assert NationalRow.objects.filter(submission=submission).count() == 12


def test_a_return_stating_another_trust_is_rejected(world, return_file, submit):
    content, header = return_file(10, ods="RZZ")
    submission = submit(world, as_json(content, header), header, name="march.json").submission
    submission.refresh_from_db()
    assert submission.status == Return.Status.REJECTED
    assert any(p["column"] == "organisation_ods" for p in submission.problems)


def test_a_file_of_the_wrong_kind_is_refused_before_anything_is_stored(world):
    with pytest.raises(services.ReturnRefused):
        services.return_submit(actor=world.lead, trust=world.trust, period_start=MARCH,
                               file_name="photo.png", content=b"\x89PNG....",
                               source=Return.Source.UPLOAD)
    assert not Return.objects.exists()
