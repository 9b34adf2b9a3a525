"""Every write of the Standard: catalogues (national administrator), and a trust's
self-assessment (its lead). Each service is transactional and audits itself. A review signed
off by the board is frozen: every service that changes a review or anything in it locks the
review's row first and refuses when it has been signed off, so an edit and a sign-off arriving
together cannot both win.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from staffsafe.accounts import scoping
from staffsafe.accounts.models import User
from staffsafe.audit.services import Action as AuditAction
from staffsafe.audit.services import audit_record
from staffsafe.standard import editions, live_evidence, storage
from staffsafe.standard.catalogue_file import (
    STARTER_FILES,
    CatalogueRejected,
    IndicatorRow,
    read_catalogue,
)
from staffsafe.standard.cycle import add_months
from staffsafe.standard.evidence_files import EvidenceFileRefused, check_evidence_file
from staffsafe.standard.models import (
    Action,
    Catalogue,
    EvidenceFile,
    EvidenceLink,
    Indicator,
    IndicatorAssessment,
    Review,
)

__all__ = ["CatalogueRejected", "EvidenceFileRefused"]

STARTER_DIR = Path(__file__).resolve().parent / "fixtures"
FREE_TEXT_MAX = settings.FREE_TEXT_MAX_LENGTH
# A board cannot have signed off an edition before it was published.
EDITION_PUBLISHED = {editions.EDITION_2021: date(2020, 12, 1),
                     editions.EDITION_2024: date(2024, 12, 1)}


class ReviewRefused(Exception):
    """The review cannot be started or changed as asked; the message says why."""


class ReviewFrozen(ReviewRefused):
    def __init__(self) -> None:
        super().__init__("This review has been signed off by the board, so it cannot be "
                         "changed. Start a new review to carry its work on.")


@dataclass(frozen=True)
class SignOffProblem:
    field: str  # a sign-off form field, or "indicator"
    message: str
    code: str = ""  # the indicator, for "indicator" problems


class SignOffRefused(Exception):
    def __init__(self, problems: list[SignOffProblem]) -> None:
        super().__init__(f"{len(problems)} reason(s) the review cannot be signed off yet")
        self.problems = problems


# Catalogues ------------------------------------------------------------------------------------


def _current_2021_codes() -> set[str]:
    return set(Indicator.objects.filter(catalogue__edition=editions.EDITION_2021,
                                        catalogue__current=True).values_list("code", flat=True))


def _catalogue_title(edition: str, file_name: str, starter: bool) -> str:
    short = editions.edition(edition).short_name
    if starter:
        return f"StaffSafe starter catalogue, {short}"
    return f"{short} indicators from {Path(file_name).name}"[:200]


def _save_catalogue(*, actor, edition: str, rows: list[IndicatorRow], digest: str,
                    file_name: str, title: str, official: bool, starter: bool, request,
                    actor_label: str) -> Catalogue:
    current = Catalogue.objects.select_for_update().filter(edition=edition, current=True).first()
    if current and current.source_sha256 == digest and current.official == official:
        return current  # the same file again: nothing changes
    Catalogue.objects.filter(edition=edition, current=True).update(current=False)
    catalogue = Catalogue.objects.create(
        edition=edition, title=title or _catalogue_title(edition, file_name, starter),
        official=official, starter=starter, source_name=Path(file_name).name[:255],
        source_sha256=digest, loaded_by=actor if getattr(actor, "pk", None) else None)
    Indicator.objects.bulk_create([
        Indicator(catalogue=catalogue, code=row.code, domain=row.domain, text=row.text,
                  evidence_guidance=row.evidence_guidance, position=position,
                  maps_from=list(row.maps_from))
        for position, row in enumerate(rows, start=1)])
    audit_record(actor=actor, action=AuditAction.CREATE, object_type="standard_catalogue",
                 object_id=catalogue.pk, request=request, actor_label=actor_label,
                 changes={"official": [None, official], "indicators": [None, len(rows)]},
                 detail=f"{catalogue.title} ({edition}); replaces "
                        f"{current.pk if current else 'none'}")
    return catalogue


def catalogue_load(*, actor, content: bytes, file_name: str, official: bool = False,
                   title: str = "", starter: bool = False, request=None,
                   actor_label: str = "") -> list[Catalogue]:
    """Load a catalogue file: every indicator of every edition in it, or nothing.

    Each edition in the file becomes that edition's current catalogue for new reviews; reviews
    already started keep the catalogue they began with. Raises CatalogueRejected listing every
    located problem.
    """
    if getattr(actor, "pk", None) and not scoping.can_load_standard_catalogue(actor):
        raise PermissionDenied
    title = " ".join(title.split())[:200]
    with transaction.atomic():
        rows = read_catalogue(content, file_name, known_2021_codes=_current_2021_codes())
        digest = hashlib.sha256(content).hexdigest()
        by_edition: dict[str, list[IndicatorRow]] = {}
        for row in rows:
            by_edition.setdefault(row.edition, []).append(row)
        return [_save_catalogue(actor=actor, edition=edition, rows=edition_rows, digest=digest,
                                file_name=file_name, title=title if len(by_edition) == 1 else "",
                                official=official, starter=starter, request=request,
                                actor_label=actor_label)
                for edition, edition_rows in sorted(by_edition.items())]


def starter_catalogues_load(*, actor, request=None, actor_label: str = "") -> list[Catalogue]:
    """StaffSafe's own catalogues, written from the public descriptions: never official."""
    loaded = []
    for edition in sorted(STARTER_FILES):
        name = STARTER_FILES[edition]
        loaded += catalogue_load(actor=actor, content=(STARTER_DIR / name).read_bytes(),
                                 file_name=name, official=False, starter=True, request=request,
                                 actor_label=actor_label)
    return loaded


# Reviews: starting one, and carrying the last one's work over ----------------------------------


@dataclass
class CarryOver:
    source: Review | None = None
    ratings: int = 0
    actions: int = 0
    links: int = 0
    files: int = 0
    not_carried: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.source is None:
            return "Nothing to carry over: this is the trust's first review."
        text = (f"Carried over from “{self.source.title}”: {self.ratings} rating(s), "
                f"{self.actions} open action(s), {self.links} link(s) and {self.files} file(s).")
        if self.not_carried:
            text += (" Not carried over (no matching indicator in this edition): "
                     + ", ".join(self.not_carried) + ".")
        return text


def _require_lead(actor, trust_id: int | None = None) -> None:
    if not scoping.can_assess_standard(actor):
        raise PermissionDenied
    if trust_id is not None and actor.trust_id != trust_id:
        raise PermissionDenied


def _usable_owner(person: User | None, trust_id: int) -> User | None:
    return person if person and person.is_active and person.trust_id == trust_id else None


def _sources_for(target: IndicatorAssessment, old: dict[str, IndicatorAssessment],
                 same_edition: bool, forward: bool) -> list[IndicatorAssessment]:
    code = target.indicator.code
    if same_edition:
        return [old[code]] if code in old else []
    if forward:  # 2021 to 2024: the 2024 indicator names the 2021 ones it carries on
        return [old[c] for c in target.indicator.maps_from if c in old]
    return []


def _copy_work(source: IndicatorAssessment, target: IndicatorAssessment, tally: CarryOver
               ) -> None:
    for link in source.links.all():
        EvidenceLink.objects.create(assessment=target, title=link.title, url=link.url,
                                    added_by_id=link.added_by_id)
        tally.links += 1
    for evidence in source.files.all():
        EvidenceFile.objects.create(
            assessment=target, title=evidence.title, file_name=evidence.file_name,
            media_type=evidence.media_type, size=evidence.size, sha256=evidence.sha256,
            added_by_id=evidence.added_by_id)
        tally.files += 1
    for action in source.actions.all():
        if action.is_open:
            Action.objects.create(
                assessment=target, description=action.description,
                owner=_usable_owner(action.owner, target.review.trust_id), due_on=action.due_on,
                status=action.status, carried_from=action, created_by_id=action.created_by_id)
            tally.actions += 1


def _carry_over(previous: Review, review: Review) -> CarryOver:
    tally = CarryOver(source=previous)
    same = previous.catalogue.edition == review.catalogue.edition
    forward = (previous.catalogue.edition, review.catalogue.edition) == (
        editions.EDITION_2021, editions.EDITION_2024)
    old = {a.indicator.code: a for a in previous.assessments.select_related("indicator", "owner")
           .prefetch_related("links", "files", "actions__owner")}
    placed: set[str] = set()
    for target in review.assessments.select_related("indicator", "review"):
        sources = _sources_for(target, old, same, forward)
        for source in sources:
            _copy_work(source, target, tally)
            placed.add(source.indicator.code)
        if same and sources:
            target.rating, target.note = sources[0].rating, sources[0].note
            target.owner = _usable_owner(sources[0].owner, review.trust_id)
            tally.ratings += bool(target.rating)
        elif sources:  # ratings are edition-specific: only the words and the owner move on
            target.note = "\n\n".join(f"From {previous.catalogue.edition} indicator "
                                      f"{s.indicator.code}: {s.note}" for s in sources if s.note)
            target.owner = next((o for s in sources
                                 if (o := _usable_owner(s.owner, review.trust_id))), None)
        target.save(update_fields=["rating", "note", "owner"])
    tally.not_carried = sorted(
        code for code, a in old.items() if code not in placed
        and (any(x.is_open for x in a.actions.all()) or a.links.all() or a.files.all()))
    return tally


@dataclass(frozen=True)
class Started:
    review: Review
    carried: CarryOver


def review_start(*, actor, edition: str, title: str = "", spc_target: int | None = None,
                 request=None) -> Started:
    """Start the trust's next review against an edition's current catalogue, carrying over the
    work of its last signed-off review (see _carry_over)."""
    _require_lead(actor)
    if edition not in editions.EDITIONS:
        raise ReviewRefused("Choose an edition of the Standard.")
    catalogue = Catalogue.objects.filter(edition=edition, current=True).first()
    if catalogue is None:
        raise ReviewRefused("No catalogue of indicators has been loaded for this edition yet: "
                            "ask the national administrator to load one.")
    if Review.objects.filter(trust_id=actor.trust_id, status=Review.Status.DRAFT).exists():
        raise ReviewRefused("A review is already in progress: finish and sign it off "
                            "before starting another.")
    today = timezone.localdate()
    previous = (Review.objects.filter(trust_id=actor.trust_id,
                                      status=Review.Status.SIGNED_OFF)
                .order_by("-board_meeting_on", "-signed_off_at").first())
    try:
        with transaction.atomic():
            review = Review.objects.create(
                trust_id=actor.trust_id, catalogue=catalogue, started_by=actor,
                title=" ".join(title.split())[:100] or f"Review started {today.day} "
                                                       f"{today:%B %Y}",
                spc_target=spc_target, carried_from=previous)
            IndicatorAssessment.objects.bulk_create(
                IndicatorAssessment(review=review, indicator=indicator)
                for indicator in catalogue.indicators.all())
            carried = _carry_over(previous, review) if previous else CarryOver()
            audit_record(actor=actor, action=AuditAction.CREATE, object_type="standard_review",
                         object_id=review.pk, trust=review.trust, request=request,
                         detail=f"{edition} edition. {carried.summary}")
    except IntegrityError:
        raise ReviewRefused("A review is already in progress: finish and sign it off "
                            "before starting another.") from None
    return Started(review, carried)


# Changing a review in progress ----------------------------------------------------------------


def _open_for_change(actor, review: Review) -> Review:
    """Lock the review and make sure it may still be changed, by this person."""
    _require_lead(actor, review.trust_id)
    locked = Review.objects.select_for_update().select_related("trust", "catalogue").get(
        pk=review.pk)
    if locked.frozen:
        raise ReviewFrozen
    return locked


def _belongs(review: Review, *objects: Any) -> None:
    for obj in objects:
        review_id = obj.review_id if isinstance(obj, IndicatorAssessment) else \
            obj.assessment.review_id
        if review_id != review.pk:
            raise PermissionDenied


def _owner(review: Review, owner_id: int | None) -> User | None:
    if owner_id in (None, ""):
        return None
    person = User.objects.filter(pk=owner_id, trust_id=review.trust_id, is_active=True).first()
    if person is None:
        raise ValidationError({"owner": "Choose a person of this trust."})
    return person


def _free_text(value: str, name: str, *, required: bool = False, limit: int = FREE_TEXT_MAX
               ) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({name: "Enter the text."})
    if len(value) > limit:
        raise ValidationError({name: f"Use {limit:,} characters or fewer."})
    return value


def _audit_change(actor, review: Review, object_type: str, obj: Any, changes: dict,
                  request, action: str = AuditAction.CHANGE, detail: str = "") -> None:
    audit_record(actor=actor, action=action, object_type=object_type, object_id=obj.pk,
                 trust=review.trust, changes=changes, request=request,
                 detail=detail or f"Review {review.pk}")


def _difference(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    changes = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [str(before) if before is not None else None,
                             str(value) if value is not None else None]
            setattr(obj, name, value)
    return changes


def review_update(*, actor, review: Review, title: str, spc_target: int | None,
                  request=None) -> Review:
    with transaction.atomic():
        locked = _open_for_change(actor, review)
        title = " ".join((title or "").split())[:100]
        if not title:
            raise ValidationError({"title": "Enter a name for the review."})
        changes = _difference(locked, {"title": title, "spc_target": spc_target})
        if changes:
            locked.save(update_fields=list(changes))
            _audit_change(actor, locked, "standard_review", locked, changes, request)
    return locked


def assessment_update(*, actor, review: Review, assessment: IndicatorAssessment, rating: str,
                      note: str, owner_id: int | None, request=None) -> IndicatorAssessment:
    """Rate an indicator, say why, and name who owns it."""
    if rating not in ("", *editions.RATING_LEVEL):
        raise ValidationError({"rating": "Choose a rating."})
    with transaction.atomic():
        locked = _open_for_change(actor, review)
        _belongs(locked, assessment)
        current = IndicatorAssessment.objects.select_for_update().get(pk=assessment.pk)
        changes = _difference(current, {"rating": rating, "note": _free_text(note, "note"),
                                        "owner": _owner(locked, owner_id)})
        if changes:
            current.updated_by = actor
            current.save()
            _audit_change(actor, locked, "standard_assessment", current, changes, request,
                          detail=f"Review {locked.pk}, indicator {assessment.indicator.code}")
    return current


def evidence_link_add(*, actor, review: Review, assessment: IndicatorAssessment, title: str,
                      url: str, request=None) -> EvidenceLink:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        raise ValidationError({"url": "Enter a web address starting with https://"}) from None
    with transaction.atomic():
        locked = _open_for_change(actor, review)
        _belongs(locked, assessment)
        link = EvidenceLink.objects.create(
            assessment=assessment, title=_free_text(title, "title", required=True, limit=200),
            url=url[:500], added_by=actor)
        _audit_change(actor, locked, "standard_evidence_link", link, {"url": [None, url]},
                      request, AuditAction.CREATE,
                      f"Review {locked.pk}, indicator {assessment.indicator.code}")
    return link


def evidence_link_remove(*, actor, review: Review, link: EvidenceLink, request=None) -> None:
    with transaction.atomic():
        locked = _open_for_change(actor, review)
        _belongs(locked, link)
        _audit_change(actor, locked, "standard_evidence_link", link,
                      {"url": [link.url, None]}, request)
        link.delete()


def evidence_file_add(*, actor, review: Review, assessment: IndicatorAssessment, title: str,
                      file_name: str, content: bytes, request=None) -> EvidenceFile:
    """Keep an uploaded file as evidence, or refuse it (EvidenceFileRefused says why)."""
    checked = check_evidence_file(file_name, content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        locked = _open_for_change(actor, review)
        _belongs(locked, assessment)
        storage.evidence_store(locked.trust_id, digest, content)
        evidence = EvidenceFile.objects.create(
            assessment=assessment, title=_free_text(title, "title", limit=200) or checked.name,
            file_name=checked.name, media_type=checked.media_type, size=checked.size,
            sha256=digest, added_by=actor)
        _audit_change(actor, locked, "standard_evidence_file", evidence,
                      {"file": [None, f"{checked.name} ({checked.size} bytes, {digest})"]},
                      request, AuditAction.CREATE,
                      f"Review {locked.pk}, indicator {assessment.indicator.code}")
    return evidence


def evidence_file_remove(*, actor, review: Review, evidence: EvidenceFile, request=None) -> None:
    """Take a file off this review; its bytes go only when no review of the trust uses them."""
    with transaction.atomic():
        locked = _open_for_change(actor, review)
        _belongs(locked, evidence)
        _audit_change(actor, locked, "standard_evidence_file", evidence,
                      {"file": [evidence.file_name, None]}, request)
        digest, trust_id = evidence.sha256, locked.trust_id
        evidence.delete()
        if not EvidenceFile.objects.filter(sha256=digest,
                                           assessment__review__trust_id=trust_id).exists():
            transaction.on_commit(lambda: storage.evidence_discard(trust_id, digest))


def _action_values(review: Review, *, description: str, owner_id: int | None, due_on: date,
                   status: str) -> dict[str, Any]:
    if status not in Action.Status.values:
        raise ValidationError({"status": "Choose the action's status."})
    if not isinstance(due_on, date):
        raise ValidationError({"due_on": "Enter the date the action is due."})
    return {"description": _free_text(description, "description", required=True, limit=1000),
            "owner": _owner(review, owner_id), "due_on": due_on, "status": status}


def action_create(*, actor, review: Review, assessment: IndicatorAssessment, description: str,
                  owner_id: int | None, due_on: date, status: str = Action.Status.NOT_STARTED,
                  request=None) -> Action:
    with transaction.atomic():
        locked = _open_for_change(actor, review)
        _belongs(locked, assessment)
        values = _action_values(locked, description=description, owner_id=owner_id,
                                due_on=due_on, status=status)
        action = Action.objects.create(
            assessment=assessment, created_by=actor,
            completed_on=timezone.localdate() if status == Action.Status.DONE else None,
            **values)
        _audit_change(actor, locked, "standard_action", action,
                      {"due_on": [None, str(due_on)], "status": [None, status]}, request,
                      AuditAction.CREATE,
                      f"Review {locked.pk}, indicator {assessment.indicator.code}")
    return action


def action_update(*, actor, review: Review, action: Action, description: str,
                  owner_id: int | None, due_on: date, status: str, request=None) -> Action:
    with transaction.atomic():
        locked = _open_for_change(actor, review)
        _belongs(locked, action)
        current = Action.objects.select_for_update().get(pk=action.pk)
        values = _action_values(locked, description=description, owner_id=owner_id,
                                due_on=due_on, status=status)
        if status == Action.Status.DONE and current.status != Action.Status.DONE:
            values["completed_on"] = timezone.localdate()
        elif status != Action.Status.DONE:
            values["completed_on"] = None
        changes = _difference(current, values)
        if changes:
            current.save()
            _audit_change(actor, locked, "standard_action", current, changes, request)
    return current


# Sign-off ---------------------------------------------------------------------------------------


def _meeting_problems(review: Review, board_meeting_on: date | None) -> list[SignOffProblem]:
    published = EDITION_PUBLISHED[review.catalogue.edition]
    if board_meeting_on is None:
        return [SignOffProblem("board_meeting_on", "Enter the date of the board meeting")]
    if board_meeting_on > timezone.localdate():
        return [SignOffProblem("board_meeting_on",
                               "The board meeting date must be today or in the past")]
    if board_meeting_on < published:
        return [SignOffProblem("board_meeting_on", f"The board meeting must be on or after "
                                                   f"{published.day} {published:%B %Y}, when "
                                                   "this edition was published")]
    later = Review.objects.filter(trust_id=review.trust_id, status=Review.Status.SIGNED_OFF,
                                  board_meeting_on__gt=board_meeting_on).first()
    if later is not None:
        return [SignOffProblem("board_meeting_on", f"The board already signed off "
                                                   f"“{later.title}” at a later meeting "
                                                   f"({later.board_meeting_on:%d/%m/%Y})")]
    return []


def unfinished_indicators(review: Review) -> list[SignOffProblem]:
    """Indicators not yet rated, or not green without a plan: what stops a sign-off."""
    problems = []
    edition = editions.edition(review.catalogue.edition)
    for assessment in review.assessments.select_related("indicator").prefetch_related("actions"):
        code = assessment.indicator.code
        if not assessment.rating:
            problems.append(SignOffProblem("indicator", f"Rate indicator {code}", code))
        elif assessment.rating != editions.GREEN and not any(
                a.status != Action.Status.CANCELLED for a in assessment.actions.all()):
            problems.append(SignOffProblem(
                "indicator", f"Indicator {code} is rated "
                             f"{edition.rating_label(assessment.rating)}: add an action to "
                             "the improvement plan", code))
    return problems


def sign_off_problems(review: Review, *, board_meeting_on: date | None, signed_off_by_name: str,
                      minute_reference: str, board_concern: bool | None) -> list[SignOffProblem]:
    """Everything that stops the board's sign-off being recorded, each with where to fix it."""
    problems = _meeting_problems(review, board_meeting_on)
    if not (signed_off_by_name or "").strip():
        problems.append(SignOffProblem("signed_off_by_name",
                                       "Enter the name and role of who signed it off"))
    if not (minute_reference or "").strip():
        problems.append(SignOffProblem("minute_reference", "Enter the board minute reference"))
    if board_concern is None:
        problems.append(SignOffProblem("board_concern",
                                       "Say whether the board flagged concern"))
    return problems + unfinished_indicators(review)


def review_sign_off(*, actor, review: Review, board_meeting_on: date | None,
                    signed_off_by_name: str, minute_reference: str, board_concern: bool | None,
                    request=None) -> Review:
    """Record the board's sign-off and freeze the review, keeping the live evidence as it
    stands now. Raises SignOffRefused listing every reason it cannot be signed off yet."""
    with transaction.atomic():
        locked = _open_for_change(actor, review)
        problems = sign_off_problems(
            locked, board_meeting_on=board_meeting_on, signed_off_by_name=signed_off_by_name,
            minute_reference=minute_reference, board_concern=board_concern)
        if problems:
            raise SignOffRefused(problems)
        locked.live_evidence = live_evidence.live_evidence(locked.trust_id,
                                                           spc_target=locked.spc_target)
        locked.status = Review.Status.SIGNED_OFF
        locked.board_meeting_on = board_meeting_on
        locked.signed_off_by_name = " ".join(signed_off_by_name.split())[:200]
        locked.minute_reference = " ".join(minute_reference.split())[:100]
        locked.board_concern = bool(board_concern)
        locked.signed_off_at = timezone.now()
        locked.signed_off_recorded_by = actor
        locked.save()
        _audit_change(actor, locked, "standard_review", locked,
                      {"status": [Review.Status.DRAFT, Review.Status.SIGNED_OFF],
                       "board_meeting_on": [None, str(board_meeting_on)],
                       "minute_reference": [None, locked.minute_reference],
                       "board_concern": [None, locked.board_concern]}, request,
                      detail=f"Signed off by {locked.signed_off_by_name}")
    return locked


# Reads that are audited ------------------------------------------------------------------------


def review_exported(*, actor, review: Review, kind: str, request=None) -> None:
    """Record that a review left StaffSafe as a file (XLSX or the board's PDF)."""
    audit_record(actor=actor, action=AuditAction.EXPORT, object_type="standard_review",
                 object_id=review.pk, trust=review.trust, request=request, detail=kind)


def evidence_file_downloaded(*, actor, review: Review, evidence: EvidenceFile,
                             request=None) -> None:
    audit_record(actor=actor, action=AuditAction.VIEW, object_type="standard_evidence_file",
                 object_id=evidence.pk, trust=review.trust, request=request,
                 detail=f"Review {review.pk}: {evidence.file_name}"[:300])


# Demo ------------------------------------------------------------------------------------------


_DEMO_RATINGS = (editions.GREEN, editions.AMBER, editions.GREEN, editions.RED, editions.AMBER)


def _demo_rate(lead, review: Review, *, rate_every: int, today: date) -> None:
    for number, assessment in enumerate(review.assessments.select_related("indicator")):
        if number % rate_every:
            continue
        rating = _DEMO_RATINGS[number % len(_DEMO_RATINGS)]
        assessment_update(actor=lead, review=review, assessment=assessment, rating=rating,
                          note="Demo: a made-up position statement.", owner_id=lead.pk)
        if rating != editions.GREEN:
            action_create(actor=lead, review=review, assessment=assessment,
                          description=f"Demo: close the gap on {assessment.indicator.code}.",
                          owner_id=lead.pk, due_on=_demo_due(today, number),
                          status=Action.Status.IN_PROGRESS)


def _demo_due(today: date, number: int) -> date:
    """Demo due dates: some already past (overdue), most in the months ahead."""
    return add_months(today, (number % 4) - 1)


def demo_self_assessment(*, trust, lead) -> Review | None:
    """For `staffsafe demo`: a 2021 review signed off five months ago and a version 2 review in
    progress that carried its work over. Does nothing when the trust already has a review."""
    if Review.objects.filter(trust=trust).exists():
        return None
    if set(Catalogue.objects.filter(current=True).values_list("edition", flat=True)) != set(
            editions.EDITIONS):
        starter_catalogues_load(actor=None, actor_label="staffsafe demo")
    today = timezone.localdate()
    first = review_start(actor=lead, edition=editions.EDITION_2021,
                         title="Demo: 2021 edition review").review
    _demo_rate(lead, first, rate_every=1, today=today)
    review_sign_off(actor=lead, review=first, board_meeting_on=add_months(today, -5),
                    signed_off_by_name="Demo Chair, Chair of the Board",
                    minute_reference="BM/DEMO/01", board_concern=False)
    second = review_start(actor=lead, edition=editions.EDITION_2024,
                          title="Demo: version 2 review").review
    _demo_rate(lead, second, rate_every=2, today=today)
    return second
