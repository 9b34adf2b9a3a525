from django.urls import path

from staffsafe.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("demo/personas/", views.personas, name="personas"),
]
