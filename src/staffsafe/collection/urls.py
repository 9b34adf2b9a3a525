from django.urls import path

from staffsafe.collection import views

app_name = "collection"
urlpatterns = [
    # The published data standard: public documentation.
    path("standard/", views.dictionary, name="dictionary"),
    path("standard/download/<str:name>", views.standard_download, name="standard-download"),
]
