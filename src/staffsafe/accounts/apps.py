from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "staffsafe.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from staffsafe.accounts import signals  # noqa: F401 - connects the audit receivers
