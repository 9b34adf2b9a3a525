from django.urls import path

from staffsafe.incidents import views

app_name = "incidents"
urlpatterns = [
    path("report/", views.report_start, name="report-start"),
    path("report/discard/", views.report_discard, name="report-discard"),
    path("report/<slug:page>/", views.report_page, name="report-page"),
    path("reports/<uuid:incident_id>/submitted/", views.report_done, name="report-done"),
    path("my-reports/", views.my_reports, name="my-reports"),
    path("my-reports/<uuid:incident_id>/", views.my_report, name="my-report"),
    path("triage/", views.triage_queue, name="triage"),
    path("incidents/", views.incident_list, name="list"),
    path("incidents/<uuid:incident_id>/", views.incident_detail, name="detail"),
]
