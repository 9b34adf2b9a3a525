"""Reviews through the services: starting one, carrying the last one's work over (within an
edition, and from 2021 to 2024 through the mapping), what sign-off requires, and that a
signed-off review is frozen."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from staffsafe.audit.models import AuditEvent
from staffsafe.standard import editions, services
from staffsafe.standard.models import Action, EvidenceLink, IndicatorAssessment, Review
from tests.factories import UserFactory
from tests.standard.data import rate_all, sign_off, start

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def assessment(review: Review, code: str) -> IndicatorAssessment:
    return review.assessments.select_related("indicator").get(indicator__code=code)


def test_a_review_starts_with_one_unrated_assessment_per_indicator(world, catalogues):
    started = services.review_start(actor=world.lead, edition="2024", title="Spring 2026")
    review = started.review
    assert review.title == "Spring 2026" and review.catalogue == catalogues["2024"]
    assert review.assessments.count() == 23
    assert not review.assessments.exclude(rating="").exists()
    assert started.carried.summary == "Nothing to carry over: this is the trust's first review."
    assert AuditEvent.objects.filter(object_type="standard_review", action="create",
                                     object_id=str(review.pk), trust=world.trust).exists()


def test_only_one_review_is_in_progress_at_a_time(world, catalogues):
    start(world.lead)
    with pytest.raises(services.ReviewRefused, match="already in progress"):
        start(world.lead, "2021")


def test_a_review_needs_a_loaded_catalogue(world):
    with pytest.raises(services.ReviewRefused, match="No catalogue"):
        start(world.lead)


def test_only_a_lead_starts_or_changes_a_review(world, other_world, catalogues):
    for person in (world.manager, world.reporter, world.trust_admin):
        with pytest.raises(PermissionDenied):
            start(person)
    review = start(world.lead)
    item = assessment(review, "DA1")
    with pytest.raises(PermissionDenied):
        services.assessment_update(actor=other_world.lead, review=review, assessment=item,
                                   rating="red", note="", owner_id=None)
    with pytest.raises(PermissionDenied):
        services.assessment_update(actor=world.manager, review=review, assessment=item,
                                   rating="red", note="", owner_id=None)


def test_an_owner_must_be_a_person_of_the_trust(world, other_world, review):
    with pytest.raises(ValidationError) as refused:
        services.assessment_update(actor=world.lead, review=review,
                                   assessment=assessment(review, "DA1"), rating="red", note="",
                                   owner_id=other_world.manager.pk)
    assert refused.value.message_dict == {"owner": ["Choose a person of this trust."]}


def test_an_assessment_of_another_review_is_refused(world, review, catalogues):
    rate_all(world.lead, review)
    sign_off(world.lead, review, date(2026, 1, 5))
    second = start(world.lead)
    with pytest.raises(PermissionDenied):
        services.assessment_update(actor=world.lead, review=second,
                                   assessment=assessment(review, "DA1"), rating="red", note="",
                                   owner_id=None)


# Carry-over -------------------------------------------------------------------------------------


def _work_on(world, review: Review, code: str) -> IndicatorAssessment:
    """A rating, a note, an owner, a link, a file, an open and a finished action."""
    item = assessment(review, code)
    services.assessment_update(actor=world.lead, review=review, assessment=item, rating="amber",
                               note=f"Position on {code}", owner_id=world.manager.pk)
    services.evidence_link_add(actor=world.lead, review=review, assessment=item,
                               title="Board paper", url="https://intranet.example/paper")
    services.evidence_file_add(actor=world.lead, review=review, assessment=item,
                               title="Poster", file_name="poster.png", content=PNG)
    services.action_create(actor=world.lead, review=review, assessment=item,
                           description=f"Open action on {code}", owner_id=world.manager.pk,
                           due_on=date(2026, 6, 30), status=Action.Status.IN_PROGRESS)
    services.action_create(actor=world.lead, review=review, assessment=item,
                           description=f"Finished action on {code}", owner_id=world.lead.pk,
                           due_on=date(2025, 12, 1), status=Action.Status.DONE)
    return item


def test_the_same_edition_carries_ratings_notes_owners_evidence_and_open_actions(world,
                                                                                  catalogues):
    first = start(world.lead)
    _work_on(world, first, "DA2")
    rate_all_but = [a for a in first.assessments.select_related("indicator")
                    if a.indicator.code != "DA2"]
    for item in rate_all_but:
        services.assessment_update(actor=world.lead, review=first, assessment=item,
                                   rating="green", note="", owner_id=None)
    sign_off(world.lead, first, date(2026, 3, 24))

    started = services.review_start(actor=world.lead, edition="2024")
    carried = assessment(started.review, "DA2")
    assert (carried.rating, carried.note, carried.owner) == ("amber", "Position on DA2",
                                                            world.manager)
    assert [(link.title, link.url) for link in carried.links.all()] == [
        ("Board paper", "https://intranet.example/paper")]
    assert [f.file_name for f in carried.files.all()] == ["poster.png"]
    assert [(a.description, a.status, a.carried_from.description)
            for a in carried.actions.all()] == [
        ("Open action on DA2", "in_progress", "Open action on DA2")]
    assert started.carried.ratings == 23 and started.carried.actions == 1
    assert started.review.carried_from == first
    # The signed-off review keeps its own rows: history is not moved, it is copied
    assert assessment(first, "DA2").actions.count() == 2


def test_2021_work_carries_into_the_2024_indicator_that_continues_it(world, catalogues):
    first = start(world.lead, "2021")
    _work_on(world, first, "RA2")  # 2024's GA3 carries on RA1, RA2 and RA3
    _work_on(world, first, "WE3")  # DA1 carries on WE2 and WE3
    for item in first.assessments.select_related("indicator"):
        if not item.rating:
            services.assessment_update(actor=world.lead, review=first, assessment=item,
                                       rating="green", note="", owner_id=None)
    sign_off(world.lead, first, date(2026, 3, 24))

    started = services.review_start(actor=world.lead, edition="2024")
    ga3, da1 = assessment(started.review, "GA3"), assessment(started.review, "DA1")
    assert ga3.rating == "" and da1.rating == ""  # ratings are edition-specific
    assert ga3.note == "From 2021 indicator RA2: Position on RA2"
    assert ga3.owner == world.manager
    assert [a.description for a in ga3.actions.all()] == ["Open action on RA2"]
    assert [a.description for a in da1.actions.all()] == ["Open action on WE3"]
    assert da1.links.count() == 1 and da1.files.count() == 1
    assert started.carried.ratings == 0 and started.carried.actions == 2
    assert started.carried.not_carried == []
    assert "2 open action(s), 2 link(s) and 2 file(s)" in started.carried.summary


def test_work_without_a_2024_place_is_reported_not_lost_silently(world, catalogues,
                                                                 national_admin):
    # An official 2024 catalogue that no longer continues 2021's WE3
    content = (services.STARTER_DIR / "starter-2024.csv").read_bytes().replace(
        b",WE2;WE3\r\n", b",WE2\r\n")
    services.catalogue_load(actor=national_admin, content=content, file_name="v2.csv",
                            official=True)
    first = start(world.lead, "2021")
    _work_on(world, first, "WE3")
    rate_all(world.lead, first, editions.GREEN)  # re-rates WE3 green; its actions remain
    sign_off(world.lead, first, date(2026, 3, 24))
    started = services.review_start(actor=world.lead, edition="2024")
    assert started.carried.not_carried == ["WE3"]
    assert "Not carried over (no matching indicator in this edition): WE3." in \
        started.carried.summary


def test_an_owner_who_has_left_is_not_carried(world, catalogues):
    first = start(world.lead)
    _work_on(world, first, "DA2")
    rate_all(world.lead, first, editions.GREEN)
    services.assessment_update(actor=world.lead, review=first,
                               assessment=assessment(first, "DA2"), rating="green", note="",
                               owner_id=world.manager.pk)
    sign_off(world.lead, first, date(2026, 3, 24))
    world.manager.is_active = False
    world.manager.save()
    second = start(world.lead)
    carried = assessment(second, "DA2")
    assert carried.owner is None
    assert [a.owner for a in carried.actions.all()] == [None]


# Sign-off ----------------------------------------------------------------------------------------


def problems(review: Review, **overrides) -> list[tuple[str, str]]:
    values = {"board_meeting_on": date(2026, 3, 24), "signed_off_by_name": "Chair",
              "minute_reference": "BM/1", "board_concern": False, **overrides}
    return [(p.field, p.message) for p in services.sign_off_problems(review, **values)]


def test_sign_off_needs_every_indicator_rated_and_a_plan_for_each_not_green(world, review):
    found = problems(review)
    assert len(found) == 23 and found[0] == ("indicator", "Rate indicator LA1")
    rate_all(world.lead, review, editions.GREEN)
    item = assessment(review, "DA3")
    services.assessment_update(actor=world.lead, review=review, assessment=item, rating="red",
                               note="", owner_id=None)
    assert problems(review) == [("indicator", "Indicator DA3 is rated Red: add an action to the "
                                              "improvement plan")]
    action = services.action_create(actor=world.lead, review=review, assessment=item,
                                    description="Fix", owner_id=None, due_on=date(2026, 5, 1),
                                    status=Action.Status.CANCELLED)
    assert len(problems(review)) == 1  # a cancelled action is no plan
    services.action_update(actor=world.lead, review=review, action=action, description="Fix",
                           owner_id=None, due_on=date(2026, 5, 1),
                           status=Action.Status.NOT_STARTED)
    assert problems(review) == []


def test_sign_off_details_are_checked(world, review, time_machine):
    time_machine.move_to(date(2026, 4, 1))
    rate_all(world.lead, review)
    assert problems(review, board_meeting_on=None, signed_off_by_name=" ", minute_reference="",
                    board_concern=None) == [
        ("board_meeting_on", "Enter the date of the board meeting"),
        ("signed_off_by_name", "Enter the name and role of who signed it off"),
        ("minute_reference", "Enter the board minute reference"),
        ("board_concern", "Say whether the board flagged concern")]
    assert problems(review, board_meeting_on=date(2026, 4, 2)) == [
        ("board_meeting_on", "The board meeting date must be today or in the past")]
    assert problems(review, board_meeting_on=date(2024, 11, 30)) == [
        ("board_meeting_on", "The board meeting must be on or after 1 December 2024, when this "
                             "edition was published")]


def test_sign_off_freezes_the_review_with_its_evidence(world, review, catalogues):
    rate_all(world.lead, review, editions.AMBER)
    item = assessment(review, "DA1")
    link = services.evidence_link_add(actor=world.lead, review=review, assessment=item,
                                      title="Paper", url="https://example.org/p")
    evidence = services.evidence_file_add(actor=world.lead, review=review, assessment=item,
                                          title="", file_name="p.png", content=PNG)
    action = item.actions.get()
    signed = sign_off(world.lead, review, date(2026, 3, 24), concern=True)
    assert signed.frozen and signed.board_concern and signed.minute_reference == "BM/26/041"
    assert signed.signed_off_recorded_by == world.lead and signed.live_evidence["period"]

    attempts = [
        lambda: services.assessment_update(actor=world.lead, review=review, assessment=item,
                                           rating="green", note="", owner_id=None),
        lambda: services.review_update(actor=world.lead, review=review, title="New",
                                       spc_target=None),
        lambda: services.evidence_link_add(actor=world.lead, review=review, assessment=item,
                                           title="More", url="https://example.org/q"),
        lambda: services.evidence_link_remove(actor=world.lead, review=review, link=link),
        lambda: services.evidence_file_add(actor=world.lead, review=review, assessment=item,
                                           title="", file_name="q.png", content=PNG + b"1"),
        lambda: services.evidence_file_remove(actor=world.lead, review=review,
                                              evidence=evidence),
        lambda: services.action_create(actor=world.lead, review=review, assessment=item,
                                       description="New", owner_id=None,
                                       due_on=date(2026, 9, 1)),
        lambda: services.action_update(actor=world.lead, review=review, action=action,
                                       description="Changed", owner_id=None,
                                       due_on=date(2026, 9, 1), status="done"),
        lambda: sign_off(world.lead, review, date(2026, 3, 25)),
    ]
    for attempt in attempts:
        with pytest.raises(services.ReviewFrozen):
            attempt()
    item.refresh_from_db()
    action.refresh_from_db()
    assert (item.rating, action.description, action.status) == ("amber", "Fix DA1",
                                                                "in_progress")
    assert EvidenceLink.objects.filter(pk=link.pk).exists()


def test_a_review_held_in_memory_cannot_be_changed_after_another_request_signed_it_off(
        world, review):
    rate_all(world.lead, review)
    stale = Review.objects.get(pk=review.pk)  # loaded before the sign-off, status "draft"
    sign_off(world.lead, review, date(2026, 3, 24))
    with pytest.raises(services.ReviewFrozen):
        services.assessment_update(actor=world.lead, review=stale,
                                   assessment=assessment(stale, "DA1"), rating="red", note="",
                                   owner_id=None)


def test_sign_off_cannot_predate_an_earlier_sign_off(world, catalogues):
    first = start(world.lead)
    rate_all(world.lead, first)
    sign_off(world.lead, first, date(2026, 3, 24))
    second = start(world.lead)
    rate_all(world.lead, second)
    assert problems(second, board_meeting_on=date(2026, 3, 1)) == [
        ("board_meeting_on", f"The board already signed off “{first.title}” at a later meeting "
                             "(24/03/2026)")]


def test_every_change_is_audited(world, review):
    item = assessment(review, "DA1")
    services.assessment_update(actor=world.lead, review=review, assessment=item, rating="red",
                               note="Why", owner_id=world.manager.pk)
    event = AuditEvent.objects.get(object_type="standard_assessment")
    assert event.changes["rating"] == ["", "red"] and event.actor == world.lead
    assert event.trust == world.trust
    services.action_create(actor=world.lead, review=review, assessment=item, description="Do",
                           owner_id=None, due_on=date(2026, 5, 1))
    assert AuditEvent.objects.filter(object_type="standard_action", action="create").exists()


def test_free_text_is_limited(world, review, settings):
    with pytest.raises(ValidationError):
        services.assessment_update(actor=world.lead, review=review,
                                   assessment=assessment(review, "DA1"), rating="red",
                                   note="x" * (settings.FREE_TEXT_MAX_LENGTH + 1), owner_id=None)
    with pytest.raises(ValidationError):
        services.evidence_link_add(actor=world.lead, review=review,
                                   assessment=assessment(review, "DA1"), title="Bad",
                                   url="javascript:alert(1)")


def test_a_person_of_the_trust_with_any_role_can_own_an_action(world, review):
    nurse = UserFactory(trust=world.trust)
    action = services.action_create(actor=world.lead, review=review,
                                    assessment=assessment(review, "DA1"), description="Do",
                                    owner_id=nurse.pk, due_on=date(2026, 5, 1))
    assert action.owner == nurse


def test_the_demo_self_assessment_is_complete_and_made_once(world, time_machine):
    time_machine.move_to(date(2026, 11, 21))
    draft = services.demo_self_assessment(trust=world.trust, lead=world.lead)
    assert draft is not None and draft.catalogue.edition == "2024" and not draft.frozen
    signed = draft.carried_from
    assert signed.frozen and signed.catalogue.edition == "2021"
    assert signed.board_meeting_on == date(2026, 6, 21)
    assert draft.assessments.exclude(rating="").exists()
    assert Action.objects.filter(assessment__review=draft, carried_from__isnull=False).exists()
    assert services.demo_self_assessment(trust=world.trust, lead=world.lead) is None
    assert Review.objects.filter(trust=world.trust).count() == 2
