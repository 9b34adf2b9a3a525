"""Signing in and out, and choosing a persona in demo mode."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from staffsafe.accounts import scoping, selectors, services
from staffsafe.accounts.forms import EditPersonForm, NewPersonForm, SignInForm
from staffsafe.organisations import selectors as organisation_selectors


class SignInView(LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.jinja"
    redirect_authenticated_user = True
    extra_context = {"page_title": "Sign in"}

    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        context = super().get_context_data(**kwargs)
        context["demo_personas"] = settings.DEMO_MODE
        return context


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:sign-in")


def personas(request: HttpRequest) -> HttpResponse:
    if not settings.DEMO_MODE:
        raise Http404
    if request.method == "POST":
        persona = selectors.persona_by_username(request.POST.get("username", ""))
        if persona is None:
            raise Http404
        login(request, persona, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("core:home")
    return render(request, "accounts/personas.jinja",
                  {"page_title": "Choose a demo person", "personas": selectors.personas()})


def _trust_admin(request: HttpRequest) -> None:
    if not scoping.can_administer_trust(request.user):
        raise PermissionDenied


def _add_errors(form, error: ValidationError) -> None:  # type: ignore[no-untyped-def]
    for field, problems in getattr(error, "message_dict", {"": error.messages}).items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
def people(request: HttpRequest) -> HttpResponse:
    _trust_admin(request)
    return render(request, "accounts/people.jinja", {
        "page_title": "People", "people": selectors.people_for(request.user)})


@login_required
def person_add(request: HttpRequest) -> HttpResponse:
    _trust_admin(request)
    units = organisation_selectors.unit_choices_for(request.user)
    form = NewPersonForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.user_create(actor=request.user, unit_ids=data.pop("units"), **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{person.display_name} can now sign in.")
            return redirect("accounts:people")
    return render(request, "accounts/person_form.jinja", {"form": form,
                                                          "page_title": "Add a person"})


@login_required
def person_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    _trust_admin(request)
    person = get_object_or_404(selectors.people_for(request.user), pk=user_id)
    units = organisation_selectors.unit_choices_for(request.user)
    initial = {"role": person.role, "staff_group": person.staff_group,
               "is_active": person.is_active,
               "units": list(person.units.values_list("pk", flat=True))}
    form = EditPersonForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(actor=request.user, user=person, unit_ids=data.pop("units"),
                                 **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{person.display_name} has been updated.")
            return redirect("accounts:people")
    return render(request, "accounts/person_form.jinja", {
        "form": form, "person": person, "page_title": f"Change {person.display_name}"})
