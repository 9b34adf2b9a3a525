"""The returns router: a trust's system sends its monthly return and follows its progress."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from staffsafe.accounts import scoping
from staffsafe.collection import selectors, services
from staffsafe.organisations.selectors import headcounts_for_month

router = Router()


class ProblemOut(Schema):
    row: str
    column: str
    value: str | None
    rule: str
    message: str


class ReturnOut(Schema):
    id: int
    organisation_ods: str
    period_start: date
    status: str
    progress: int
    file_name: str
    received_at: datetime
    row_count: int
    incident_count: int
    problem_count: int
    problems: list[ProblemOut]


def _document(submission) -> dict:  # type: ignore[no-untyped-def]
    return {
        "id": submission.pk, "organisation_ods": submission.trust.ods_code,
        "period_start": submission.period_start, "status": submission.status,
        "progress": submission.progress, "file_name": submission.file_name,
        "received_at": submission.submitted_at, "row_count": submission.row_count,
        "incident_count": submission.incident_count, "problem_count": submission.problem_count,
        "problems": submission.problems,
    }


def _month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise HttpError(422, "period must be YYYY-MM, like 2026-03.") from None


@router.post("", response={200: ReturnOut, 202: ReturnOut},
             summary="Send a monthly return (checked and loaded in the background)")
def submit_return(request: HttpRequest, period: Form[str], file: File[UploadedFile],
                  profile: Form[str] = "") -> Status:
    if not scoping.can_submit_returns(request.user):
        raise HttpError(403, "Only a trust's lead or administrator can send its return.")
    month = _month(period)
    trust = request.user.trust
    try:
        result = services.return_submit(
            actor=request.user, trust=trust, period_start=month, file_name=file.name or "",
            content=file.read(), source=services.Return.Source.API, profile=profile,
            headcounts=headcounts_for_month(trust, month), request=request)
    except services.ReturnRefused as refused:
        raise HttpError(422, str(refused)) from None
    return Status(202 if result.created else 200, _document(result.submission))


@router.get("/{return_id}", response=ReturnOut, summary="Where a return stands")
def get_return(request: HttpRequest, return_id: int) -> dict:
    submission = selectors.return_get(request.user, return_id)
    if submission is None:
        raise HttpError(404, "No return with this id that you can see.")
    return _document(submission)
