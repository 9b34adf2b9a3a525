from django.urls import path

from staffsafe.organisations import views

app_name = "organisations"
urlpatterns = [
    path("organisation/", views.overview, name="overview"),
    path("organisation/sites/add/", views.site_add, name="site-add"),
    path("organisation/units/add/", views.unit_add, name="unit-add"),
    path("organisation/headcounts/set/", views.headcount_set, name="headcount-set"),
    path("organisation/upload/", views.csv_upload, name="csv-upload"),
    path("trusts/", views.trusts, name="trusts"),
    path("trusts/add/", views.trust_add, name="trust-add"),
]
