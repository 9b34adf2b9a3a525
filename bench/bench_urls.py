"""The project's URLs unchanged, plus /bench/noop: a trivial view, the benchmark's baseline."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from staffsafe.config import urls as project_urls


def noop(request: HttpRequest) -> HttpResponse:
    """200 through the whole middleware stack, with no database work."""
    return HttpResponse(b"ok", content_type="text/plain")


# The project's patterns first, so the API resolves exactly as it does in production.
urlpatterns = [*project_urls.urlpatterns, path("bench/noop", noop)]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
