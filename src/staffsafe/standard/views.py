"""The Standard's pages. Thin: forms check input, services write, selectors read, and
accounts.scoping decides who may do what (the lead writes; managers read; another trust's
review is "not found")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from staffsafe.accounts import scoping
from staffsafe.core.downloads import attachment
from staffsafe.standard import (
    catalogue_file,
    editions,
    evidence_files,
    exports,
    forms,
    presenters,
    selectors,
    services,
)

SHOWN_PROBLEMS = 200
DOWNLOAD_HEADERS = {
    # Evidence and exports are only ever files to save, never pages to render.
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
}


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render with the presenters at hand (`p`), so templates word ratings and tags alike."""
    return render(request, template, {"p": presenters, "today": timezone.localdate(), **context})


def _posted(request: HttpRequest) -> Any:
    """The submitted answers, even when nothing was filled in (so that the form says so)."""
    return request.POST if request.method == "POST" else None


def _files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def _viewer(request: HttpRequest) -> None:
    if not scoping.can_view_self_assessment(request.user):
        raise PermissionDenied


def _lead(request: HttpRequest) -> None:
    if not scoping.can_assess_standard(request.user):
        raise PermissionDenied


def _review(request: HttpRequest, review_id: Any) -> Any:
    try:
        return selectors.review_get(request.user, review_id, request=request)
    except selectors.ReviewNotFound:
        raise Http404 from None


def _assessment(review: Any, code: str) -> Any:
    assessment = selectors.assessment_get(review, code)
    if assessment is None:
        raise Http404
    return assessment


def _editable(request: HttpRequest, review_id: Any) -> Any:
    """The review, for the lead to change; None (with a message) once it is signed off."""
    _lead(request)
    review = _review(request, review_id)
    if review.frozen:
        messages.error(request, "This review has been signed off by the board, so it cannot be "
                                "changed.")
        return None
    return review


def _download(content: bytes, media_type: str, file_name: str) -> HttpResponse:
    response = attachment(content, media_type, file_name)
    for name, value in DOWNLOAD_HEADERS.items():
        response[name] = value
    return response


def _apply_errors(form: Any, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.error_dict.items():
        messages_ = [m for e in errors for m in e.messages]
        form.add_error(name if name in form.fields else None, messages_)


def _save_form(request: HttpRequest, form: Any, save: Callable[[dict], Any], done: str,
               success: str) -> HttpResponse | None:
    """Run `save` on a valid POST; a redirect when it worked, None to show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        _apply_errors(form, error)
    except services.ReviewRefused as refused:
        form.add_error(None, str(refused))
    else:
        messages.success(request, success)
        return redirect(done)
    return None


def _form_page(request: HttpRequest, template: str, form: Any, title: str, **context: Any
               ) -> HttpResponse:
    return _render(request, template, {"form": form, "page_title": title, **context})


# The trust's Standard page ------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    user = request.user
    reviews = list(selectors.reviews_for(user))
    next_review = selectors.next_review_for(user)
    return _render(request, "standard/overview.jinja", {
        "page_title": "Violence Prevention and Reduction Standard",
        "reviews": reviews, "in_progress": next((r for r in reviews if not r.frozen), None),
        "next_review": next_review, "next_review_text": presenters.next_review_text(next_review),
        "can_assess": scoping.can_assess_standard(user),
        "catalogues": selectors.current_catalogues(), "editions": editions.EDITIONS,
    })


@login_required
def start(request: HttpRequest) -> HttpResponse:
    _lead(request)
    in_progress = selectors.review_in_progress(request.user)
    if in_progress is not None:
        messages.error(request, "A review is already in progress: carry on with it.")
        return redirect("standard:review", review_id=in_progress.pk)
    catalogues = selectors.current_catalogues()
    form = forms.StartReviewForm(_posted(request), available=list(catalogues),
                                 initial={"edition": editions.EDITION_2024
                                          if editions.EDITION_2024 in catalogues else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            started = services.review_start(actor=request.user, edition=data["edition"],
                                            title=data["title"], spc_target=data["spc_target"],
                                            request=request)
        except services.ReviewRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, started.carried.summary)
            return redirect("standard:review", review_id=started.review.pk)
    return _form_page(request, "standard/start.jinja", form, "Start a self-assessment",
                      catalogues=catalogues, previous=selectors.last_signed_off(request.user),
                      notices={code: presenters.catalogue_notice(c)
                               for code, c in catalogues.items()})


# One review --------------------------------------------------------------------------------------


@login_required
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    _viewer(request)
    review = _review(request, review_id)
    report = presenters.review_report(request.user, review)
    return _render(request, "standard/review.jinja", {
        "page_title": f"Self-assessment: {review.title}", "review": review, "report": report,
        "can_edit": scoping.can_assess_standard(request.user) and not review.frozen,
        "notice": presenters.catalogue_notice(review.catalogue),
        "has_comparison": selectors.comparable_reviews(request.user, review).exists(),
    })


@login_required
def review_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _editable(request, review_id)
    if review is None:
        return redirect("standard:review", review_id=review_id)
    form = forms.ReviewEditForm(_posted(request), initial={
        "title": review.title, "spc_target": review.spc_target})
    done = _save_form(request, form, lambda d: services.review_update(
        actor=request.user, review=review, request=request, **d),
        reverse("standard:review", args=[review.pk]), "The review's details have been saved.")
    return done or _form_page(request, "standard/form.jinja", form, "Review details",
                              review=review, back=reverse("standard:review", args=[review.pk]))


@login_required
def indicator(request: HttpRequest, review_id: int, code: str) -> HttpResponse:
    _viewer(request)
    review = _review(request, review_id)
    assessment = _assessment(review, code)
    can_edit = scoping.can_assess_standard(request.user) and not review.frozen
    edition = editions.edition(review.catalogue.edition)
    if request.method == "POST" and not can_edit:
        if review.frozen and scoping.can_assess_standard(request.user):
            messages.error(request, "This review has been signed off by the board, so it "
                                    "cannot be changed.")
            return redirect("standard:indicator", review_id=review.pk, code=code)
        raise PermissionDenied
    form = forms.AssessmentForm(
        _posted(request) if can_edit else None, edition=edition,
        owners=selectors.owner_choices(request.user, review),
        initial={"rating": assessment.rating, "note": assessment.note,
                 "owner": assessment.owner_id})
    here = reverse("standard:indicator", args=[review.pk, code])
    done = _save_form(request, form, lambda d: services.assessment_update(
        actor=request.user, review=review, assessment=assessment, rating=d["rating"],
        note=d["note"], owner_id=d["owner"], request=request), here,
        f"Indicator {code} has been saved.") if can_edit else None
    domain = edition.domain(assessment.indicator.domain)
    evidence = selectors.review_live_evidence(review) if domain and domain.live_evidence else {}
    return done or _form_page(
        request, "standard/indicator.jinja", form, f"Indicator {code}", review=review,
        assessment=assessment, edition=edition, domain=domain, can_edit=can_edit,
        previous=selectors.previous_assessment(assessment),
        live=presenters.live_items(evidence, domain.live_evidence if domain else ()),
        live_period=presenters.live_evidence_period(evidence),
        notice=presenters.catalogue_notice(review.catalogue))


def _indicator_form(request: HttpRequest, review_id: int, code: str, form_class: type,
                    title: str, save: Callable[[Any, Any, dict], Any], success: str,
                    **form_kwargs: Any) -> HttpResponse:
    review = _editable(request, review_id)
    if review is None:
        return redirect("standard:indicator", review_id=review_id, code=code)
    assessment = _assessment(review, code)
    form = form_class(_posted(request), _files(request), **form_kwargs)
    back = reverse("standard:indicator", args=[review.pk, code])
    done = _save_form(request, form, lambda d: save(review, assessment, d), back, success)
    return done or _form_page(request, "standard/form.jinja", form, title, review=review,
                              assessment=assessment, back=back,
                              multipart=form.is_multipart())


@login_required
def link_add(request: HttpRequest, review_id: int, code: str) -> HttpResponse:
    return _indicator_form(
        request, review_id, code, forms.EvidenceLinkForm, "Add a link to evidence",
        lambda review, assessment, d: services.evidence_link_add(
            actor=request.user, review=review, assessment=assessment, request=request, **d),
        "The link has been added.")


@login_required
def file_add(request: HttpRequest, review_id: int, code: str) -> HttpResponse:
    def save(review: Any, assessment: Any, data: dict) -> Any:
        upload = data["file"]
        try:
            return services.evidence_file_add(
                actor=request.user, review=review, assessment=assessment, title=data["title"],
                file_name=upload.name, content=upload.read(evidence_files.MAX_BYTES + 1),
                request=request)
        except services.EvidenceFileRefused as refused:
            raise ValidationError({"file": str(refused)}) from None

    return _indicator_form(request, review_id, code, forms.EvidenceFileForm,
                           "Upload a file as evidence", save, "The file has been added.")


@login_required
def action_add(request: HttpRequest, review_id: int, code: str) -> HttpResponse:
    _lead(request)
    return _indicator_form(
        request, review_id, code, forms.ActionForm, "Add an action",
        lambda review, assessment, d: services.action_create(
            actor=request.user, review=review, assessment=assessment,
            description=d["description"], owner_id=d["owner"], due_on=d["due_on"],
            status=d["status"], request=request),
        "The action has been added to the improvement plan.",
        owners=selectors.owner_choices(request.user, None))


@login_required
def action_edit(request: HttpRequest, review_id: int, action_id: int) -> HttpResponse:
    review = _editable(request, review_id)
    if review is None:
        return redirect("standard:action-plan", review_id=review_id)
    action = selectors.action_get(review, action_id)
    if action is None:
        raise Http404
    form = forms.ActionForm(_posted(request), owners=selectors.owner_choices(
        request.user, review), initial={"description": action.description,
                                        "owner": action.owner_id, "due_on": action.due_on,
                                        "status": action.status})
    back = reverse("standard:indicator", args=[review.pk, action.assessment.indicator.code])
    done = _save_form(request, form, lambda d: services.action_update(
        actor=request.user, review=review, action=action, description=d["description"],
        owner_id=d["owner"], due_on=d["due_on"], status=d["status"], request=request), back,
        "The action has been saved.")
    return done or _form_page(request, "standard/form.jinja", form, "Change an action",
                              review=review, assessment=action.assessment, back=back)


@login_required
@require_POST
def link_remove(request: HttpRequest, review_id: int, link_id: int) -> HttpResponse:
    review = _editable(request, review_id)
    if review is None:
        return redirect("standard:review", review_id=review_id)
    link = selectors.evidence_link_get(review, link_id)
    if link is None:
        raise Http404
    services.evidence_link_remove(actor=request.user, review=review, link=link, request=request)
    messages.success(request, "The link has been removed.")
    return redirect("standard:indicator", review_id=review.pk,
                    code=link.assessment.indicator.code)


@login_required
@require_POST
def file_remove(request: HttpRequest, review_id: int, file_id: int) -> HttpResponse:
    review = _editable(request, review_id)
    if review is None:
        return redirect("standard:review", review_id=review_id)
    evidence = selectors.evidence_file_get(review, file_id)
    if evidence is None:
        raise Http404
    code = evidence.assessment.indicator.code
    services.evidence_file_remove(actor=request.user, review=review, evidence=evidence,
                                  request=request)
    messages.success(request, "The file has been removed.")
    return redirect("standard:indicator", review_id=review.pk, code=code)


@login_required
def file_download(request: HttpRequest, review_id: int, file_id: int) -> HttpResponse:
    _viewer(request)
    review = _review(request, review_id)
    evidence = selectors.evidence_file_get(review, file_id)
    content = selectors.evidence_file_content(review, evidence) if evidence else None
    if content is None:
        raise Http404
    services.evidence_file_downloaded(actor=request.user, review=review, evidence=evidence,
                                      request=request)
    return _download(content, evidence.media_type, evidence.file_name)


@login_required
def action_plan(request: HttpRequest, review_id: int) -> HttpResponse:
    _viewer(request)
    review = _review(request, review_id)
    return _render(request, "standard/action_plan.jinja", {
        "page_title": f"Improvement action plan: {review.title}", "review": review,
        "actions": selectors.actions_of(review),
        "can_edit": scoping.can_assess_standard(request.user) and not review.frozen,
        "notice": presenters.catalogue_notice(review.catalogue),
    })


@login_required
def sign_off(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _editable(request, review_id)
    if review is None:
        return redirect("standard:review", review_id=review_id)
    form = forms.SignOffForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.review_sign_off(actor=request.user, review=review, request=request,
                                     **form.cleaned_data)
        except services.SignOffRefused as refused:
            for problem in refused.problems:
                if problem.field != "indicator":
                    form.add_error(problem.field, problem.message)
        else:
            messages.success(request, "The board's sign-off has been recorded. The review is "
                                      "now frozen.")
            return redirect("standard:review", review_id=review.pk)
    unfinished = services.unfinished_indicators(review)
    summary = []
    if request.method == "POST" and unfinished:
        count = f"{len(unfinished)} indicators are" if len(unfinished) > 1 else "1 indicator is"
        summary = [{"text": f"{count} not ready to sign off", "href": "#unfinished"}]
    return _form_page(
        request, "standard/sign_off.jinja", form, "Record the board's sign-off", review=review,
        problems=unfinished, notice=presenters.catalogue_notice(review.catalogue),
        extra_errors=summary)


@login_required
def compare(request: HttpRequest, review_id: int) -> HttpResponse:
    _viewer(request)
    review = _review(request, review_id)
    candidates = list(selectors.comparable_reviews(request.user, review))
    form = forms.CompareForm(request.GET or None, reviews=[(r.pk, r.title) for r in candidates])
    other = None
    if form.is_bound and form.is_valid():
        other = next(r for r in candidates if r.pk == form.cleaned_data["other"])
    elif not form.is_bound and candidates:
        other = next((r for r in candidates if r.pk == review.carried_from_id), candidates[0])
        form = forms.CompareForm(initial={"other": other.pk},
                                 reviews=[(r.pk, r.title) for r in candidates])
    result = selectors.comparison(other, review) if other else None
    return _render(request, "standard/compare.jinja", {
        "page_title": f"Compare reviews: {review.title}", "review": review, "form": form,
        "result": result, "candidates": candidates,
        "notice": presenters.catalogue_notice(review.catalogue),
        "edition": editions.edition(review.catalogue.edition),
    })


@login_required
def export_xlsx(request: HttpRequest, review_id: int) -> HttpResponse:
    _viewer(request)
    review = _review(request, review_id)
    report = presenters.review_report(request.user, review)
    content = exports.review_xlsx(report)
    services.review_exported(actor=request.user, review=review, kind="xlsx", request=request)
    return _download(content, exports.XLSX_MEDIA_TYPE, f"{exports.file_stem(report)}.xlsx")


@login_required
def export_pdf(request: HttpRequest, review_id: int) -> HttpResponse:
    _viewer(request)
    review = _review(request, review_id)
    report = presenters.review_report(request.user, review)
    content = exports.review_pdf(report)
    services.review_exported(actor=request.user, review=review, kind="pdf", request=request)
    return _download(content, "application/pdf", f"{exports.file_stem(report)}-board.pdf")


# Catalogues (national reference data) -------------------------------------------------------------


@login_required
def catalogues(request: HttpRequest) -> HttpResponse:
    if not scoping.can_read_standard_catalogues(request.user):
        raise PermissionDenied
    return _render(request, "standard/catalogues.jinja", {
        "page_title": "Indicator catalogues", "catalogues": selectors.catalogues_for(request.user),
        "editions": editions.EDITIONS,
        "can_load": scoping.can_load_standard_catalogue(request.user),
    })


@login_required
def catalogue_detail(request: HttpRequest, catalogue_id: int) -> HttpResponse:
    catalogue = selectors.catalogue_get(request.user, catalogue_id)
    if catalogue is None:
        raise Http404
    edition = editions.edition(catalogue.edition)
    return _render(request, "standard/catalogue.jinja", {
        "page_title": f"Catalogue: {catalogue.title}", "catalogue": catalogue, "edition": edition,
        "indicators": list(catalogue.indicators.all()),
        "notice": presenters.catalogue_notice(catalogue),
    })


@login_required
def catalogue_download(request: HttpRequest, catalogue_id: int) -> HttpResponse:
    catalogue = selectors.catalogue_get(request.user, catalogue_id)
    if catalogue is None:
        raise Http404
    content = catalogue_file.write_catalogue_csv(selectors.catalogue_rows(catalogue))
    return _download(content, "text/csv; charset=utf-8",
                     f"vpr-standard-{catalogue.edition}-catalogue-{catalogue.pk}.csv")


@login_required
def catalogue_upload(request: HttpRequest) -> HttpResponse:
    if not scoping.can_load_standard_catalogue(request.user):
        raise PermissionDenied
    form = forms.CatalogueUploadForm(_posted(request), _files(request))
    problems: list[catalogue_file.Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            loaded = services.catalogue_load(
                actor=request.user, content=upload.read(catalogue_file.MAX_BYTES + 1),
                file_name=upload.name, official=form.cleaned_data["official"],
                title=form.cleaned_data["title"], request=request)
        except services.CatalogueRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(request, "Loaded: " + "; ".join(
                f"{c.title}, {c.indicators.count()} indicators" for c in loaded) + ".")
            return redirect("standard:catalogues")
    return _render(request, "standard/catalogue_upload.jinja", {
        "form": form, "problems": problems[:SHOWN_PROBLEMS], "problem_count": len(problems),
        "page_title": "Load an indicator catalogue",
        "extra_errors": [{"text": str(p), "href": "#problems"} for p in problems[:20]],
    })


@login_required
@require_POST
def catalogue_starter(request: HttpRequest) -> HttpResponse:
    if not scoping.can_load_standard_catalogue(request.user):
        raise PermissionDenied
    loaded = services.starter_catalogues_load(actor=request.user, request=request)
    messages.success(request, "The starter catalogues are loaded (not the official text): "
                     + "; ".join(c.title for c in loaded) + ".")
    return redirect("standard:catalogues")
