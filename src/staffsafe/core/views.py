"""The start page and the service's static pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from staffsafe.accounts import scoping
from staffsafe.incidents import selectors as incident_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "page_title": "Home",
        "can_report": scoping.can_report(user),
        "can_triage": scoping.can_triage(user),
        "is_national": scoping.is_national(user),
        "draft": incident_selectors.report_draft_for(user) if scoping.can_report(user) else None,
        "queue_size": incident_selectors.triage_queue(user).count()
        if scoping.can_triage(user) else 0,
    }
    return render(request, "core/home.jinja", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.jinja", {"page_title": "Accessibility statement"})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.jinja", {"page_title": "Privacy"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.jinja", {"page_title": "Page not found"}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.jinja", {"page_title": "You cannot see this page"},
                  status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/400.jinja", {"page_title": "Something was wrong with the request"},
                  status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/500.jinja", {"page_title": "Sorry, there is a problem"},
                  status=500)
