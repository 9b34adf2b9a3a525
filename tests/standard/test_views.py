"""The Standard's pages: who may see and do what (every route × every role × own/other trust),
bad input answered with a located error and never a 500, and a frozen review's pages."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from datetime import date

import pytest

from staffsafe.audit.models import AuditEvent
from staffsafe.standard.models import Action, IndicatorAssessment, Review
from tests.standard.data import PDF, rate_all, review_with_everything, sign_off, start

ROLES = ["anonymous", "reporter", "manager", "lead", "trust_admin", "national_analyst",
         "national_admin"]


def viewers(role, scope):
    """Pages of one review: its trust's lead and managers read them; another trust's is 404."""
    if role == "anonymous":
        return 302
    if role not in ("lead", "manager"):
        return 403
    return 200 if scope == "own" else 404


def lead_only(role, scope):
    """Pages that change a review: its trust's lead only."""
    if role == "anonymous":
        return 302
    if role != "lead":
        return 403
    return 200 if scope == "own" else 404


def standard_page(role, scope):
    return 302 if role == "anonymous" else 200 if role in ("lead", "manager") else 403


def start_page(role, scope):
    # In this data the lead's trust already has a review in progress, so they are sent to it.
    return 302 if role in ("anonymous", "lead") else 403


def signed_in(role, scope):
    return 302 if role == "anonymous" else 200


def national_admin(role, scope):
    return 302 if role == "anonymous" else 200 if role == "national_admin" else 403


def post_only(role, scope):
    return 302 if role == "anonymous" else 405


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    expect: object


ROUTES = [
    Route("standard:overview", "/self-assessment/", standard_page),
    Route("standard:start", "/self-assessment/start/", start_page),
    Route("standard:review", "/self-assessment/{review}/", viewers),
    Route("standard:review-edit", "/self-assessment/{review}/edit/", lead_only),
    Route("standard:indicator", "/self-assessment/{review}/indicators/{code}/", viewers),
    Route("standard:link-add", "/self-assessment/{review}/indicators/{code}/links/add/",
          lead_only),
    Route("standard:file-add", "/self-assessment/{review}/indicators/{code}/files/add/",
          lead_only),
    Route("standard:action-add", "/self-assessment/{review}/indicators/{code}/actions/add/",
          lead_only),
    Route("standard:link-remove", "/self-assessment/{review}/links/{link}/remove/", post_only),
    Route("standard:file-download", "/self-assessment/{review}/files/{file}/", viewers),
    Route("standard:file-remove", "/self-assessment/{review}/files/{file}/remove/", post_only),
    Route("standard:action-plan", "/self-assessment/{review}/actions/", viewers),
    Route("standard:action-edit", "/self-assessment/{review}/actions/{action}/", lead_only),
    Route("standard:sign-off", "/self-assessment/{review}/sign-off/", lead_only),
    Route("standard:compare", "/self-assessment/{review}/compare/", viewers),
    Route("standard:export-xlsx", "/self-assessment/{review}/export.xlsx", viewers),
    Route("standard:export-pdf", "/self-assessment/{review}/board-report.pdf", viewers),
    Route("standard:catalogues", "/self-assessment/catalogues/", signed_in),
    Route("standard:catalogue-upload", "/self-assessment/catalogues/upload/", national_admin),
    Route("standard:catalogue-starter", "/self-assessment/catalogues/starter/", post_only),
    Route("standard:catalogue", "/self-assessment/catalogues/{catalogue}/", signed_in),
    Route("standard:catalogue-download", "/self-assessment/catalogues/{catalogue}/catalogue.csv",
          signed_in),
]


def test_every_route_of_the_app_is_here():
    from staffsafe.standard.urls import urlpatterns

    assert {f"standard:{p.name}" for p in urlpatterns} == {r.name for r in ROUTES}


@pytest.fixture
def data(world, other_world, catalogues):
    return {"own": review_with_everything(world), "other": review_with_everything(other_world)}


@pytest.fixture
def people(world, national_analyst, national_admin):
    return {"anonymous": None, "reporter": world.reporter, "manager": world.manager,
            "lead": world.lead, "trust_admin": world.trust_admin,
            "national_analyst": national_analyst, "national_admin": national_admin}


def test_access(client, data, people, other_world):
    """Every route × role × trust in one test (each case alone would rebuild the data)."""
    wrong = []
    for route in ROUTES:
        for role in ROLES:
            for scope in ("own", "other"):
                client.logout()
                if people[role] is not None:
                    client.force_login(people[role],
                                       backend="django.contrib.auth.backends.ModelBackend")
                response = client.get(route.path.format(**data[scope]))
                expected = route.expect(role, scope)
                if response.status_code != expected:
                    wrong.append(f"{route.name} {role} {scope}: {response.status_code}, "
                                 f"expected {expected}")
                if scope == "other":
                    assert other_world.trust.name.encode() not in response.content, \
                        f"{route.name} {role} leaked the other trust's review"
    assert not wrong, "\n".join(wrong)


def test_asking_for_another_trusts_review_is_audited_as_a_refusal(client_for, world, data):
    response = client_for(world.lead).get(f"/self-assessment/{data['other']['review']}/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="refused", object_type="standard_review",
                                     actor=world.lead).exists()


@pytest.mark.parametrize("path", [
    "/self-assessment/999999/", "/self-assessment/999999/indicators/DA1/",
    "/self-assessment/{review}/indicators/NOPE/", "/self-assessment/{review}/actions/999999/",
    "/self-assessment/{review}/files/999999/", "/self-assessment/catalogues/999999/",
    "/self-assessment/{review}/indicators/DA1%3Cscript%3E/",
])
def test_things_that_do_not_exist_are_404_never_500(client_for, world, data, path):
    response = client_for(world.lead).get(path.format(**data["own"]))
    assert response.status_code == 404


# Bad input: a located error ---------------------------------------------------------------------


def _errors(response) -> str:
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page
    return page


def test_a_rating_that_is_not_on_the_list_is_a_located_error(client_for, world, data):
    path = f"/self-assessment/{data['own']['review']}/indicators/DA1/"
    page = _errors(client_for(world.lead).post(path, {"rating": "purple", "owner": "abc"}))
    assert 'href="#id_rating"' in page and "Choose one of the ratings" in page
    assert 'href="#id_owner"' in page and "Choose a person of this trust from the list" in page
    assert not IndicatorAssessment.objects.exclude(rating="").exists()


def test_an_owner_from_another_trust_is_a_located_error(client_for, world, other_world, data):
    path = f"/self-assessment/{data['own']['review']}/indicators/DA1/"
    page = _errors(client_for(world.lead).post(path, {"rating": "red",
                                                      "owner": other_world.lead.pk}))
    assert 'href="#id_owner"' in page


def test_an_action_without_a_real_date_is_a_located_error(client_for, world, data):
    path = f"/self-assessment/{data['own']['review']}/indicators/DA1/actions/add/"
    page = _errors(client_for(world.lead).post(path, {
        "description": "", "due_on-day": "31", "due_on-month": "2", "due_on-year": "2027",
        "status": "sideways"}))
    assert "Enter what will be done" in page
    assert "The date must be a real date, like 27 3 2026" in page and 'href="#id_due_on"' in page
    assert 'href="#id_status"' in page
    assert Action.objects.count() == 2  # the two of the fixture data, nothing more


def test_a_link_that_is_not_a_web_address_is_a_located_error(client_for, world, data):
    path = f"/self-assessment/{data['own']['review']}/indicators/DA1/links/add/"
    for url in ("javascript:alert(1)", "ftp://example.org/x", "not a url"):
        page = _errors(client_for(world.lead).post(path, {"title": "X", "url": url}))
        assert 'href="#id_url"' in page


def test_a_refused_file_is_a_located_error(client_for, world, data):
    path = f"/self-assessment/{data['own']['review']}/indicators/DA1/files/add/"
    upload = io.BytesIO(b"<html><script>alert(1)</script></html>")
    upload.name = "minutes.pdf"
    page = _errors(client_for(world.lead).post(path, {"file": upload, "title": ""}))
    assert 'href="#id_file"' in page and "its contents do not match its name" in page


def test_an_uploaded_file_is_saved(client_for, world, data):
    path = f"/self-assessment/{data['own']['review']}/indicators/DA2/files/add/"
    upload = io.BytesIO(PDF)
    upload.name = "training figures.pdf"
    response = client_for(world.lead).post(path, {"file": upload, "title": "Training"})
    assert response.status_code == 302
    review = Review.objects.get(pk=data["own"]["review"])
    assert review.assessments.get(indicator__code="DA2").files.get().title == "Training"


def test_sign_off_lists_what_is_still_to_do(client_for, world, data):
    path = f"/self-assessment/{data['own']['review']}/sign-off/"
    page = _errors(client_for(world.lead).post(path, {}))
    for field in ("board_meeting_on", "signed_off_by_name", "minute_reference",
                  "board_concern"):
        assert f'href="#id_{field}"' in page
    page = _errors(client_for(world.lead).post(path, {
        "board_meeting_on-day": "24", "board_meeting_on-month": "3",
        "board_meeting_on-year": "2026", "signed_off_by_name": "Chair",
        "minute_reference": "BM/1", "board_concern": "no"}))
    assert "Rate indicator LA1" in page and 'href="#unfinished"' in page
    assert "23 indicators are not ready to sign off" in page
    assert not Review.objects.filter(status="signed_off").exists()


def test_sign_off_through_the_page_freezes_the_review(client_for, world, data):
    review = Review.objects.get(pk=data["own"]["review"])
    rate_all(world.lead, review)
    client = client_for(world.lead)
    response = client.post(f"/self-assessment/{review.pk}/sign-off/", {
        "board_meeting_on-day": "24", "board_meeting_on-month": "3",
        "board_meeting_on-year": "2026", "signed_off_by_name": "Dr A Patel, Chair",
        "minute_reference": "BM/26/041", "board_concern": "yes"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.frozen and review.board_concern

    # Pages that would change it now send the lead back with a message
    for path in ("edit/", "sign-off/", "indicators/DA1/links/add/",
                 f"actions/{data['own']['action']}/"):
        response = client.get(f"/self-assessment/{review.pk}/{path}")
        assert response.status_code == 302, path
    response = client.post(f"/self-assessment/{review.pk}/indicators/DA1/", {"rating": "red"},
                           follow=True)
    assert "cannot be changed" in response.content.decode()
    assert review.assessments.get(indicator__code="DA1").rating == "green"
    page = client.get(f"/self-assessment/{review.pk}/indicators/DA1/").content.decode()
    assert "Rate this indicator" not in page and "Remove" not in page


def test_a_manager_reads_an_indicator_but_cannot_change_it(client_for, world, data):
    client = client_for(world.manager)
    path = f"/self-assessment/{data['own']['review']}/indicators/DA1/"
    page = client.get(path).content.decode()
    assert "Rate this indicator" not in page and "Train staff" in page
    assert client.post(path, {"rating": "red"}).status_code == 403


def test_start_needs_an_edition(client_for, world, catalogues):
    client = client_for(world.lead)
    page = _errors(client.post("/self-assessment/start/", {"spc_target": "-3"}))
    assert 'href="#id_edition"' in page and 'href="#id_spc_target"' in page
    response = client.post("/self-assessment/start/", {"edition": "2021", "title": "First"})
    assert response.status_code == 302
    assert Review.objects.get().title == "First"


def test_start_without_catalogues_says_what_to_do(client_for, world, db):
    page = client_for(world.lead).get("/self-assessment/start/").content.decode()
    assert "Ask your national administrator to load one" in page


def test_the_review_page_summarises_by_domain(client_for, world, data):
    review = Review.objects.get(pk=data["own"]["review"])
    rate_all(world.lead, review, "amber")
    page = html.unescape(client_for(world.manager).get(f"/self-assessment/{review.pk}/")
                         .content.decode())
    assert "Summary by domain" in page and "Leadership and accountability" in page
    assert "Live evidence from StaffSafe" in page
    assert "Download the board report (PDF)" in page
    assert "Record the board's sign-off" not in page  # managers read only


def test_signed_off_reviews_stay_listed_as_history(client_for, world, catalogues):
    first = start(world.lead, title="Autumn 2025")
    rate_all(world.lead, first)
    sign_off(world.lead, first, date(2025, 10, 20))
    start(world.lead, title="Spring 2026")
    page = client_for(world.lead).get("/self-assessment/").content.decode()
    assert "Autumn 2025" in page and "Spring 2026" in page and "BM/26/041" in page
