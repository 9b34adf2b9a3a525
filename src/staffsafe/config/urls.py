from django.urls import include, path

from staffsafe.api.urls import api

urlpatterns = [
    # First, so an API call is resolved without trying every page's pattern: no page lives
    # under api/v1/.
    path("api/v1/", api.urls),
    path("", include("staffsafe.core.urls")),
    path("", include("staffsafe.accounts.urls")),
    path("", include("staffsafe.incidents.urls")),
    path("", include("staffsafe.organisations.urls")),
    path("", include("staffsafe.audit.urls")),
    path("", include("staffsafe.collection.urls")),
    path("", include("staffsafe.analytics.urls")),
    path("", include("staffsafe.standard.urls")),
    path("", include("staffsafe.aftercare.urls")),
]

handler400 = "staffsafe.core.views.bad_request"
handler403 = "staffsafe.core.views.forbidden"
handler404 = "staffsafe.core.views.not_found"
handler500 = "staffsafe.core.views.server_error"
