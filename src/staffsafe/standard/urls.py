from django.urls import path

from staffsafe.standard import views

app_name = "standard"
_REVIEW = "self-assessment/<int:review_id>/"
_INDICATOR = _REVIEW + "indicators/<str:code>/"
urlpatterns = [
    path("self-assessment/", views.overview, name="overview"),
    path("self-assessment/start/", views.start, name="start"),
    path(_REVIEW, views.review_detail, name="review"),
    path(_REVIEW + "edit/", views.review_edit, name="review-edit"),
    path(_INDICATOR, views.indicator, name="indicator"),
    path(_INDICATOR + "links/add/", views.link_add, name="link-add"),
    path(_INDICATOR + "files/add/", views.file_add, name="file-add"),
    path(_INDICATOR + "actions/add/", views.action_add, name="action-add"),
    path(_REVIEW + "links/<int:link_id>/remove/", views.link_remove, name="link-remove"),
    path(_REVIEW + "files/<int:file_id>/", views.file_download, name="file-download"),
    path(_REVIEW + "files/<int:file_id>/remove/", views.file_remove, name="file-remove"),
    path(_REVIEW + "actions/", views.action_plan, name="action-plan"),
    path(_REVIEW + "actions/<int:action_id>/", views.action_edit, name="action-edit"),
    path(_REVIEW + "sign-off/", views.sign_off, name="sign-off"),
    path(_REVIEW + "compare/", views.compare, name="compare"),
    path(_REVIEW + "export.xlsx", views.export_xlsx, name="export-xlsx"),
    path(_REVIEW + "board-report.pdf", views.export_pdf, name="export-pdf"),
    path("self-assessment/catalogues/", views.catalogues, name="catalogues"),
    path("self-assessment/catalogues/upload/", views.catalogue_upload, name="catalogue-upload"),
    path("self-assessment/catalogues/starter/", views.catalogue_starter,
         name="catalogue-starter"),
    path("self-assessment/catalogues/<int:catalogue_id>/", views.catalogue_detail,
         name="catalogue"),
    path("self-assessment/catalogues/<int:catalogue_id>/catalogue.csv", views.catalogue_download,
         name="catalogue-download"),
]
