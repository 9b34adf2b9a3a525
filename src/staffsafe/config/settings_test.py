"""Settings for the test suite: the same as production but with a fast password hasher."""

import os

os.environ.setdefault("STAFFSAFE_DEMO_MODE", "true")

from staffsafe.config.settings import *  # noqa: F403

# Speed only; production uses Argon2 (see settings.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_MODE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Returns are processed at once in tests; the worker itself is tested separately.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                     "QUEUES": ["default"]}}
