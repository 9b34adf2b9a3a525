"""staffsafe api-token USERNAME: make a bearer token for a machine client."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from staffsafe.accounts import selectors, services


class Command(BaseCommand):
    help = "Create a bearer token for USERNAME. It is printed once and never stored in clear."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, username: str, name: str, **options):  # type: ignore[no-untyped-def]
        user = selectors.user_by_username(username)
        if user is None:
            raise CommandError(f"No user called '{username}'.")
        if not user.is_active:
            raise CommandError(f"'{username}' is not active.")
        self.stdout.write(services.api_token_create(user=user, name=name))
