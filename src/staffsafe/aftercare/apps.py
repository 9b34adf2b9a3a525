from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "staffsafe.aftercare"
    default_auto_field = "django.db.models.BigAutoField"
