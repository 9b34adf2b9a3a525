from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "staffsafe.demo"
    default_auto_field = "django.db.models.BigAutoField"
