from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "staffsafe.collection"
    default_auto_field = "django.db.models.BigAutoField"
