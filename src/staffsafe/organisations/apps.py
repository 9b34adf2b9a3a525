from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "staffsafe.organisations"
    default_auto_field = "django.db.models.BigAutoField"
