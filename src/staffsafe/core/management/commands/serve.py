"""staffsafe serve: run the app with a production WSGI server (waitress)."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve StaffSafe over HTTP with waitress, static files included."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host: str, port: int, threads: int, **options):  # type: ignore[no-untyped-def]
        from waitress import serve

        from staffsafe.config.wsgi import application

        self.stdout.write(f"StaffSafe is running at http://{host}:{port}/ (Ctrl+C to stop)")
        serve(application, host=host, port=port, threads=threads, ident="StaffSafe")
