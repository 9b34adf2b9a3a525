from django.urls import path

from staffsafe.collection import national_views, views

app_name = "collection"
urlpatterns = [
    # The published data standard: public documentation.
    path("standard/", views.dictionary, name="dictionary"),
    path("standard/download/<str:name>", views.standard_download, name="standard-download"),
    # Monthly returns: trusts send them; national roles see who has.
    path("returns/", views.returns, name="returns"),
    path("returns/upload/", views.return_upload, name="return-upload"),
    path("returns/build/", views.return_build, name="return-build"),
    path("returns/<int:return_id>/", views.return_detail, name="return"),
    path("returns/<int:return_id>/progress.json", views.return_progress, name="return-progress"),
    path("returns/<int:return_id>/report.csv", views.return_report, name="return-report"),
    path("national/returns/", views.national_returns, name="national-returns"),
    path("national/tables/", national_views.national_tables, name="national-tables"),
    path("national/tables/<slug:table>.<slug:fmt>", national_views.national_table_download,
         name="national-tables-download"),
]
