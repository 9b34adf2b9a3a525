"""The two editions of the Violence Prevention and Reduction Standard, as plain data.

What is fixed by the editions themselves lives here (their domains, how each is rated, which of
StaffSafe's own figures count as live evidence for a domain); the indicators are national
reference data loaded from a catalogue file (see `catalogue_file`). No Django import: the
catalogue loader, the exports and the tests all read the same lists.
"""

from __future__ import annotations

from dataclasses import dataclass

EDITION_2021 = "2021"
EDITION_2024 = "2024"

# Every rating is stored as red, amber or green so that counts, colours and "better or worse"
# work the same for both editions; each edition names the three levels in its own words.
RED, AMBER, GREEN = "red", "amber", "green"
RATING_LEVEL = {RED: 1, AMBER: 2, GREEN: 3}
RATING_COLOUR = {RED: "red", AMBER: "orange", GREEN: "green"}

# Live evidence: figures StaffSafe computes from its own records (see selectors.live_evidence).
VOLUMES, SPC, FEEDBACK, AFTERCARE, RETURNS = (
    "reporting_volumes", "spc", "feedback", "aftercare", "returns")
LIVE_EVIDENCE_LABELS = {
    VOLUMES: "Reports received in each of the last 12 months",
    SPC: "Statistical process control of monthly reports",
    FEEDBACK: "Reports whose reporter was given feedback",
    AFTERCARE: "Physical assaults with a debrief and a wellbeing conversation offered",
    RETURNS: "Monthly national returns accepted",
}


@dataclass(frozen=True)
class Domain:
    code: str
    name: str
    phase: str = ""  # the 2021 edition groups its areas under Plan, Do, Check and Act
    live_evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rating:
    code: str
    label: str
    meaning: str


@dataclass(frozen=True)
class Edition:
    code: str
    name: str
    short_name: str
    domains: tuple[Domain, ...]
    ratings: tuple[Rating, ...]

    def domain(self, code: str) -> Domain | None:
        return next((d for d in self.domains if d.code == code), None)

    def domain_name(self, code: str) -> str:
        domain = self.domain(code)
        return domain.name if domain else code

    def rating_label(self, code: str) -> str:
        return next((r.label for r in self.ratings if r.code == code), "Not rated")

    def find_domain(self, text: str) -> Domain | None:
        """A domain named by its code or its name, in any case ("Data", "data")."""
        wanted = " ".join(text.split()).casefold()
        return next((d for d in self.domains
                     if wanted in (d.code.casefold(), d.name.casefold())), None)

    @property
    def phases(self) -> list[str]:
        return list(dict.fromkeys(d.phase for d in self.domains if d.phase))


EDITIONS: dict[str, Edition] = {
    EDITION_2021: Edition(
        code=EDITION_2021,
        name="Violence prevention and reduction standard (December 2020, in use from 2021)",
        short_name="2021 edition",
        domains=(
            Domain("board_accountability", "Board accountability", "Plan"),
            Domain("risk_assessment", "Workforce and workplace risk assessments", "Plan"),
            Domain("workforce_engagement", "Workforce engagement", "Do"),
            Domain("training", "Training", "Do"),
            Domain("supporting_roles", "Supporting roles", "Do", (AFTERCARE,)),
            Domain("audit_assurance", "Audit and assurance", "Check",
                   (VOLUMES, SPC, FEEDBACK, RETURNS)),
            Domain("learning_from_reviews", "Learning outcomes from management reviews", "Act"),
        ),
        ratings=(
            Rating(GREEN, "Compliant", "The requirement is met and the evidence shows it."),
            Rating(AMBER, "Partially compliant", "Some of the requirement is met, or it is met "
                                                 "without evidence yet."),
            Rating(RED, "Not compliant", "The requirement is not met."),
        ),
    ),
    EDITION_2024: Edition(
        code=EDITION_2024,
        name="Violence prevention and reduction standard, version 2 (December 2024)",
        short_name="Version 2 (2024)",
        domains=(
            Domain("leadership", "Leadership and accountability"),
            Domain("governance", "Governance and assurance"),
            Domain("collaboration", "Collaboration"),
            Domain("data", "Data", live_evidence=(VOLUMES, SPC, FEEDBACK, RETURNS)),
            Domain("workforce", "Workforce", live_evidence=(AFTERCARE,)),
            Domain("interventions", "Interventions"),
            Domain("evaluation", "Evaluation", live_evidence=(SPC,)),
        ),
        ratings=(
            Rating(GREEN, "Green", "Fully in place, embedded and evidenced."),
            Rating(AMBER, "Amber", "Partly in place or in progress: an action plan is needed."),
            Rating(RED, "Red", "Not in place: an action plan is needed."),
        ),
    ),
}


def edition(code: str) -> Edition:
    return EDITIONS[code]


def edition_choices() -> list[tuple[str, str]]:
    return [(e.code, e.name) for e in EDITIONS.values()]


def rating_change(before: str, after: str) -> str:
    """How a rating moved between two reviews: improved, worse, same, new, unrated."""
    if not before and not after:
        return "same"
    if not before:
        return "new"
    if not after:
        return "unrated"
    difference = RATING_LEVEL[after] - RATING_LEVEL[before]
    return "improved" if difference > 0 else "worse" if difference < 0 else "same"
