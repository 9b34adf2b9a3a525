"""staffsafe serve: run the app with a production WSGI server (ADR 0007, ADR 0015).

One process (the default) is waitress: pure Python, the same on a laptop and a server, what
`make run` uses. `--workers N` (2 or more) is granian: N processes, each with `--threads`
Python threads and its own HTTP/1.1 keep-alive connections, so that CPU-bound requests use
every core; what a trust runs behind its proxy, and what bench/api_create.py measures.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

WAITRESS_THREADS = 8
GRANIAN_THREADS = 2


class Command(BaseCommand):
    help = ("Serve StaffSafe over HTTP, static files included: waitress in one process, or "
            "granian with --workers 2 or more.")

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=1,
            help="processes; 2 or more serve with granian (about one per CPU core)")
        parser.add_argument(
            "--threads", type=int, default=None,
            help=f"threads per process (default {WAITRESS_THREADS} for one process, "
                 f"{GRANIAN_THREADS} for each of several)")

    def handle(self, *args, host: str, port: int, workers: int, threads: int | None,
               **options):  # type: ignore[no-untyped-def]
        if workers < 1 or (threads is not None and threads < 1):
            raise CommandError("--workers and --threads take a whole number from 1.")
        self.stdout.write(f"StaffSafe is running at http://{host}:{port}/ (Ctrl+C to stop)")
        self.stdout.flush()
        if workers == 1:
            from waitress import serve

            from staffsafe.config.wsgi import application

            serve(application, host=host, port=port, threads=threads or WAITRESS_THREADS,
                  ident="StaffSafe")
            return
        from granian.constants import Interfaces
        from granian.log import LogLevels
        from granian.server import Server

        Server(
            "staffsafe.config.wsgi:application", address=host, port=port,
            interface=Interfaces.WSGI, workers=workers,
            blocking_threads=threads or GRANIAN_THREADS, websockets=False, backlog=2048,
            respawn_failed_workers=True, log_level=LogLevels.warning,
        ).serve()
