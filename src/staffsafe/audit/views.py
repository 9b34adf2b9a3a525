"""The trust lead's search of audit events. There is no way to change or delete one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from staffsafe.accounts import scoping
from staffsafe.audit import selectors
from staffsafe.audit.forms import AuditSearchForm


@login_required
def search(request: HttpRequest) -> HttpResponse:
    if not scoping.can_search_audit(request.user):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = selectors.audit_events_for(request.user, **{k: v for k, v in criteria.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.jinja", {
        "form": form, "page": page, "page_title": "Audit", "query": query.urlencode()})
