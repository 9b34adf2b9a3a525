"""The `staffsafe` command: Django's management commands under one name.

`staffsafe COMMAND --help` documents each (demo, api-token, serve, migrate, ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffsafe.config.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["staffsafe", *(sys.argv[1:] if argv is None else argv)])
    except RuntimeError as error:  # settings refuse to start without what they need
        sys.stderr.write(f"staffsafe: {error}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
