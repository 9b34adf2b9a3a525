"""Trust administration: sites, units and headcounts; and trusts for the national admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from staffsafe.accounts import scoping
from staffsafe.organisations import forms, selectors, services


def _trust_admin(request: HttpRequest) -> None:
    if not scoping.can_administer_trust(request.user):
        raise PermissionDenied


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _trust_admin(request)
    return render(request, "organisations/overview.jinja", {
        "page_title": "Organisation", "trust": request.user.trust,
        "sites": selectors.sites_for(request.user),
        "units": selectors.admin_units_for(request.user),
        "headcounts": selectors.headcounts_for(request.user)[:60],
    })


def _form_page(request: HttpRequest, form: Any, title: str, save: Callable[[dict], Any],
               done: str, template: str = "organisations/form.jinja") -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            for field, errors in services.error_dict(error).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{title}: saved.")
            return redirect(done)
    return render(request, template, {"form": form, "page_title": title})


@login_required
def site_add(request: HttpRequest) -> HttpResponse:
    _trust_admin(request)
    return _form_page(request, forms.SiteForm(request.POST or None), "Add a site",
                      lambda d: services.site_create(actor=request.user,
                                                     trust=request.user.trust, **d),
                      "organisations:overview")


@login_required
def unit_add(request: HttpRequest) -> HttpResponse:
    _trust_admin(request)
    sites = {s.pk: s for s in selectors.sites_for(request.user)}
    form = forms.UnitForm(request.POST or None, sites=[(k, s.name) for k, s in sites.items()])

    def save(data: dict) -> Any:
        return services.unit_create(actor=request.user, site=sites[data.pop("site")], **data)

    return _form_page(request, form, "Add a unit", save, "organisations:overview")


@login_required
def headcount_set(request: HttpRequest) -> HttpResponse:
    _trust_admin(request)
    return _form_page(request, forms.HeadcountForm(request.POST or None), "Set a headcount",
                      lambda d: services.headcount_set(actor=request.user,
                                                       trust=request.user.trust, **d),
                      "organisations:overview")


@login_required
def csv_upload(request: HttpRequest) -> HttpResponse:
    _trust_admin(request)
    form = forms.CsvUploadForm(request.POST or None, request.FILES or None)
    problems: list[services.RowProblem] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = services.organisation_csv_load(
                actor=request.user, trust=request.user.trust, kind=form.cleaned_data["kind"],
                content=form.cleaned_data["file"].read(services.MAX_CSV_BYTES + 1))
        except services.OrganisationCsvRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(request, f"Loaded {count} row{'s' if count != 1 else ''}.")
            return redirect("organisations:overview")
    return render(request, "organisations/csv_upload.jinja", {
        "form": form, "problems": problems, "page_title": "Load from a CSV file",
        "extra_errors": [{"text": f"Row {p.row}, {p.column or 'file'}: {p.message}",
                          "href": "#problems"} for p in problems[:20]],
    })


@login_required
def trusts(request: HttpRequest) -> HttpResponse:
    if not scoping.can_administer_national(request.user):
        raise PermissionDenied
    return render(request, "organisations/trusts.jinja",
                  {"page_title": "Trusts", "trusts": selectors.trusts_for(request.user)})


@login_required
def trust_add(request: HttpRequest) -> HttpResponse:
    if not scoping.can_administer_national(request.user):
        raise PermissionDenied
    return _form_page(request, forms.TrustForm(request.POST or None), "Add a trust",
                      lambda d: services.trust_create(actor=request.user, **d),
                      "organisations:trusts")
