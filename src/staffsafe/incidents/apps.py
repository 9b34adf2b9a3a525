from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "staffsafe.incidents"
    default_auto_field = "django.db.models.BigAutoField"
