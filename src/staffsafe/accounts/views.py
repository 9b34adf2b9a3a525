"""Signing in and out, and choosing a persona in demo mode."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from staffsafe.accounts import selectors
from staffsafe.accounts.forms import SignInForm


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
