"""WSGI entry point."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffsafe.config.settings")
application = get_wsgi_application()
# Every view is imported now, as each server process starts, rather than during the first
# request it serves: the analytics views bring in scipy and matplotlib, about a second's work.
get_resolver().url_patterns  # noqa: B018
