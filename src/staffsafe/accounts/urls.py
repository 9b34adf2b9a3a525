from django.urls import path

from staffsafe.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("demo/personas/", views.personas, name="personas"),
    path("organisation/people/", views.people, name="people"),
    path("organisation/people/add/", views.person_add, name="person-add"),
    path("organisation/people/<int:user_id>/", views.person_edit, name="person-edit"),
]
