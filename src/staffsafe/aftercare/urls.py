from django.urls import path

from staffsafe.aftercare import views

app_name = "aftercare"
urlpatterns = [
    path("tasks/", views.task_list, name="tasks"),
    path("aftercare/targets/", views.targets, name="targets"),
    path("incidents/<uuid:incident_id>/aftercare/<slug:step>/", views.step_record, name="step"),
    path("incidents/<uuid:incident_id>/riddor/", views.riddor_details, name="riddor"),
    path("incidents/<uuid:incident_id>/police/", views.police_details, name="police"),
    path("incidents/<uuid:incident_id>/sanctions/add/", views.sanction_add, name="sanction-add"),
    path("incidents/<uuid:incident_id>/sanctions/<int:sanction_id>/review/",
         views.sanction_review, name="sanction-review"),
]
