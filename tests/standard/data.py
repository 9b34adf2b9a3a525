"""Helpers that run a review through the services as a lead would; the access matrix can reuse
`review_with_everything`."""

from __future__ import annotations

from datetime import date

from staffsafe.standard import editions, services
from staffsafe.standard.models import Action, Review

PDF = b"%PDF-1.4\n%%EOF\n"


def review_with_everything(world) -> dict[str, object]:
    """A review in progress for the world's trust with a link, a file and an action on DA1.

    Needs the starter catalogues loaded (`services.starter_catalogues_load`) and, so files land
    in a temporary folder, `settings.STANDARD_EVIDENCE_DIR` set. Returns the values to fill a
    route's {review}, {code}, {link}, {file}, {action} and {catalogue}.
    """
    review = services.review_start(actor=world.lead, edition="2024").review
    item = review.assessments.select_related("indicator").get(indicator__code="DA1")
    link = services.evidence_link_add(actor=world.lead, review=review, assessment=item,
                                      title="Minutes", url="https://example.org/minutes")
    evidence = services.evidence_file_add(actor=world.lead, review=review, assessment=item,
                                          title="Paper", file_name="paper.pdf", content=PDF)
    action = services.action_create(actor=world.lead, review=review, assessment=item,
                                    description="Train staff", owner_id=None,
                                    due_on=date(2027, 1, 1))
    return {"review": review.pk, "code": "DA1", "link": link.pk, "file": evidence.pk,
            "action": action.pk, "catalogue": review.catalogue_id}


def start(lead, edition: str = editions.EDITION_2024, **kwargs) -> Review:
    return services.review_start(actor=lead, edition=edition, **kwargs).review


def rate_all(lead, review: Review, rating: str = editions.GREEN, *, due_on=date(2030, 1, 1)
             ) -> None:
    """Rate every indicator; a non-green one also gets an action, so it can be signed off."""
    for assessment in review.assessments.select_related("indicator"):
        services.assessment_update(actor=lead, review=review, assessment=assessment,
                                   rating=rating, note=f"Note for {assessment.indicator.code}",
                                   owner_id=lead.pk)
        if rating != editions.GREEN:
            services.action_create(actor=lead, review=review, assessment=assessment,
                                   description=f"Fix {assessment.indicator.code}",
                                   owner_id=lead.pk, due_on=due_on,
                                   status=Action.Status.IN_PROGRESS)


def sign_off(lead, review: Review, on: date, *, concern: bool = False) -> Review:
    return services.review_sign_off(actor=lead, review=review, board_meeting_on=on,
                                    signed_off_by_name="Dr A Patel, Chair",
                                    minute_reference="BM/26/041", board_concern=concern)
