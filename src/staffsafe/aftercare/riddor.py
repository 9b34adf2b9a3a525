"""RIDDOR for violence against staff: a pure decision from the recorded facts (no Django).

The Reporting of Injuries, Diseases and Dangerous Occurrences Regulations 2013 count "an act of
non-consensual physical violence done to a person at work" as an accident (regulation 2(1)).
Who did it does not matter so long as it was someone other than the worker themselves: a patient,
a visitor, a member of the public, and also a colleague or a manager (HSE: "physical violence by a
person other than the worker"). Verbal abuse and threats are never reportable, however upsetting.

What follows for the injured worker (regulation 4, regulation 12 and Schedule 1):
- a specified injury (or a death): notify HSE without delay and report within 10 days;
- off normal duties for more than 7 consecutive days: report within 15 days of the incident;
- off normal duties for more than 3 (but not more than 7) consecutive days: record it, do not
  report it.
Days are counted after the day of the incident and include weekends and rest days, so 8 days is
the first count that is "more than 7" and 4 the first that is "more than 3".

The national data standard treats injury severity "severe" (and "death") as a specified injury
and limits RIDDOR to the `physical_assault` category; this module follows it, so the incident's
own `riddor_reportable` answer and this assessment never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

SPECIFIED_INJURY = "specified_injury"
OVER_SEVEN_DAY = "over_seven_day"
OVER_THREE_DAY = "over_three_day"
NOT_REPORTABLE = "not_reportable"

# Most serious first: an incident with several people hurt is judged by the worst.
KINDS = (SPECIFIED_INJURY, OVER_SEVEN_DAY, OVER_THREE_DAY, NOT_REPORTABLE)
KIND_LABELS = {
    SPECIFIED_INJURY: "Specified injury",
    OVER_SEVEN_DAY: "Over-seven-day injury",
    OVER_THREE_DAY: "Over-three-day injury (record only)",
    NOT_REPORTABLE: "Not reportable",
}
PHYSICAL_VIOLENCE_CATEGORIES = frozenset({"physical_assault"})
SPECIFIED_SEVERITIES = frozenset({"severe", "death"})
SPECIFIED_INJURY_REPORT_DAYS = 10
OVER_SEVEN_DAY_REPORT_DAYS = 15
PERPETRATOR_WORDS = {
    "patient_service_user": "a patient or service user",
    "relative_carer_visitor": "a relative, carer or visitor",
    "member_of_public": "a member of the public",
    "colleague": "a colleague",
    "manager": "a manager",
    "unknown": "someone not known",
}


@dataclass(frozen=True)
class RiddorAssessment:
    reportable: bool
    kind: str
    reason: str
    deadline: date | None = None
    notify_without_delay: bool = False
    days_off: int | None = None

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def days_between(occurred_on: date, last_day_off: date) -> int:
    """Consecutive days off normal duties, not counting the day of the incident."""
    if last_day_off < occurred_on:
        raise ValueError("The last day off normal duties cannot be before the incident.")
    return (last_day_off - occurred_on).days


def _days_off(occurred_on: date, days: int | None, last_day_off: date | None) -> int | None:
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError("Days off normal duties must be a whole number of 0 or more.")
        return days
    return days_between(occurred_on, last_day_off) if last_day_off is not None else None


def _not_counted(category: str, injured: bool, perpetrator_is_worker: bool) -> str | None:
    if category not in PHYSICAL_VIOLENCE_CATEGORIES:
        return ("Only physical violence counts under RIDDOR: verbal abuse, threats and other "
                "kinds of incident are never reportable.")
    if perpetrator_is_worker:
        return ("RIDDOR counts violence by a person other than the worker; an injury the worker "
                "did to themselves is not reportable as violence.")
    if not injured:
        return "No one was physically injured, so it is not reportable."
    return None


def assess(
    *,
    category: str,
    occurred_on: date,
    injured: bool,
    perpetrator_type: str | None = None,
    perpetrator_is_worker: bool = False,
    injury_severity: str | None = None,
    specified_injury: bool = False,
    days_off_normal_duties: int | None = None,
    last_day_off_normal_duties: date | None = None,
) -> RiddorAssessment:
    """Whether one injured worker's incident must be reported to HSE, and by when.

    Give either `days_off_normal_duties` (consecutive, after the day of the incident, weekends and
    rest days included) or `last_day_off_normal_duties`, from which the count is worked out.
    """
    days = _days_off(occurred_on, days_off_normal_duties, last_day_off_normal_duties)
    refusal = _not_counted(category, injured, perpetrator_is_worker)
    if refusal:
        return RiddorAssessment(False, NOT_REPORTABLE, refusal, days_off=days)
    who = PERPETRATOR_WORDS.get(perpetrator_type or "", "someone other than the worker")
    if specified_injury or injury_severity in SPECIFIED_SEVERITIES:
        deadline = occurred_on + timedelta(days=SPECIFIED_INJURY_REPORT_DAYS)
        what = "A death" if injury_severity == "death" else "A specified injury"
        return RiddorAssessment(
            True, SPECIFIED_INJURY,
            f"{what} from physical violence at work by {who}: notify HSE without delay and "
            f"report within 10 days, by {_day(deadline)}.",
            deadline, notify_without_delay=True, days_off=days)
    if days is None:
        return RiddorAssessment(
            False, NOT_REPORTABLE,
            "No days off normal duties are recorded yet. It becomes reportable if they are off "
            "normal duties for more than 7 consecutive days after the day of the incident.")
    if days > 7:
        deadline = occurred_on + timedelta(days=OVER_SEVEN_DAY_REPORT_DAYS)
        return RiddorAssessment(
            True, OVER_SEVEN_DAY,
            f"Off normal duties for {days} consecutive days (more than 7) after physical "
            f"violence at work by {who}: report within 15 days of the incident, by "
            f"{_day(deadline)}.", deadline, days_off=days)
    if days > 3:
        return RiddorAssessment(
            False, OVER_THREE_DAY,
            f"Off normal duties for {days} consecutive days (more than 3, not more than 7): "
            "keep a record (for example in the accident book); do not report it to HSE.",
            days_off=days)
    return RiddorAssessment(
        False, NOT_REPORTABLE,
        f"Off normal duties for {days} day{'' if days == 1 else 's'} (not more than 3) and no "
        "specified injury, so it is neither reportable nor recordable under RIDDOR.",
        days_off=days)


def most_serious(assessments: Iterable[RiddorAssessment]) -> RiddorAssessment | None:
    """The assessment that decides for the incident: the most serious, then the earliest due."""
    ranked = sorted(assessments, key=lambda a: (KINDS.index(a.kind),
                                                a.deadline or date.max))
    return ranked[0] if ranked else None
