"""Every read of the Standard. Catalogues are national reference data that anyone signed in may
read; a trust's self-assessment is read only by its lead and managers (accounts.scoping)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from staffsafe.accounts import scoping
from staffsafe.accounts.models import Role, User
from staffsafe.audit.services import Action as AuditAction
from staffsafe.audit.services import audit_record
from staffsafe.standard import cycle, editions, live_evidence, storage
from staffsafe.standard.catalogue_file import IndicatorRow
from staffsafe.standard.models import (
    Action,
    Catalogue,
    EvidenceFile,
    EvidenceLink,
    IndicatorAssessment,
    Review,
)


class ReviewNotFound(Exception):
    """No such review, or not one this person may see: the two are never told apart."""


# Catalogues ------------------------------------------------------------------------------------


def catalogues_for(user) -> QuerySet[Catalogue]:
    if not scoping.can_read_standard_catalogues(user):
        return Catalogue.objects.none()
    return Catalogue.objects.annotate(indicator_count=Count("indicators")).select_related(
        "loaded_by")


def catalogue_get(user, catalogue_id: int) -> Catalogue | None:
    return catalogues_for(user).filter(pk=catalogue_id).first()


def current_catalogues() -> dict[str, Catalogue]:
    """The catalogue each edition's new reviews use, by edition."""
    return {c.edition: c for c in Catalogue.objects.filter(current=True)}


def catalogue_rows(catalogue: Catalogue) -> list[IndicatorRow]:
    return [IndicatorRow(i.position, catalogue.edition, i.domain, i.code, i.text,
                         i.evidence_guidance, tuple(i.maps_from))
            for i in catalogue.indicators.all()]


# Reviews ---------------------------------------------------------------------------------------


def reviews_for(user) -> QuerySet[Review]:
    scope = scoping.self_assessment_filter(user)
    if scope is None:
        return Review.objects.none()
    return Review.objects.filter(scope).select_related("catalogue", "trust", "started_by",
                                                       "signed_off_recorded_by")


def review_get(user, review_id: Any, *, request=None) -> Review:
    """One review the person may see; asking for another trust's is audited as a refusal."""
    try:
        pk = int(review_id)
    except (TypeError, ValueError):
        raise ReviewNotFound(str(review_id)) from None
    review = reviews_for(user).filter(pk=pk).first()
    if review is None:
        if Review.objects.filter(pk=pk).exists():
            audit_record(actor=user, action=AuditAction.REFUSED, object_type="standard_review",
                         object_id=pk, trust=getattr(user, "trust", None), request=request,
                         detail="Asked for a self-assessment outside their scope.")
        raise ReviewNotFound(str(review_id))
    return review


def review_in_progress(user) -> Review | None:
    return reviews_for(user).filter(status=Review.Status.DRAFT).first()


def last_signed_off(user) -> Review | None:
    return (reviews_for(user).filter(status=Review.Status.SIGNED_OFF)
            .order_by("-board_meeting_on", "-signed_off_at").first())


def next_review_for(user, *, today: date | None = None) -> cycle.NextReview | None:
    if not scoping.can_view_self_assessment(user):
        return None
    last = last_signed_off(user)
    return cycle.next_review(last.board_meeting_on if last else None,
                             bool(last and last.board_concern),
                             today or timezone.localdate())


def assessments_of(review: Review) -> list[IndicatorAssessment]:
    return list(review.assessments.select_related("indicator", "owner")
                .prefetch_related("links", "files", "actions__owner")
                .order_by("indicator__position"))


def assessment_get(review: Review, code: str) -> IndicatorAssessment | None:
    return (review.assessments.select_related("indicator", "owner", "updated_by")
            .prefetch_related("links__added_by", "files__added_by", "actions__owner")
            .filter(indicator__code=code).first())


def previous_assessment(assessment: IndicatorAssessment) -> IndicatorAssessment | None:
    """The same indicator in the review this one carried on from, when of the same edition."""
    earlier = assessment.review.carried_from
    if earlier is None or earlier.catalogue.edition != assessment.review.catalogue.edition:
        return None
    return earlier.assessments.filter(indicator__code=assessment.indicator.code).first()


def actions_of(review: Review) -> list[Action]:
    return list(Action.objects.filter(assessment__review=review)
                .select_related("owner", "assessment__indicator")
                .order_by("due_on", "assessment__indicator__position", "id"))


def action_get(review: Review, action_id: int) -> Action | None:
    return (Action.objects.filter(pk=action_id, assessment__review=review)
            .select_related("assessment__indicator", "owner").first())


def evidence_link_get(review: Review, link_id: int) -> EvidenceLink | None:
    return EvidenceLink.objects.filter(pk=link_id, assessment__review=review).select_related(
        "assessment__indicator").first()


def evidence_file_get(review: Review, file_id: int) -> EvidenceFile | None:
    return EvidenceFile.objects.filter(pk=file_id, assessment__review=review).select_related(
        "assessment__indicator").first()


def evidence_file_content(review: Review, evidence: EvidenceFile) -> bytes | None:
    path = storage.evidence_path(review.trust_id, evidence.sha256)
    return path.read_bytes() if path.exists() else None


def owner_choices(user, review: Review | None = None) -> list[tuple[int, str]]:
    """People who may own an indicator or an action: the trust's leads, managers and
    administrators (anyone already owning something in the review stays on the list)."""
    if not scoping.can_view_self_assessment(user):
        return []
    wanted = Q(role__in=[Role.LEAD, Role.MANAGER, Role.TRUST_ADMIN], is_active=True)
    if review is not None:
        wanted |= Q(pk__in=IndicatorAssessment.objects.filter(review=review)
                    .values("owner_id")) | Q(pk__in=Action.objects.filter(
                        assessment__review=review).values("owner_id"))
    people = User.objects.filter(wanted, trust_id=user.trust_id).order_by(
        "last_name", "first_name", "username")
    return [(p.pk, f"{p.display_name} ({p.get_role_display()})") for p in people]


def comparable_reviews(user, review: Review) -> QuerySet[Review]:
    """Other reviews of the same trust against the same edition: those a comparison can use."""
    return (reviews_for(user).filter(catalogue__edition=review.catalogue.edition)
            .exclude(pk=review.pk).order_by("-started_at"))


# Comparison ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedIndicator:
    code: str
    domain: str
    text: str
    before: str
    after: str
    change: str  # editions.rating_change, or "added"/"removed" when only one review has it


@dataclass(frozen=True)
class Comparison:
    before: Review
    after: Review
    rows: list[ComparedIndicator]

    @property
    def counts(self) -> Counter:
        return Counter(row.change for row in self.rows)


def comparison(before: Review, after: Review) -> Comparison:
    """Two reviews of one trust and edition, indicator by indicator (older first)."""
    if before.trust_id != after.trust_id or \
            before.catalogue.edition != after.catalogue.edition:
        raise ValueError("Only reviews of the same trust and edition can be compared.")
    if (before.started_at, before.pk) > (after.started_at, after.pk):
        before, after = after, before
    old = {a.indicator.code: a for a in assessments_of(before)}
    new = {a.indicator.code: a for a in assessments_of(after)}
    rows = []
    for code, item in new.items():
        earlier = old.get(code)
        rows.append(ComparedIndicator(
            code, item.indicator.domain, item.indicator.text,
            earlier.rating if earlier else "", item.rating,
            editions.rating_change(earlier.rating, item.rating) if earlier else "added"))
    rows += [ComparedIndicator(code, item.indicator.domain, item.indicator.text, item.rating, "",
                               "removed")
             for code, item in old.items() if code not in new]
    return Comparison(before, after, rows)


# Live evidence ---------------------------------------------------------------------------------


def review_live_evidence(review: Review, *, today: date | None = None) -> dict[str, Any]:
    """A signed-off review's figures as they stood at sign-off; a review in progress's, now."""
    if review.frozen:
        return review.live_evidence
    return live_evidence.live_evidence(review.trust_id, today=today,
                                       spc_target=review.spc_target)
