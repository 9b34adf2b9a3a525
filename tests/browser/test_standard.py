"""The Violence Prevention and Reduction Standard in a real browser: a lead runs a
self-assessment from start to the board's sign-off, a manager reads it, and the national
administrator loads a catalogue. Every page on the way, error states included, is checked with
axe-core."""

from __future__ import annotations

from datetime import date

import pytest

from staffsafe.standard import editions, services
from staffsafe.standard.models import Review
from tests.browser.pages import Tab

pytestmark = pytest.mark.django_db(transaction=True)

VERSION_2 = editions.edition("2024").name
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.STANDARD_EVIDENCE_DIR = tmp_path / "evidence"


@pytest.fixture
def catalogues(db):
    return services.starter_catalogues_load(actor=None, actor_label="tests")


def rate(tab: Tab, rating: str, why: str) -> None:
    tab.choose("Rating (optional)", rating)
    tab.enter("Why this rating (optional)", why)
    tab.press("Save")


def rate_the_rest_green(lead) -> Review:
    review = Review.objects.get(trust=lead.trust, status="draft")
    for item in review.assessments.filter(rating=""):
        services.assessment_update(actor=lead, review=review, assessment=item, rating="green",
                                   note="In place.", owner_id=None)
    return review


@pytest.mark.browser
def test_a_lead_runs_a_self_assessment_to_the_boards_sign_off(open_tab, world, catalogues):
    # Given a lead whose trust has not assessed itself yet
    tab = open_tab(world.lead)
    tab.open("/self-assessment/")
    assert tab.heading() == "Violence Prevention and Reduction Standard"
    assert tab.main().get_by_text("No review has been signed off yet, so one is due now.") \
        .is_visible()

    # When they start a review against version 2
    tab.follow("Start a self-assessment")
    assert tab.main().get_by_text("Not the official text").first.is_visible()
    tab.choose("Which edition of the Standard?", VERSION_2)
    tab.enter("Name of the review (optional)", "Spring 2026")
    tab.press("Start the review")

    # Then they see the review, every domain, and that the indicators are not the official text
    assert tab.heading() == "Spring 2026"
    assert tab.page.get_by_role("heading", name="Data", exact=True).is_visible()
    assert tab.main().get_by_text("Not the official text").first.is_visible()

    # When they rate a data indicator amber, saying why, and name its owner
    tab.follow("DA2")
    assert tab.heading() == "Indicator DA2"
    assert tab.page.get_by_role("heading", name="Live evidence from StaffSafe").is_visible()
    tab.select("Owner of this indicator", f"{world.manager.display_name} (Manager)")
    rate(tab, "Amber: Partly in place or in progress: an action plan is needed.",
         "Monthly analysis exists but no SPC yet.")
    assert tab.main().get_by_text("Indicator DA2 has been saved.").is_visible()

    # And add an action, a link and a file as evidence
    tab.follow("Add an action")
    tab.enter("What will be done", "Chart monthly incidents with SPC for the committee.")
    tab.enter_date("Due by", date(2027, 1, 31))
    tab.choose("Status", "In progress")
    tab.press("Save")
    tab.follow("Add a link to evidence")
    tab.press("Save")  # empty first: the error state passes axe too
    assert tab.error_summary().is_visible()
    tab.enter("What the link shows", "Committee paper, March 2026")
    tab.enter("Web address", "https://intranet.example.nhs.uk/committee.pdf")
    tab.press("Save")
    tab.follow("Upload a file as evidence")
    tab.page.get_by_label("File", exact=True).set_input_files(files=[{
        "name": "analysis.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    tab.enter("What the file shows (optional)", "Monthly analysis")
    tab.press("Save")

    # Then the indicator shows its evidence and its action
    main = tab.main()
    assert main.get_by_role("link", name="Committee paper, March 2026").is_visible()
    assert main.get_by_role("link", name="Monthly analysis").is_visible()
    assert main.get_by_role("cell", name="Chart monthly incidents with SPC for the committee.") \
        .is_visible()

    # When they try to record the sign-off with indicators still unrated
    tab.follow("Back to the review")
    tab.follow("Record the board's sign-off")
    tab.press("Record the sign-off")

    # Then they are told every missing detail and every indicator still to rate
    assert "22 indicators are not ready to sign off" in tab.error_summary().inner_text()
    assert tab.main().get_by_role("link", name="Rate indicator LA1").is_visible()

    # When everything is rated and the board's decision is recorded
    review = rate_the_rest_green(world.lead)
    tab.enter_date("Date of the board meeting", date(2026, 3, 24))
    tab.enter("Signed off by", "Dr A Patel, Chair")
    tab.enter("Board minute reference", "BM/26/041")
    tab.choose("Did the board flag concern?", "No")
    tab.press("Record the sign-off")

    # Then the review is frozen and the next one is due in six months
    assert tab.heading() == "Spring 2026"
    assert tab.main().get_by_text("Signed off and frozen").is_visible()
    assert tab.main().get_by_text("Due by 24 September 2026 (every six months).").is_visible()
    tab.follow("See the improvement action plan")
    assert tab.heading() == "Improvement action plan"

    # When they start the next review, it carries the work over, and they compare the two
    tab.open("/self-assessment/start/")
    tab.choose("Which edition of the Standard?", VERSION_2)
    tab.enter("Name of the review (optional)", "Autumn 2026")
    tab.press("Start the review")
    assert tab.main().get_by_text("Carried over from").is_visible()
    tab.follow("DA2")
    rate(tab, "Green: Fully in place, embedded and evidenced.", "SPC charts now in use.")
    tab.follow("Back to the review")
    tab.follow("Compare with another review")
    assert tab.heading() == "Compare reviews"
    row = tab.main().get_by_role("row").filter(has_text="DA2")
    assert "Better" in row.inner_text()
    assert review.pk != Review.objects.get(status="draft").pk


@pytest.mark.browser
def test_a_manager_reads_the_self_assessment_without_javascript(open_tab, world, catalogues):
    # Given a review in progress with a rated indicator and an overdue action
    review = services.review_start(actor=world.lead, edition="2024").review
    item = review.assessments.get(indicator__code="WF2")
    services.assessment_update(actor=world.lead, review=review, assessment=item, rating="red",
                               note="Debriefs are not offered reliably.", owner_id=None)
    services.action_create(actor=world.lead, review=review, assessment=item,
                           description="Agree a debrief standard.", owner_id=world.manager.pk,
                           due_on=date(2020, 1, 1))

    # When a manager of the trust reads it, with JavaScript off
    tab = open_tab(world.manager, javascript=False)
    tab.open("/self-assessment/")
    tab.follow(f"See the review in progress: {review.title}")
    tab.follow("WF2")

    # Then they see the rating, the reasons and the overdue action, and no form to change them
    assert tab.main().get_by_text("Debriefs are not offered reliably.").is_visible()
    assert tab.main().get_by_text("Overdue: Not started").is_visible()
    assert tab.page.get_by_role("button", name="Save").count() == 0
    tab.follow("Back to the review")
    tab.follow("See the improvement action plan")
    tab.open(f"/self-assessment/{review.pk}/compare/")
    tab.open("/self-assessment/catalogues/")


@pytest.mark.browser
def test_the_national_administrator_loads_a_catalogue(open_tab, national_admin, db):
    # Given a national administrator and no catalogue yet
    tab = open_tab(national_admin)
    tab.open("/self-assessment/catalogues/")
    assert tab.heading() == "Indicator catalogues"

    # When they upload a file with mistakes
    tab.follow("Load a catalogue from a file")
    tab.page.get_by_label("Catalogue file").set_input_files(files=[{
        "name": "catalogue.csv", "mimeType": "text/csv",
        "buffer": b"edition,domain,indicator_id,text,evidence_guidance\r\n"
                  b"2023,Weather,,,\r\n"}])
    tab.press("Load")

    # Then every problem is listed with its row and column, and the page passes axe
    assert tab.page.get_by_role("heading", name="Problems in the file (3)").is_visible()
    assert tab.main().get_by_role("cell", name="Row 2, column 'edition'").is_visible()

    # When they load the starter catalogues instead
    tab.open("/self-assessment/catalogues/")
    tab.press("Load the starter catalogues")

    # Then both editions are listed as not the official text, and each can be read
    assert tab.main().get_by_role("cell", name="Not the official text").count() == 2
    tab.follow("StaffSafe starter catalogue, 2021 edition")
    assert tab.page.get_by_role("heading", name="Plan: Board accountability").is_visible()
    assert tab.main().get_by_text("Not the official text").first.is_visible()
