from django.urls import path

from staffsafe.analytics import views

app_name = "analytics"
urlpatterns = [
    # The trust dashboard: the lead (whole trust) and managers (their units).
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/charts/<slug:name>.<slug:fmt>", views.dashboard_chart, name="chart"),
    path("dashboard/data/<slug:name>.<slug:fmt>", views.dashboard_data, name="data"),
    path("dashboard/board-report.pdf", views.board_report_pdf, name="board-report"),
    # National: aggregates with disclosure control only.
    path("national/dashboard/", views.national_dashboard, name="national-dashboard"),
    path("national/dashboard/charts/<slug:name>.<slug:fmt>", views.national_chart,
         name="national-chart"),
    path("national/staff-survey/", views.staff_survey_upload, name="staff-survey"),
]
