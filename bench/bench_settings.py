"""Settings for the benchmark's app server: the project's own, with one trivial view added.

Used only by bench/api_create.py and bench/api_create_inprocess.py
(DJANGO_SETTINGS_MODULE=bench_settings, bench/ on PYTHONPATH). Everything else, middleware
and database settings included, is the project's unchanged.
"""

from staffsafe.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
