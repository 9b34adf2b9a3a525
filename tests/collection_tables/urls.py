"""The project's URLs with the national tables' views added to the `collection` namespace, as
`collection/urls.py` will have them (wired there by its owner); used with pytest.mark.urls."""

from django.urls import URLResolver, include, path

from staffsafe.collection import national_views
from staffsafe.collection import urls as collection_urls
from staffsafe.config import urls as project_urls

NATIONAL_TABLES = [
    path("national/tables/", national_views.national_tables, name="national-tables"),
    path("national/tables/<slug:table>.<slug:fmt>", national_views.national_table_download,
         name="national-tables-download"),
]
_names = {p.name for p in NATIONAL_TABLES}
_collection = [p for p in collection_urls.urlpatterns if getattr(p, "name", None) not in _names]

urlpatterns = [
    p for p in project_urls.urlpatterns
    if not (isinstance(p, URLResolver) and p.namespace == "collection")
]
urlpatterns.append(path("", include(([*_collection, *NATIONAL_TABLES], "collection"))))

handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
