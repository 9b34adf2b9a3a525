"""Turning stored values into the words and dates people read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.utils import timezone

from staffsafe.datastandard import codes

_LISTS = {code_list.name: code_list for code_list in codes.ALL_CODE_LISTS}
_LISTS.update(
    hate_motivated=codes.YES_NO_UNKNOWN,
    mental_health_act_detained=codes.YES_NO_UNKNOWN,
)

def code_label(code: str | None, list_name: str) -> str:
    if not code:
        return "Not recorded"
    code_list = _LISTS.get(list_name)
    return code_list.label(code) if code_list else code


def codes_label(values: Iterable[str] | None, list_name: str) -> str:
    values = list(values or [])
    return ", ".join(code_label(v, list_name) for v in values) if values else "None recorded"


def yes_no(value: bool | None) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not recorded")  # type: ignore[arg-type]


def datetime_uk(value: datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def date_uk(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def _navigation_links():  # type: ignore[no-untyped-def]
    from staffsafe.accounts import scoping

    def national_or_submitter(user) -> bool:  # type: ignore[no-untyped-def]
        return scoping.is_national(user) or scoping.can_submit_returns(user)

    # Most used first: the header shows the first few, the start page lists them all.
    return [
        ("Report an incident", "incidents:report-start", scoping.can_report),
        ("My reports", "incidents:my-reports", scoping.can_report),
        ("Dashboard", "analytics:dashboard", scoping.can_see_trust_dashboard),
        ("Triage", "incidents:triage", scoping.can_triage),
        ("Tasks", "aftercare:tasks", scoping.can_see_tasks),
        ("National dashboard", "analytics:national-dashboard",
         scoping.can_see_national_dashboard),
        ("Returns by trust", "collection:national-returns", scoping.is_national),
        ("National tables", "collection:national-tables", national_or_submitter),
        ("Incidents", "incidents:list", scoping.can_triage),
        ("Self-assessment", "standard:overview", scoping.can_view_self_assessment),
        ("Returns", "collection:returns", scoping.can_submit_returns),
        ("Audit", "audit:search", scoping.can_search_audit),
        ("Organisation", "organisations:overview", scoping.can_administer_trust),
        ("Trusts", "organisations:trusts", scoping.can_administer_national),
        ("Indicator catalogues", "standard:catalogues", scoping.can_load_standard_catalogue),
        ("Staff Survey results", "analytics:staff-survey", scoping.can_load_staff_survey),
    ]


HEADER_LINKS = 5


def all_links(request) -> list[dict[str, object]]:
    """Everything a person may open, by what their role lets them do."""
    from django.urls import reverse

    # A request refused early (a bad Host header) reaches the error page without a user.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return [
        {"href": reverse(name), "text": text, "current": request.path == reverse(name)}
        for text, name, allowed in _navigation_links() if allowed(user)
    ]


def navigation(request) -> list[dict[str, object]]:
    """The header's links: the few most used; the start page lists the rest."""
    return all_links(request)[:HEADER_LINKS]
