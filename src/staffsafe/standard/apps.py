from django.apps import AppConfig


class StandardConfig(AppConfig):
    name = "staffsafe.standard"
    default_auto_field = "django.db.models.BigAutoField"
