"""Pages of the national collection."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from staffsafe.collection import standard_exports

# --- The published data standard: public documentation, open to everyone ---------------------


@require_safe
def dictionary(request: HttpRequest) -> HttpResponse:
    """The data dictionary, with links to the generated schemas and templates."""
    downloads = [{"title": export.title, "file_name": name,
                  "url": reverse("collection:standard-download", args=[name])}
                 for name, export in standard_exports.exports().items()]
    return render(request, "collection/dictionary.jinja", {
        "page_title": f"Data dictionary: national data standard {standard_exports.version()}",
        "version": standard_exports.version(),
        "legend": standard_exports.LEGEND,
        "sections": standard_exports.dictionary_sections(),
        "rules": standard_exports.cross_field_rules(),
        "code_lists": [(code_list, standard_exports.code_list_users(code_list))
                       for code_list in standard_exports.code_lists()],
        "downloads": downloads,
    })


@require_safe
def standard_download(request: HttpRequest, name: str) -> HttpResponse:
    """One published file of the standard, generated now from the standard in code."""
    export = standard_exports.exports().get(name)
    if export is None:
        raise Http404
    response = HttpResponse(export.content(), content_type=export.media_type)
    response["Content-Disposition"] = content_disposition_header(True, export.file_name)
    return response
