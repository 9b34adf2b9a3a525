"""How the Standard reads on a page, in the spreadsheet and in the board's PDF: ratings in each
edition's own words, summaries by domain, overdue actions and live evidence in sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from staffsafe.core.presenters import date_uk, datetime_uk
from staffsafe.standard import cycle, editions, selectors
from staffsafe.standard.models import Action, Catalogue, IndicatorAssessment, Review

NOT_OFFICIAL = ("These indicators were written from the public descriptions of the Standard, "
                "not taken from NHS England's own wording. Use them to start; the national "
                "administrator can load the official list.")
ACTION_TAG_COLOURS = {"not_started": "grey", "in_progress": "blue", "done": "green",
                      "cancelled": "white"}
CHANGE_LABELS = {"improved": "Better", "worse": "Worse", "same": "No change",
                 "new": "Newly rated", "unrated": "No longer rated",
                 "added": "New indicator", "removed": "Indicator removed"}
CHANGE_COLOURS = {"improved": "green", "worse": "red", "new": "blue", "unrated": "grey",
                  "added": "blue", "removed": "grey"}


def catalogue_notice(catalogue: Catalogue) -> str:
    """The words every page showing an unofficial catalogue carries ("" when official)."""
    return "" if catalogue.official else NOT_OFFICIAL


def catalogue_label(catalogue: Catalogue) -> str:
    return catalogue.title + ("" if catalogue.official else " (not the official text)")


def rating_label(edition_code: str, rating: str) -> str:
    return editions.edition(edition_code).rating_label(rating)


def rating_tag(edition_code: str, rating: str) -> dict[str, str]:
    colour = editions.RATING_COLOUR.get(rating, "grey")
    return {"text": rating_label(edition_code, rating), "classes": f"nhsuk-tag--{colour}"}


def change_tag(change: str) -> dict[str, str] | None:
    if change == "same":
        return None
    return {"text": CHANGE_LABELS[change],
            "classes": f"nhsuk-tag--{CHANGE_COLOURS.get(change, 'grey')}"}


def is_overdue(action: Action, today: date) -> bool:
    return action.is_open and action.due_on < today


def action_tag(action: Action, today: date) -> dict[str, str]:
    if is_overdue(action, today):
        return {"text": f"Overdue: {action.get_status_display()}", "classes": "nhsuk-tag--red"}
    return {"text": action.get_status_display(),
            "classes": f"nhsuk-tag--{ACTION_TAG_COLOURS[action.status]}"}


def person(user: Any) -> str:
    return user.display_name if user else "Nobody yet"


@dataclass
class DomainSummary:
    code: str
    name: str
    phase: str
    assessments: list[IndicatorAssessment] = field(default_factory=list)

    def count(self, rating: str) -> int:
        return sum(1 for a in self.assessments if a.rating == rating)

    @property
    def unrated(self) -> int:
        return sum(1 for a in self.assessments if not a.rating)


def domain_summaries(review: Review, assessments: list[IndicatorAssessment]
                     ) -> list[DomainSummary]:
    edition = editions.edition(review.catalogue.edition)
    summaries = {d.code: DomainSummary(d.code, d.name, d.phase) for d in edition.domains}
    for assessment in assessments:
        summaries[assessment.indicator.domain].assessments.append(assessment)
    return [s for s in summaries.values() if s.assessments]


def rating_totals(assessments: list[IndicatorAssessment]) -> dict[str, int]:
    totals = {editions.GREEN: 0, editions.AMBER: 0, editions.RED: 0, "": 0}
    for assessment in assessments:
        totals[assessment.rating] += 1
    return totals


# Live evidence in words --------------------------------------------------------------------------


def _share(part: int, whole: int) -> str:
    if not whole:
        return "none in the period"
    return f"{part:,} of {whole:,} ({round(100 * part / whole)}%)"


@dataclass(frozen=True)
class LiveItem:
    key: str
    title: str
    summary: str
    months: list[dict[str, Any]] = field(default_factory=list)


def _live_item(key: str, evidence: dict[str, Any]) -> LiveItem:
    title = editions.LIVE_EVIDENCE_LABELS[key]
    data = evidence.get(key) or {}
    if key == editions.VOLUMES:
        return LiveItem(key, title, f"{data.get('total', 0):,} reports in the 12 months.",
                        data.get("months", []))
    if key == editions.SPC:
        if not data.get("available"):
            return LiveItem(key, title, data.get("reason", "Not available."))
        # describe() already reads assurance against a target into its sentence.
        no_target = "" if data.get("target") is not None else \
            " No monthly target is set, so there is no assurance reading."
        return LiveItem(key, title, f"{data['variation_label']} over {data['months']} months "
                                    f"(mean {data['mean']:g} a month). {data['sentence']}"
                                    + no_target)
    if key == editions.FEEDBACK:
        if not data.get("total"):
            return LiveItem(key, title, "No reports were received in the 12 months.")
        given = _share(data.get("given", 0), data["total"])
        return LiveItem(key, title, f"Feedback was given on {given} reports received in the "
                                    "12 months.")
    if key == editions.AFTERCARE:
        assaults = data.get("assaults", 0)
        if not assaults:
            return LiveItem(key, title, "No physical assaults were reported in the 12 months.")
        return LiveItem(key, title, f"Of {assaults:,} physical assaults reported in the 12 "
                                    f"months: debrief offered in "
                                    f"{_share(data.get('debrief', 0), assaults)}; wellbeing "
                                    f"conversation offered in "
                                    f"{_share(data.get('wellbeing', 0), assaults)}.")
    return LiveItem(key, title, f"Returns accepted for {data.get('accepted', 0)} of the last "
                                f"{data.get('months', 12)} months.")


def live_items(evidence: dict[str, Any], keys: tuple[str, ...] | None = None) -> list[LiveItem]:
    wanted = keys if keys is not None else tuple(editions.LIVE_EVIDENCE_LABELS)
    return [_live_item(key, evidence) for key in wanted if key in evidence]


def live_evidence_period(evidence: dict[str, Any]) -> str:
    period = evidence.get("period") or {}
    if not period:
        return ""

    def month(text: str) -> str:
        year, number = text.split("-")
        return date(int(year), int(number), 1).strftime("%B %Y")

    return f"{month(period['from'])} to {month(period['to'])}"


# The whole review, for the exports ---------------------------------------------------------------


@dataclass
class ReviewReport:
    review: Review
    edition: editions.Edition
    assessments: list[IndicatorAssessment]
    summaries: list[DomainSummary]
    totals: dict[str, int]
    actions: list[Action]
    overdue: list[Action]
    live: list[LiveItem]
    live_period: str
    next_review: cycle.NextReview
    today: date

    @property
    def trust_name(self) -> str:
        return self.review.trust.name

    @property
    def status(self) -> str:
        return self.review.get_status_display()

    @property
    def sign_off_lines(self) -> list[tuple[str, str]]:
        review = self.review
        if not review.frozen:
            return [("Board sign-off", "Not yet signed off by the board")]
        return [("Board meeting", date_uk(review.board_meeting_on)),
                ("Signed off by", review.signed_off_by_name),
                ("Minute reference", review.minute_reference),
                ("Board flagged concern", "Yes" if review.board_concern else "No"),
                ("Recorded in StaffSafe", f"{datetime_uk(review.signed_off_at)} by "
                                          f"{person(review.signed_off_recorded_by)}")]

    @property
    def next_review_text(self) -> str:
        return next_review_text(self.next_review)


def next_review_text(next_review: cycle.NextReview) -> str:
    if next_review.due_on is None:
        return "No review has been signed off yet, so one is due now."
    text = f"Due by {date_uk(next_review.due_on)} ({next_review.cycle_label.lower()})."
    return ("Overdue. " + text) if next_review.overdue else text


def next_review_of(user, review: Review, today: date) -> cycle.NextReview:
    """For a signed-off review: the review it makes due. For one in progress: the trust's."""
    if review.frozen:
        return cycle.next_review(review.board_meeting_on, review.board_concern, today)
    return selectors.next_review_for(user, today=today)  # type: ignore[return-value]


def review_report(user, review: Review, *, today: date | None = None) -> ReviewReport:
    today = today or timezone.localdate()
    assessments = selectors.assessments_of(review)
    actions = selectors.actions_of(review)
    evidence = selectors.review_live_evidence(review, today=today)
    return ReviewReport(
        review=review, edition=editions.edition(review.catalogue.edition),
        assessments=assessments, summaries=domain_summaries(review, assessments),
        totals=rating_totals(assessments), actions=actions,
        overdue=[a for a in actions if is_overdue(a, today)],
        live=live_items(evidence), live_period=live_evidence_period(evidence),
        next_review=next_review_of(user, review, today), today=today)
